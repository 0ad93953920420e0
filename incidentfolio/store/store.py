"""The evidence store: one SQLite file per portfolio; nothing is ever overwritten.

Every change appends a new version (or a tombstone) and a ledger entry whose hash covers the
previous entry, so ``check`` can prove the portfolio is exactly what was recorded.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidentfolio.errors import StoreError
from incidentfolio.store import db
from incidentfolio.store.canonical import canonical_json, sha256_file, sha256_of
from incidentfolio.store.clock import now

GENESIS = "0" * 64
ATTACHMENTS_DIR = "attachments"
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
DECLARATION = (
    "I declare that the evidence in this portfolio is my own work, that it is a true record "
    "of what I did, and that any personal data in it is used with permission or has been "
    "made anonymous."
)


@dataclass(frozen=True)
class Mapping:
    """A live link from an evidence item to a criterion, with the reason it counts."""

    framework: str
    criterion: str
    justification: str
    anchor: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.criterion}"

    def as_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "criterion": self.criterion,
                "justification": self.justification, "anchor": self.anchor}  # fmt: skip


@dataclass(frozen=True)
class Attachment:
    name: str
    stored_as: str
    sha256: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class Item:
    """The current version of an evidence item, with its live mappings and attachments."""

    id: str
    type: str
    created_at: str
    version: int
    updated_at: str
    state: str
    title: str
    body: dict[str, Any]
    source_scenario: str | None
    personal_data: bool
    version_sha256: str
    mappings: tuple[Mapping, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def deleted(self) -> bool:
        return self.state == "deleted"

    def state_record(self) -> dict[str, Any]:
        """What the ledger's hash for this item covers."""
        return {
            "id": self.id,
            "type": self.type,
            "created_at": self.created_at,
            "version": self.version,
            "version_sha256": self.version_sha256,
            "mappings": sorted((m.as_dict() for m in self.mappings), key=canonical_json),
            "attachments": sorted((a.as_dict() for a in self.attachments), key=canonical_json),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "version": self.version,
            "state": self.state,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "source_scenario": self.source_scenario,
            "personal_data": self.personal_data,
            "body": self.body,
            "mappings": [m.as_dict() for m in self.mappings],
            "attachments": [a.as_dict() for a in self.attachments],
        }


@dataclass(frozen=True)
class Profile:
    candidate_name: str
    candidate_number: str
    centre: str
    assessor_name: str
    frameworks: tuple[str, ...]
    updated_at: str

    def record(self) -> dict[str, Any]:
        return {"candidate_name": self.candidate_name, "candidate_number": self.candidate_number,
                "centre": self.centre, "assessor_name": self.assessor_name,
                "frameworks": list(self.frameworks), "updated_at": self.updated_at}  # fmt: skip


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    at: str
    action: str
    subject: str
    subject_sha256: str
    prev_sha256: str
    entry_sha256: str

    def computed_hash(self) -> str:
        return entry_hash(self.seq, self.at, self.action, self.subject, self.subject_sha256,
                          self.prev_sha256)  # fmt: skip


def entry_hash(seq: int, at: str, action: str, subject: str, subject_sha: str, prev: str) -> str:
    return sha256_of({"seq": seq, "at": at, "action": action, "subject": subject,
                      "subject_sha256": subject_sha, "prev_sha256": prev})  # fmt: skip


