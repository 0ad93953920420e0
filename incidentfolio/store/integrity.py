"""``incidentfolio check``: prove the portfolio is exactly what its ledger recorded."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from incidentfolio.store.canonical import sha256_file, sha256_of
from incidentfolio.store.db import snapshot
from incidentfolio.store.store import ATTACHMENTS_DIR, GENESIS, Profile, Store, version_record


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found: problems (each one line) and facts worth telling the user."""

    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(store: Store) -> CheckReport:
    """Run SQLite's integrity check, then recompute the ledger chain and every hash."""
    problems: list[str] = []
    notes: list[str] = []
    conn = store.conn
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return CheckReport((f"database: SQLite cannot read it ({exc})",), ())
    if result != ["ok"]:
        problems.append(f"database: SQLite integrity check failed: {result[0]}")
    if store.journal_mode == "wal":
        notes.append("journal: write-ahead log (WAL)")
    else:
        notes.append(
            f"journal: {store.journal_mode} (this filesystem does not support WAL, so readers "
            "and writers take turns; everything is still safe)"
        )
    try:
        with snapshot(conn):
            problems += _check_ledger(store)
            problems += _check_items(store)
            problems += _check_profile_and_declarations(store)
    except sqlite3.DatabaseError as exc:
        problems.append(f"database: a table cannot be read ({exc})")
    stray = _stray_files(store)
    if stray:
        notes.append(
            f"attachments: {len(stray)} file{'s' if len(stray) != 1 else ''} not part of any "
            "item (left by an interrupted add; safe to delete)"
        )
    seq, _ = store.ledger_head()
    entries = conn.execute("SELECT COUNT(*) FROM ledger").fetchone()[0]
    items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    notes.append(f"ledger: {entries} entries (head {seq}); {items} evidence items")
    return CheckReport(tuple(problems), tuple(notes))


def _stray_files(store: Store) -> list[str]:
    folder = store.folder / ATTACHMENTS_DIR
    if not folder.is_dir():
        return []
    known = {r[0] for r in store.conn.execute("SELECT stored_as FROM attachments")}
    found = {p.relative_to(store.folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return sorted(found - known)


def _check_ledger(store: Store) -> list[str]:
    problems = []
    previous_seq, previous_hash = 0, GENESIS
    for entry in store.ledger():
        if entry.seq != previous_seq + 1:
            missing = (
                f"entry {previous_seq + 1}"
                if entry.seq == previous_seq + 2
                else f"entries {previous_seq + 1}-{entry.seq - 1}"
            )
            problems.append(f"ledger: {missing} missing (entry {entry.seq} follows {previous_seq})")
        elif entry.prev_sha256 != previous_hash:
            problems.append(f"ledger entry {entry.seq}: does not follow entry {previous_seq}")
        if entry.computed_hash() != entry.entry_sha256:
            problems.append(
                f"ledger entry {entry.seq} ({entry.action} {entry.subject}): altered "
                "(its contents no longer match its hash)"
            )
        previous_seq, previous_hash = entry.seq, entry.entry_sha256
    return problems


def _last_entries(store: Store) -> dict[str, str]:
    """Subject → the subject hash of its newest ledger entry."""
    return {e.subject: e.subject_sha256 for e in store.ledger()}


def _check_items(store: Store) -> list[str]:
    problems = []
    conn = store.conn
    for row in conn.execute("SELECT * FROM item_versions ORDER BY item_id, version"):
        if sha256_of(version_record(row)) != row["sha256"]:
            problems.append(
                f"{row['item_id']} version {row['version']}: altered after it was recorded"
            )
    last = _last_entries(store)
    ids = [r["id"] for r in conn.execute("SELECT id FROM items ORDER BY number")]
    for item_id in ids:
        try:
            item = store.item(item_id)
        except Exception as exc:  # a damaged row must be reported, not crash the check
            problems.append(f"{item_id}: cannot be read ({exc})")
            continue
        if item_id not in last:
            problems.append(f"{item_id}: not in the ledger (added outside incidentfolio)")
        elif sha256_of(item.state_record()) != last[item_id]:
            problems.append(
                f"{item_id}: does not match the ledger (its version, mappings or attachments "
                "changed outside incidentfolio)"
            )
        for attachment in item.attachments:
            path = store.folder / attachment.stored_as
            if not path.is_file():
                problems.append(f"{item_id} attachment {attachment.name}: file missing")
            elif sha256_file(path) != attachment.sha256:
                problems.append(f"{item_id} attachment {attachment.name}: content changed")
    special = {"profile", "declaration", "feedback", "submission"}
    for subject in sorted(set(last) - set(ids) - special):
        problems.append(f"{subject}: in the ledger but missing from the store")
    return problems


def _check_profile_and_declarations(store: Store) -> list[str]:
    problems = []
    last = _last_entries(store)
    row = store.conn.execute("SELECT * FROM profile WHERE id = 1").fetchone()
    if row is not None:
        profile = Profile(row["candidate_name"], row["candidate_number"], row["centre"],
                          row["assessor_name"], tuple(json.loads(row["frameworks"])),
                          row["updated_at"])  # fmt: skip
        if sha256_of(profile.record()) != last.get("profile"):
            problems.append("profile: does not match the ledger (changed outside incidentfolio)")
    declaration = store.conn.execute(
        "SELECT declared_at, candidate_name, statement, ledger_seq, ledger_head FROM "
        "declarations ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if declaration is not None and sha256_of(dict(declaration)) != last.get("declaration"):
        problems.append("declaration: does not match the ledger (changed outside incidentfolio)")
    return problems
