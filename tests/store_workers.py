"""Store helpers for the tests, and worker scripts the crash and concurrency tests run.

Run as a script::

    python tests/store_workers.py add-loop PORTFOLIO     # add (and sometimes edit) until killed
    python tests/store_workers.py add-n PORTFOLIO N      # add N items, then exit 0

Each worker prints ``ready`` once the store is open, then one line per committed change,
flushed at once: ``EV-0007`` after an add, ``EV-0007 v2`` after an edit. A line is printed
only after its transaction committed, so a killed worker never reports what was not stored.

Imported by the tests for the bodies, the mapping and :func:`snapshot`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

FRAMEWORK = "k503-0421"
WHY = "This account shows how I handled the incident from the first call to the hand-over."


def reflection_body(tag: str = "") -> dict[str, Any]:
    """A reflection body that passes its template; ``tag`` makes it unique."""
    suffix = f" ({tag})" if tag else ""
    return {
        "description": f"A caller reported a strong smell of gas outside a school{suffix}.",
        "feelings": "I felt under pressure because the caller was frightened.",
        "evaluation": "I logged the call quickly but asked for the location twice.",
        "analysis": "Using LASS kept me focused on the location before anything else.",
        "conclusion": "I learned to confirm the location once, clearly, and move on.",
        "action_plan": "I will practise the location script with my team leader this month.",
    }


def witness_body() -> dict[str, Any]:
    """A witness testimony body that passes its template."""
    return {
        "witness_name": "Alex Morgan",
        "witness_role": "Team leader",
        "relationship": "My line manager",
        "date_observed": "2025-03-04",
        "observed": "I saw Sam log a gas escape report and escalate it to the on-call engineer.",
        "signature_statement": True,
        "signed_on": "2025-03-05",
    }


def init_portfolio(folder: Path, *, number: str = "C1234") -> None:
    """Create a portfolio with the standard test profile."""
    from incidentfolio.store import open_store

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open_store(folder, create=True) as store:
        store.set_profile(
            candidate_name="Sam Taylor", candidate_number=number, frameworks=[FRAMEWORK]
        )


def build_small_portfolio(
    folder: Path, *, number: str = "C1234", declare: bool = True, attach: bool = True
) -> Path:
    """Profile, a reflection (with call notes attached) and a witness testimony, declared."""
    init_portfolio(folder, number=number)
    files = []
    if attach:
        notes = folder.parent / "call-notes.txt"
        notes.write_text("09:14 caller reports smell of gas outside the school gates\n", "utf-8")
        files.append(notes)
    from incidentfolio.store import Mapping, open_store

    with open_store(folder) as store:
        store.add_item("reflection", "Gas escape at a school", reflection_body("gas"),
                       attachments=files, mappings=[Mapping(FRAMEWORK, "1.3", WHY)])  # fmt: skip
        store.add_item("witness_testimony", "Team leader's account", witness_body(),
                       mappings=[Mapping(FRAMEWORK, "1.1", WHY)])  # fmt: skip
        if declare:
            store.declare()
    return folder


def snapshot(folder: Path) -> dict[str, Any]:
    """Everything a change could touch: every row of every table, and the attachment files.

    Two snapshots are equal exactly when the portfolio's content is the same (the database
    file's bytes may differ, e.g. after a WAL checkpoint).
    """
    db_path = folder / "portfolio.db"
    tables: dict[str, Any] = {}
    if db_path.exists():
        conn = sqlite3.connect(db_path)
        try:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            for name in names:
                tables[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            tables["PRAGMA user_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((folder / "attachments").rglob("*"))
        if p.is_file()
    }
    return {"tables": tables, "files": files}


# --- workers -------------------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def add_loop(folder: Path) -> None:
    """Add items until killed: every third has an attachment, every fifth add is followed by
    an edit of that item, so kills land in all the store's write paths."""
    from incidentfolio.store import Mapping, open_store

    scratch = folder.parent / f"scratch-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    with open_store(folder) as store:
        _say("ready")
        for n in range(1, 100_000):
            tag = f"{os.getpid()}-{n}"
            attachments = []
            if n % 3 == 0:
                source = scratch / f"notes-{n}.txt"
                source.write_text(f"call notes {tag}\n" * 50, encoding="utf-8")
                attachments.append(source)
            mappings = [Mapping(FRAMEWORK, "1.6", WHY)] if n % 2 else []
            item_id = store.add_item(
                "reflection",
                f"Gas escape {tag}",
                reflection_body(tag),
                attachments=attachments,
                mappings=mappings,
            )
            _say(item_id)
            if n % 5 == 0:
                version = store.edit_item(item_id, title=f"Gas escape {tag} (revised)")
                _say(f"{item_id} v{version}")


def add_n(folder: Path, count: int) -> None:
    """Add ``count`` items as fast as possible, printing each id."""
    from incidentfolio.store import Mapping, open_store

    with open_store(folder) as store:
        _say("ready")
        for n in range(count):
            tag = f"{os.getpid()}-{n}"
            item_id = store.add_item(
                "reflection",
                f"Worker item {tag}",
                reflection_body(tag),
                mappings=[Mapping(FRAMEWORK, "1.6", WHY)],
            )
            _say(item_id)


def main(argv: list[str]) -> int:
    """``add-loop PORTFOLIO`` or ``add-n PORTFOLIO N``."""
    if len(argv) >= 2 and argv[0] == "add-loop":
        add_loop(Path(argv[1]))
        return 0
    if len(argv) >= 3 and argv[0] == "add-n":
        add_n(Path(argv[1]), int(argv[2]))
        return 0
    sys.stderr.write("usage: store_workers.py add-loop PORTFOLIO | add-n PORTFOLIO N\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
