"""(Re)generate the fixture portfolios the store tests open.

    .venv/bin/python tests/data/portfolios/make_fixtures.py [--out DIR]

Writes, into DIR (default: this folder):

* ``clean/``: a portfolio built through the Store API: a profile, a reflection mapped to
  k503-0421 1.6 and edited once (EV-0001, two versions), a witness testimony with an
  attachment mapped to 1.3 (EV-0002), a deleted reflection (EV-0003, a tombstone) and a
  declaration. Its ledger: 1 profile, 2 create EV-0001, 3 edit EV-0001, 4 create EV-0002,
  5 create EV-0003, 6 delete EV-0003, 7 declare.
* one copy of ``clean`` per kind of tampering, each changed by direct sqlite3 or file edits
  and named after what it shows: ``tampered-body``, ``tampered-attachment``,
  ``ledger-row-edited``, ``ledger-row-deleted``, ``item-row-deleted``,
  ``mapping-added-outside``.
* ``v1-schema.db``: a database with only migration 1 applied (``user_version`` 1), a profile
  and two items, written row by row with the store's hashing, as incidentfolio's first
  schema version would have written it. Opening it must migrate it and keep everything.

Every database is left in rollback-journal mode (no ``-wal``/``-shm`` files), with small
pages and vacuumed, so the committed files are small and self-contained. Timestamps differ on
every run; what ``incidentfolio check`` reports about each fixture does not.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from incidentfolio.store import Item, Mapping, Profile, open_store
from incidentfolio.store.canonical import canonical_json, sha256_of
from incidentfolio.store.clock import now
from incidentfolio.store.migrations import MIGRATIONS
from incidentfolio.store.store import GENESIS, entry_hash, version_record

HERE = Path(__file__).resolve().parent
FRAMEWORK = "k503-0421"
ATTACHMENT_NAME = "witness-statement.txt"
ATTACHMENT_TEXT = (
    "Witness statement, 5 March 2025.\n"
    "I watched Sam take a report of a gas smell and escalate it to the on-call engineer.\n"
)

REFLECTION = {
    "description": "A caller reported a strong smell of gas outside a primary school.",
    "feelings": "I felt under pressure because the caller was frightened.",
    "evaluation": "I logged the call quickly but asked for the location twice.",
    "analysis": "Using LASS kept me focused on the location before anything else.",
    "conclusion": "I learned to confirm the location once, clearly, and move on.",
    "action_plan": "I will practise the location script with my team leader this month.",
}
WITNESS = {
    "witness_name": "Alex Morgan",
    "witness_role": "Team leader",
    "relationship": "My line manager",
    "date_observed": "2025-03-04",
    "observed": "I saw Sam log a gas escape report and escalate it to the on-call engineer.",
    "signature_statement": True,
    "signed_on": "2025-03-05",
}
WHY = "The reflection explains how I confirmed the location and escalated the gas report."


def build_clean(folder: Path, scratch: Path) -> None:
    """The clean portfolio, through the Store API only."""
    folder.mkdir(mode=0o700, parents=True)
    statement = scratch / ATTACHMENT_NAME
    statement.write_text(ATTACHMENT_TEXT, encoding="utf-8")
    with open_store(folder, create=True) as store:
        store.set_profile(
            candidate_name="Sam Taylor", candidate_number="C1234", frameworks=[FRAMEWORK]
        )
        first = store.add_item(
            "reflection",
            "Gas escape outside a school",
            REFLECTION,
            mappings=[Mapping(FRAMEWORK, "1.6", WHY)],
        )
        store.edit_item(first, title="Gas escape outside a primary school")
        store.add_item(
            "witness_testimony",
            "Team leader's account of the gas escape call",
            WITNESS,
            attachments=[statement],
            mappings=[Mapping(FRAMEWORK, "1.3", "My team leader saw me log the call fully.")],
        )
        third = store.add_item("reflection", "A draft I withdrew", REFLECTION)
        store.delete_item(third)
        store.declare()
    _settle(folder / "portfolio.db")


def _settle(db_path: Path) -> None:
    """Rollback-journal mode, small pages, vacuumed: one small self-contained file."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA page_size = 512")
        conn.execute("VACUUM")
    finally:
        conn.close()


def _edit_db(folder: Path, *statements: tuple[str, tuple]) -> None:
    conn = sqlite3.connect(folder / "portfolio.db", isolation_level=None)
    try:
        for sql, params in statements:
            changed = conn.execute(sql, params).rowcount
            if changed != 1:
                raise RuntimeError(f"{folder.name}: {sql!r} changed {changed} rows, not 1")
    finally:
        conn.close()
    _settle(folder / "portfolio.db")


def tamper_body(folder: Path) -> None:
    """Someone rewrote what the witness saw, straight in the database."""
    body = dict(WITNESS, observed="I saw Sam handle every call on the shift without help.")
    _edit_db(
        folder,
        (
            "UPDATE item_versions SET body = ? WHERE item_id = 'EV-0002' AND version = 1",
            (canonical_json(body),),
        ),
    )


def tamper_attachment(folder: Path) -> None:
    """Someone replaced the attachment's file with a different statement."""
    (path,) = (folder / "attachments" / "EV-0002").iterdir()
    path.write_text(ATTACHMENT_TEXT.replace("5 March", "6 March"), encoding="utf-8")


def edit_ledger_row(folder: Path) -> None:
    """Someone backdated the ledger entry that recorded EV-0002's creation."""
    _edit_db(folder, ("UPDATE ledger SET at = ? WHERE seq = 4", ("2024-01-01T09:00:00+00:00",)))