def version_record(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    """The fields of one item version that its SHA-256 covers."""
    return {
        "item_id": row["item_id"],
        "version": row["version"],
        "recorded_at": row["recorded_at"],
        "state": row["state"],
        "title": row["title"],
        "body": _json_loads(row["body"]),
        "source_scenario": row["source_scenario"],
        "personal_data": bool(row["personal_data"]),
    }


def _json_loads(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {"unreadable": str(text)}


@dataclass
class Store:
    """An open portfolio database. Use :func:`open_store`."""

    folder: Path
    conn: sqlite3.Connection
    journal_mode: str
    _frameworks: dict[str, Any] | None = field(default=None, repr=False)

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.folder / db.DB_NAME

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- profile ---------------------------------------------------------------------------
    def profile(self) -> Profile | None:
        row = self.conn.execute("SELECT * FROM profile WHERE id = 1").fetchone()
        if row is None:
            return None
        return Profile(row["candidate_name"], row["candidate_number"], row["centre"],
                       row["assessor_name"], tuple(_json_loads(row["frameworks"])),
                       row["updated_at"])  # fmt: skip

    def require_profile(self) -> Profile:
        found = self.profile()
        if found is None:
            raise StoreError(
                f"portfolio {self.folder} has no candidate profile yet: run `incidentfolio init`"
            )
        return found

    def set_profile(
        self,
        *,
        candidate_name: str,
        candidate_number: str,
        frameworks: Iterable[str],
        centre: str = "",
        assessor_name: str = "",
    ) -> Profile:
        """Create or replace the candidate profile (recorded in the ledger)."""
        for label, value in (("name", candidate_name), ("candidate number", candidate_number)):
            if not value.strip():
                raise StoreError(f"the candidate {label} must not be empty")
        chosen = tuple(dict.fromkeys(frameworks))
        known = self.frameworks()
        for fw in chosen:
            if fw not in known:
                raise StoreError(f"unknown framework {fw} (see `incidentfolio frameworks`)")
        if not chosen:
            raise StoreError("choose at least one framework")
        profile = Profile(candidate_name.strip(), candidate_number.strip(), centre.strip(),
                          assessor_name.strip(), chosen, now())  # fmt: skip
        with db.transaction(self.conn):
            self.conn.execute(
                "INSERT INTO profile (id, candidate_name, candidate_number, centre, assessor_name,"
                " frameworks, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET candidate_name = excluded.candidate_name, candidate_number ="
                " excluded.candidate_number, centre = excluded.centre, assessor_name ="
                " excluded.assessor_name, frameworks = excluded.frameworks, updated_at ="
                " excluded.updated_at",
                (profile.candidate_name, profile.candidate_number, profile.centre,
                 profile.assessor_name, canonical_json(list(chosen)), profile.updated_at),
            )  # fmt: skip
            self.append_ledger("profile", "profile", sha256_of(profile.record()))
        return profile

    def frameworks(self) -> dict[str, Any]:
        """Shipped frameworks plus this portfolio's imported ones."""
        if self._frameworks is None:
            from incidentfolio.frameworks import load_all_frameworks

            self._frameworks = load_all_frameworks(self.folder)
        return self._frameworks

    # --- evidence ----------------------------------------------------------------------------
    def add_item(
        self,
        evidence_type: str,
        title: str,
        body: dict[str, Any],
        *,
        source_scenario: str | None = None,
        personal_data: bool = False,
        attachments: Iterable[Path] = (),
        mappings: Iterable[Mapping] = (),
    ) -> str:
        """Validate and add a new item; returns its id (``EV-0007``). All or nothing."""
        self.require_profile()
        self._check_item(evidence_type, title, body)
        files = [self._check_attachment(Path(p)) for p in attachments]
        wanted = [self._check_mapping(m) for m in mappings]
        refs = [m.ref for m in wanted]
        for ref in refs:
            if refs.count(ref) > 1:
                raise StoreError(f"{ref} is given twice; map an item to a criterion once")
        names = [_stored_name(p, sha256_file(p)) for p in files]
        for path, name in zip(files, names, strict=True):
            if names.count(name) > 1:
                raise StoreError(f"attachment {path} is given twice")
        copied: list[Path] = []
        try:
            with db.transaction(self.conn):
                number = self.conn.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM items"
                ).fetchone()[0]
                item_id = f"EV-{number:04d}"
                stamp = now()
                self.conn.execute(
                    "INSERT INTO items (id, number, type, created_at) VALUES (?, ?, ?, ?)",
                    (item_id, number, evidence_type, stamp),
                )
                self._insert_version(item_id, 1, stamp, "active", title, body, source_scenario,
                                     personal_data)  # fmt: skip
                for path in files:
                    copied.append(self._insert_attachment(item_id, path, stamp))
                for m in wanted:
                    self._insert_mapping(item_id, m, stamp)
                self._record_item_change("create", item_id)
        except BaseException:
            for path in copied:
                path.unlink(missing_ok=True)
            raise
        return item_id

    def edit_item(
        self,
        item_id: str,
        *,
        title: str | None = None,
        body: dict[str, Any] | None = None,
        personal_data: bool | None = None,
    ) -> int:
        """Record a new version of an item; returns the new version number."""
        current = self.item(item_id)
        if current.deleted:
            raise StoreError(f"{item_id} was deleted; deleted evidence cannot be edited")
        new_title = current.title if title is None else title
        new_body = current.body if body is None else body
        self._check_item(current.type, new_title, new_body)
        flag = current.personal_data if personal_data is None else personal_data
        with db.transaction(self.conn):
            version = self._latest_version(item_id) + 1
            self._insert_version(item_id, version, now(), "active", new_title, new_body,
                                 current.source_scenario, flag)  # fmt: skip
            self._record_item_change("edit", item_id)
        return version

    def delete_item(self, item_id: str) -> None:
        """Leave a tombstone: the item disappears from lists but its history stays."""
        current = self.item(item_id)
        if current.deleted:
            raise StoreError(f"{item_id} is already deleted")
        with db.transaction(self.conn):
            version = self._latest_version(item_id) + 1
            self._insert_version(item_id, version, now(), "deleted", current.title, current.body,
                                 current.source_scenario, current.personal_data)  # fmt: skip
            self._record_item_change("delete", item_id)

    def map_item(self, item_id: str, mapping: Mapping) -> None:
        """Map an item to a criterion with a justification."""
        current = self.item(item_id)
        if current.deleted:
            raise StoreError(f"{item_id} was deleted; it cannot be mapped")
        checked = self._check_mapping(mapping)
        if any(m.ref == checked.ref for m in current.mappings):
            raise StoreError(f"{item_id} is already mapped to {checked.ref}")
        with db.transaction(self.conn):
            self._insert_mapping(item_id, checked, now())
            self._record_item_change("map", item_id)

    def unmap_item(self, item_id: str, ref: str) -> None:
        """Remove a live mapping (the record of it stays, marked as unmapped)."""
        current = self.item(item_id)
        if current.deleted:
            raise StoreError(f"{item_id} was deleted; it cannot be unmapped")
        if not any(m.ref == ref for m in current.mappings):
            raise StoreError(f"{item_id} is not mapped to {ref}")
        framework, criterion = ref.split(":", 1)
        with db.transaction(self.conn):
            self.conn.execute(
                "UPDATE mappings SET unmapped_at = ? WHERE item_id = ? AND framework = ? AND "
                "criterion = ? AND unmapped_at IS NULL",
                (now(), item_id, framework, criterion),
            )
            self._record_item_change("unmap", item_id)

    # --- reading -----------------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        """The current state of one item (deleted items included, marked as such)."""
        with db.snapshot(self.conn):
            row = self.conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise StoreError(f"no evidence item {item_id} (see `incidentfolio evidence list`)")
            return self._build(row)

    def items(self, *, include_deleted: bool = False) -> list[Item]:
        with db.snapshot(self.conn):
            rows = self.conn.execute("SELECT * FROM items ORDER BY number").fetchall()
            found = [self._build(row) for row in rows]
        return found if include_deleted else [i for i in found if not i.deleted]

    def history(self, item_id: str) -> list[dict[str, Any]]:
        """Every version of an item, oldest first."""
        self.item(item_id)
        rows = self.conn.execute(
            "SELECT * FROM item_versions WHERE item_id = ? ORDER BY version", (item_id,)
        ).fetchall()
        return [version_record(r) | {"sha256": r["sha256"]} for r in rows]

    def ledger(self) -> list[LedgerEntry]:
        rows = self.conn.execute("SELECT * FROM ledger ORDER BY seq").fetchall()
        return [LedgerEntry(**dict(r)) for r in rows]

    def ledger_head(self) -> tuple[int, str]:
        row = self.conn.execute(
            "SELECT seq, entry_sha256 FROM ledger ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    # --- declaration -------------------------------------------------------------------------
    def declare(self) -> dict[str, Any]:
        """Record the candidate's authenticity declaration over the current ledger head."""
        profile = self.require_profile()
        if not self.items():
            raise StoreError("there is no evidence to declare yet")
        with db.transaction(self.conn):
            seq, head = self.ledger_head()
            stamp = now()
            record = {"declared_at": stamp, "candidate_name": profile.candidate_name,
                      "statement": DECLARATION, "ledger_seq": seq, "ledger_head": head}  # fmt: skip
            self.conn.execute(
                "INSERT INTO declarations (declared_at, candidate_name, statement, ledger_seq, "
                "ledger_head) VALUES (:declared_at, :candidate_name, :statement, :ledger_seq, "
                ":ledger_head)",
                record,
            )
            self.append_ledger("declare", "declaration", sha256_of(record))
        return record

    def declaration(self) -> dict[str, Any] | None:
        """The latest declaration and whether evidence changed after it (``stale``)."""
        row = self.conn.execute("SELECT * FROM declarations ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        later = self.conn.execute(
            "SELECT COUNT(*) FROM ledger WHERE seq > ? AND action NOT IN ('declare', 'submit', "
            "'feedback')",
            (row["ledger_seq"],),
        ).fetchone()[0]
        return dict(row) | {"stale": later > 0, "changes_since": later}

    # --- drafts ------------------------------------------------------------------------------
    # Work in progress typed into a page: saved as the candidate types so a reload loses
    # nothing, but not evidence, so drafts are neither versioned nor in the ledger.
    def save_draft(self, key: str, data: dict[str, Any]) -> None:
        """Keep (or replace) the draft called ``key``."""
        with db.transaction(self.conn):
            self.conn.execute(
                "INSERT INTO drafts (key, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                (key, canonical_json(data), now()),
            )

    def draft(self, key: str) -> dict[str, Any] | None:
        """The draft called ``key``, or None."""
        row = self.conn.execute("SELECT data FROM drafts WHERE key = ?", (key,)).fetchone()
        data = _json_loads(row[0]) if row else None
        return data if isinstance(data, dict) else None

    def discard_draft(self, key: str) -> None:
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE key = ?", (key,))

    # --- internals ---------------------------------------------------------------------------
    def _build(self, row: sqlite3.Row) -> Item:
        item_id = row["id"]
        version = self.conn.execute(
            "SELECT * FROM item_versions WHERE item_id = ? ORDER BY version DESC LIMIT 1",
            (item_id,),
        ).fetchone()
        if version is None:
            raise StoreError(f"{item_id} has no recorded version (run `incidentfolio check`)")
        mappings = tuple(
            Mapping(m["framework"], m["criterion"], m["justification"], m["anchor"])
            for m in self.conn.execute(
                "SELECT * FROM mappings WHERE item_id = ? AND unmapped_at IS NULL ORDER BY id",
                (item_id,),
            )
        )
        attachments = tuple(
            Attachment(a["name"], a["stored_as"], a["sha256"], a["size"])
            for a in self.conn.execute(
                "SELECT * FROM attachments WHERE item_id = ? ORDER BY id", (item_id,)
            )
        )
        body = _json_loads(version["body"])
        return Item(
            id=item_id,
            type=row["type"],
            created_at=row["created_at"],
            version=version["version"],
            updated_at=version["recorded_at"],
            state=version["state"],
            title=version["title"],
            body=body if isinstance(body, dict) else {"unreadable": body},
            source_scenario=version["source_scenario"],
            personal_data=bool(version["personal_data"]),
            version_sha256=version["sha256"],
            mappings=mappings,
            attachments=attachments,
        )

    def _latest_version(self, item_id: str) -> int:
        return self.conn.execute(
            "SELECT MAX(version) FROM item_versions WHERE item_id = ?", (item_id,)
        ).fetchone()[0]

    def _insert_version(
        self,
        item_id: str,
        version: int,
        stamp: str,
        state: str,
        title: str,
        body: dict[str, Any],
        source_scenario: str | None,
        personal_data: bool,
    ) -> None:
        row = {"item_id": item_id, "version": version, "recorded_at": stamp, "state": state,
               "title": title, "body": canonical_json(body), "source_scenario": source_scenario,
               "personal_data": int(bool(personal_data))}  # fmt: skip
        row["sha256"] = sha256_of(version_record(row))
        self.conn.execute(
            "INSERT INTO item_versions (item_id, version, recorded_at, state, title, body, "
            "source_scenario, personal_data, sha256) VALUES (:item_id, :version, :recorded_at, "
            ":state, :title, :body, :source_scenario, :personal_data, :sha256)",
            row,
        )

    def _insert_mapping(self, item_id: str, m: Mapping, stamp: str) -> None:
        self.conn.execute(
            "INSERT INTO mappings (item_id, framework, criterion, justification, anchor, "
            "mapped_at) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, m.framework, m.criterion, m.justification, m.anchor, stamp),
        )

    def _insert_attachment(self, item_id: str, source: Path, stamp: str) -> Path:
        digest = sha256_file(source)
        relative = f"{ATTACHMENTS_DIR}/{item_id}/{_stored_name(source, digest)}"
        target = self.folder / relative
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _copy_private(source, target)
        if sha256_file(target) != digest:
            target.unlink(missing_ok=True)
            raise StoreError(f"attachment {source} changed while it was being copied")
        self.conn.execute(
            "INSERT INTO attachments (item_id, name, stored_as, sha256, size, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, source.name, relative, digest, target.stat().st_size, stamp),
        )
        return target

    def _record_item_change(self, action: str, item_id: str) -> None:
        state = self._build(self.conn.execute("SELECT * FROM items WHERE id = ?",
                                              (item_id,)).fetchone())  # fmt: skip
        self.append_ledger(action, item_id, sha256_of(state.state_record()))

    def append_ledger(self, action: str, subject: str, subject_sha: str) -> None:
        """Append a chained ledger entry; call inside ``db.transaction(self.conn)``."""
        seq, prev = self.ledger_head()
        stamp = now()
        digest = entry_hash(seq + 1, stamp, action, subject, subject_sha, prev)
        self.conn.execute(
            "INSERT INTO ledger (seq, at, action, subject, subject_sha256, prev_sha256, "
            "entry_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq + 1, stamp, action, subject, subject_sha, prev, digest),
        )

    def _check_item(self, evidence_type: str, title: str, body: object) -> None:
        from incidentfolio.evidence_types import EVIDENCE_TYPES, check_body

        if evidence_type not in EVIDENCE_TYPES:
            raise StoreError(
                f"unknown evidence type {evidence_type!r} (one of: {', '.join(EVIDENCE_TYPES)})"
            )
        if not isinstance(title, str) or not title.strip():
            raise StoreError("the title must not be empty")
        if len(title) > 200:
            raise StoreError("the title must be 200 characters or fewer")
        if not isinstance(body, dict):
            raise StoreError(f"the {evidence_type} body must be a mapping of fields")
        problems = check_body(evidence_type, body)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise StoreError(f"{evidence_type} body: {problems[0]}{more}")

    def _check_attachment(self, path: Path) -> Path:
        if not path.is_file():
            raise StoreError(f"attachment {path} does not exist or is not a file")
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise StoreError(
                f"attachment {path} is {size} bytes; the limit is {MAX_ATTACHMENT_BYTES}"
            )
        if not os.access(path, os.R_OK):
            raise StoreError(f"attachment {path} is not readable")
        return path

    def _check_mapping(self, m: Mapping) -> Mapping:
        frameworks = self.frameworks()
        if m.framework not in frameworks:
            raise StoreError(f"unknown framework {m.framework} (see `incidentfolio frameworks`)")
        if m.criterion not in {c.id for c in frameworks[m.framework].criteria}:
            raise StoreError(f"framework {m.framework} has no criterion {m.criterion}")
        text = " ".join((m.justification or "").split())
        if len(re.findall(r"[A-Za-z]+", text)) < 4:
            raise StoreError(
                f"the justification for {m.ref} must be at least one sentence saying how "
                "this item shows the criterion"
            )
        return Mapping(m.framework, m.criterion, text, (m.anchor or "").strip() or None)


def _stored_name(source: Path, digest: str) -> str:
    """The file name an attachment is kept under: content hash prefix plus a safe name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source.name).strip("._") or "file"
    return f"{digest[:12]}-{safe}"


def _copy_private(source: Path, target: Path) -> None:
    """Copy to a temporary name, flush, then rename: a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).chmod(0o600)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_store(folder: Path, *, create: bool = False) -> Store:
    """Open the portfolio database in ``folder`` (migrating it); ``create`` makes a new one."""
    path = folder / db.DB_NAME
    if not path.exists() and not create:
        raise StoreError(f"no portfolio in {folder}: run `incidentfolio init` first")
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a file")
    conn, mode = db.connect(path)
    try:
        db.migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a portfolio database ({exc})") from None
    except BaseException:
        conn.close()
        raise
    if create:
        path.chmod(0o600)
    return Store(folder, conn, mode)
