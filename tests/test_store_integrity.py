"""Tamper detection: ``incidentfolio check`` on fixture portfolios changed behind its back.

Each fixture under tests/data/portfolios/ is a copy of ``clean`` changed by direct sqlite3 or
file edits (see make_fixtures.py for exactly what each one did). The tests run the real CLI on
a copy, so the committed files are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import cli

FIXTURES = Path(__file__).parent / "data" / "portfolios"
CHANGED = (
    "does not match the ledger (its version, mappings or attachments changed outside incidentfolio)"
)
# fixture → (ledger note, the problem lines check must print, in order)
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "clean": ("ledger: 7 entries (head 7); 3 evidence items", []),
    "tampered-body": (
        "ledger: 7 entries (head 7); 3 evidence items",
        ["EV-0002 version 1: altered after it was recorded"],
    ),
    "tampered-attachment": (
        "ledger: 7 entries (head 7); 3 evidence items",
        ["EV-0002 attachment witness-statement.txt: content changed"],
    ),
    "ledger-row-edited": (
        "ledger: 7 entries (head 7); 3 evidence items",
        ["ledger entry 4 (create EV-0002): altered (its contents no longer match its hash)"],
    ),
    "ledger-row-deleted": (
        "ledger: 6 entries (head 7); 3 evidence items",
        [
            "ledger: entry 4 missing (entry 5 follows 3)",
            "EV-0002: not in the ledger (added outside incidentfolio)",
        ],
    ),
    "item-row-deleted": (
        "ledger: 7 entries (head 7); 3 evidence items",
        [f"EV-0001: {CHANGED}"],
    ),
    "mapping-added-outside": (
        "ledger: 7 entries (head 7); 3 evidence items",
        [f"EV-0002: {CHANGED}"],
    ),
}


def run_check(fixture: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    copy = tmp_path / fixture.name
    shutil.copytree(fixture, copy)
    return cli("--portfolio", str(copy), "check")


def assert_outcome(result: subprocess.CompletedProcess, name: str) -> None:
    ledger_note, problems = EXPECTED[name]
    notes = ["journal: write-ahead log (WAL)", ledger_note]
    assert "Traceback" not in result.stderr
    if problems:
        assert result.returncode == 1, result.stderr
        assert result.stdout.splitlines() == notes
        assert result.stderr.splitlines() == [f"incidentfolio: check failed: {p}" for p in problems]
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            *notes,
            "check passed: every item, attachment and ledger entry is as recorded",
        ]
        assert result.stderr == ""


def test_every_fixture_is_pinned():
    on_disk = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert on_disk == sorted(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_fixture_is_committed_checkpointed(name):
    """One self-contained database per fixture: rollback journal, no -wal/-shm beside it."""
    db = FIXTURES / name / "portfolio.db"
    header = db.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert (header[18], header[19]) == (1, 1), "the fixture is still in WAL mode"
    assert sorted(p.name for p in db.parent.iterdir()) == ["attachments", "portfolio.db"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_check_reports_exactly_what_changed(name, tmp_path):
    assert_outcome(run_check(FIXTURES / name, tmp_path), name)


def test_check_leaves_the_copy_as_it_was(tmp_path):
    """``check`` only reads: a tampered portfolio is reported the same way twice."""
    copy = tmp_path / "tampered-body"
    shutil.copytree(FIXTURES / "tampered-body", copy)
    first = cli("--portfolio", str(copy), "check")
    second = cli("--portfolio", str(copy), "check")
    assert (first.returncode, first.stdout, first.stderr) == (
        second.returncode,
        second.stdout,
        second.stderr,
    )


def test_regenerated_fixtures_give_the_same_outcomes(tmp_path):
    out = tmp_path / "regenerated"
    subprocess.run(
        [sys.executable, str(FIXTURES / "make_fixtures.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert (out / "v1-schema.db").is_file()
    for name in EXPECTED:
        assert_outcome(run_check(out / name, tmp_path / "runs"), name)