def delete_ledger_row(folder: Path) -> None:
    """Someone removed the ledger entry that recorded EV-0002's creation."""
    _edit_db(folder, ("DELETE FROM ledger WHERE seq = 4", ()))


def delete_item_row(folder: Path) -> None:
    """Someone deleted EV-0001's newest version, so it shows its first version again."""
    _edit_db(folder, ("DELETE FROM item_versions WHERE item_id = 'EV-0001' AND version = 2", ()))


def add_mapping_outside(folder: Path) -> None:
    """Someone mapped EV-0002 to one more criterion without going through incidentfolio."""
    _edit_db(
        folder,
        (
            "INSERT INTO mappings (item_id, framework, criterion, justification, anchor, "
            "mapped_at) VALUES ('EV-0002', ?, '2.1', ?, NULL, ?)",
            (FRAMEWORK, "My team leader saw me hand the incident over properly.", now()),
        ),
    )


TAMPERED: dict[str, Callable[[Path], None]] = {
    "tampered-body": tamper_body,
    "tampered-attachment": tamper_attachment,
    "ledger-row-edited": edit_ledger_row,
    "ledger-row-deleted": delete_ledger_row,
    "item-row-deleted": delete_item_row,
    "mapping-added-outside": add_mapping_outside,
}
FIXTURES = ("clean", *TAMPERED)


# --- the schema-1 database ------------------------------------------------------------------


def build_v1(db_path: Path) -> None:
    """A database as incidentfolio's schema 1 wrote it: migration 1 only, profile, two items."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA page_size = 512")
        conn.execute("BEGIN")
        for statement in MIGRATIONS[1].strip().split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (1, ?)", (now(),))
        conn.execute("PRAGMA user_version = 1")
        ledger = _Ledger(conn)
        profile = Profile("Sam Taylor", "C1234", "Northgate College", "", (FRAMEWORK,), now())
        conn.execute(
            "INSERT INTO profile (id, candidate_name, candidate_number, centre, assessor_name, "
            "frameworks, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (
                profile.candidate_name,
                profile.candidate_number,
                profile.centre,
                profile.assessor_name,
                canonical_json(list(profile.frameworks)),
                profile.updated_at,
            ),
        )
        ledger.append("profile", "profile", sha256_of(profile.record()))
        _v1_item(
            conn,
            ledger,
            1,
            "reflection",
            "Gas escape outside a school",
            REFLECTION,
            [Mapping(FRAMEWORK, "1.6", WHY)],
        )
        _v1_item(conn, ledger, 2, "witness_testimony", "Team leader's account", WITNESS, [])
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


class _Ledger:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.seq, self.head = conn, 0, GENESIS

    def append(self, action: str, subject: str, subject_sha: str) -> None:
        self.seq += 1
        at = now()
        digest = entry_hash(self.seq, at, action, subject, subject_sha, self.head)
        self.conn.execute(
            "INSERT INTO ledger (seq, at, action, subject, subject_sha256, prev_sha256, "
            "entry_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.seq, at, action, subject, subject_sha, self.head, digest),
        )
        self.head = digest


def _v1_item(
    conn: sqlite3.Connection,
    ledger: _Ledger,
    number: int,
    kind: str,
    title: str,
    body: dict,
    mappings: list[Mapping],
) -> None:
    item_id = f"EV-{number:04d}"
    stamp = now()
    conn.execute(
        "INSERT INTO items (id, number, type, created_at) VALUES (?, ?, ?, ?)",
        (item_id, number, kind, stamp),
    )
    row = {
        "item_id": item_id,
        "version": 1,
        "recorded_at": stamp,
        "state": "active",
        "title": title,
        "body": canonical_json(body),
        "source_scenario": None,
        "personal_data": 0,
    }
    row["sha256"] = sha256_of(version_record(row))
    conn.execute(
        "INSERT INTO item_versions (item_id, version, recorded_at, state, title, body, "
        "source_scenario, personal_data, sha256) VALUES (:item_id, :version, :recorded_at, "
        ":state, :title, :body, :source_scenario, :personal_data, :sha256)",
        row,
    )
    for m in mappings:
        conn.execute(
            "INSERT INTO mappings (item_id, framework, criterion, justification, anchor, "
            "mapped_at) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, m.framework, m.criterion, m.justification, m.anchor, stamp),
        )
    state = Item(
        id=item_id,
        type=kind,
        created_at=stamp,
        version=1,
        updated_at=stamp,
        state="active",
        title=title,
        body=body,
        source_scenario=None,
        personal_data=False,
        version_sha256=row["sha256"],
        mappings=tuple(mappings),
    )
    ledger.append("create", item_id, sha256_of(state.state_record()))


# --- driver -----------------------------------------------------------------------------------


def build_all(out: Path) -> list[Path]:
    """Write every fixture into ``out`` (replacing earlier copies); returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean = work / "clean"
        build_clean(clean, work)
        for name in FIXTURES:
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(clean, target)
            if name in TAMPERED:
                TAMPERED[name](target)
            written.append(target)
    v1 = out / "v1-schema.db"
    v1.unlink(missing_ok=True)
    build_v1(v1)
    written.append(v1)
    for path in [out / name / "portfolio.db" for name in FIXTURES] + [v1]:
        for suffix in ("-wal", "-shm", "-journal"):
            if Path(f"{path}{suffix}").exists():
                raise RuntimeError(f"{path}{suffix} was left behind")
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--out DIR`` (default: next to this script)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the fixtures")
    args = parser.parse_args(argv)
    for path in build_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
