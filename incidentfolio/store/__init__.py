"""The evidence store: SQLite, explicit transactions, versions, tombstones and a ledger."""

from incidentfolio.store.store import Attachment, Item, Mapping, Profile, Store, open_store

__all__ = ["Attachment", "Item", "Mapping", "Profile", "Store", "open_store"]
