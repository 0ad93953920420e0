"""Submitting to an exchange folder and checking a collected submission.

Real portfolios built with the Store API, real SQLite files, the real CLI in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from store_workers import (
    FRAMEWORK,
    WHY,
    build_small_portfolio,
    snapshot,
)
from support import cli, only_error

from incidentfolio.errors import StoreError
from incidentfolio.store import Mapping, open_store
from incidentfolio.store.canonical import sha256_file, sha256_of
from incidentfolio.store.submission import (
    FORMAT,
    exchange_modes,
    load_manifest,
    manifest_text,
    submit,
    verify_submission,
)

NAME = re.compile(r"^C1234-\d{8}T\d{6}Z$")


def build(folder: Path, *, declare: bool = True) -> Path:
    """A small portfolio: profile, a reflection with an attachment, a witness testimony."""
    return build_small_portfolio(folder, declare=declare)


@pytest.fixture
def portfolio(tmp_path) -> Path:
    return build(tmp_path / "p")


@pytest.fixture
def exchange(tmp_path) -> Path:
    folder = tmp_path / "exchange"
    folder.mkdir()
    folder.chmod(0o750)
    return folder


def run_submit(portfolio: Path, exchange: Path):
    return cli("--portfolio", str(portfolio), "submit", "--to", str(exchange))


def submitted(portfolio: Path, exchange: Path) -> Path:
    with open_store(portfolio) as store:
        return submit(store, exchange).folder


# --- submitting --------------------------------------------------------------------------------


def test_submit_writes_a_named_snapshot_and_prints_its_folder_last(portfolio, exchange):
    result = run_submit(portfolio, exchange)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    folder = Path(lines[-1])
    assert folder.parent == exchange.resolve()
    assert NAME.match(folder.name), folder.name
    assert re.match(
        rf"^submitted {folder.name}: 2 files \([\d,]+ bytes\) and manifest\.json \(sha256 "
        r"[0-9a-f]{12}\), up to ledger entry 4, declared \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
        lines[0],
    ), lines[0]
    assert sorted(p.name for p in exchange.iterdir()) == [folder.name]  # no partial folder left
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        f"attachments/EV-0001/{sha256_file(portfolio.parent / 'call-notes.txt')[:12]}"
        "-call-notes.txt",
        "manifest.json",
        "portfolio.db",
    ]
    assert verify_submission(folder) == []


def test_manifest_records_who_what_and_every_file_hash(portfolio, exchange):
    folder = submitted(portfolio, exchange)
    text = (folder / "manifest.json").read_text("utf-8")
    manifest = json.loads(text)
    assert text == manifest_text(manifest)  # canonical, indent 2
    assert text.startswith('{\n  "assessor_name"')
    with open_store(portfolio) as store:
        ledger = store.ledger()
        declaration = store.declaration()
        rows = [dict(r) for r in store.conn.execute("SELECT * FROM submissions")]
    before_submit = ledger[-2]
    assert manifest["format"] == FORMAT == "incidentfolio-submission"
    assert manifest["schema_version"] == 1
    assert manifest["id"] == folder.name
    assert (manifest["candidate_name"], manifest["candidate_number"]) == ("Sam Taylor", "C1234")
    assert manifest["centre"] == ""
    assert manifest["frameworks"] == [FRAMEWORK]
    assert manifest["submitted_at"].endswith("+00:00")
    assert manifest["ledger_seq"] == before_submit.seq == 4
    assert manifest["ledger_head"] == before_submit.entry_sha256
    assert manifest["declaration"] == {
        "declared_at": declaration["declared_at"],
        "candidate_name": "Sam Taylor",
        "statement": declaration["statement"],
        "ledger_seq": 3,
        "ledger_head": declaration["ledger_head"],
        "stale": False,
    }
    assert [f["path"] for f in manifest["files"]] == sorted(f["path"] for f in manifest["files"])
    for entry in manifest["files"]:
        path = folder / entry["path"]
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == sha256_file(path)
    # the ledger's submit entry covers the manifest; the submissions row matches it
    assert (ledger[-1].action, ledger[-1].subject) == ("submit", "submission")
    assert ledger[-1].subject_sha256 == sha256_of(manifest)
    assert rows == [
        {
            "id": folder.name,
            "submitted_at": manifest["submitted_at"],
            "ledger_seq": 4,
            "ledger_head": manifest["ledger_head"],
            "folder": str(folder),
        }
    ]
    assert load_manifest(folder) == manifest


def test_submitted_database_is_one_self_contained_file(portfolio, exchange):
    folder = submitted(portfolio, exchange)
    db = folder / "portfolio.db"
    assert db.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2
        assert conn.execute("SELECT MAX(seq) FROM ledger").fetchone()[0] == 4
    finally:
        conn.close()
    assert verify_submission(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == [
        "attachments",
        "manifest.json",
        "portfolio.db",
    ]


def test_submit_leaves_the_portfolio_unchanged_but_for_the_submit_entry(portfolio, exchange):
    before = snapshot(portfolio)
    folder = submitted(portfolio, exchange)
    after = snapshot(portfolio)
    assert after["files"] == before["files"]
    changed = {t for t in after["tables"] if after["tables"][t] != before["tables"].get(t)}
    assert changed == {"ledger", "submissions"}
    assert after["tables"]["ledger"][:-1] == before["tables"]["ledger"]
    assert after["tables"]["ledger"][-1][2:4] == ("submit", "submission")
    assert [r[0] for r in after["tables"]["submissions"]] == [folder.name]
    with open_store(portfolio) as store:
        assert store.declaration()["stale"] is False  # submitting is not a change of evidence
        assert [e.action for e in store.ledger()][-2:] == ["declare", "submit"]
    assert cli("--portfolio", str(portfolio), "check").returncode == 0


def test_submitting_twice_makes_two_snapshots(portfolio, exchange):
    first = submitted(portfolio, exchange)
    second = submitted(portfolio, exchange)
    assert first != second
    assert NAME.match(second.name)
    assert verify_submission(first) == verify_submission(second) == []
    # the second snapshot carries the first submit entry, the first one does not
    assert load_manifest(second)["ledger_seq"] == load_manifest(first)["ledger_seq"] + 1


def modes_of(folder: Path) -> set[tuple[str, int]]:
    found = {("dir", stat.S_IMODE(folder.stat().st_mode))}
    for path in folder.rglob("*"):
        found.add(("dir" if path.is_dir() else "file", stat.S_IMODE(path.stat().st_mode)))
    return found


def test_group_readable_exchange_gives_group_readable_files(portfolio, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)  # setgid, group rwx: a centre's shared exchange
    old = os.umask(0o077)  # a strict umask must not stop the assessor collecting
    try:
        folder = submitted(portfolio, shared)
    finally:
        os.umask(old)
    assert modes_of(folder) == {("dir", 0o750), ("file", 0o640)}
    assert exchange_modes(shared).file == 0o640


def test_private_exchange_gives_private_files(portfolio, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    private.chmod(0o700)
    old = os.umask(0o000)  # a lax umask must not widen them either
    try:
        folder = submitted(portfolio, private)
    finally:
        os.umask(old)
    assert modes_of(folder) == {("dir", 0o700), ("file", 0o600)}


def test_imported_frameworks_travel_with_the_submission(portfolio, exchange):
    source = Path(__file__).parent.parent / "portfolio_templates" / "frameworks" / "k503-0421.yaml"
    imported = portfolio / "frameworks"
    imported.mkdir()
    text = source.read_text("utf-8").replace("id: k503-0421", "id: centre-k503", 1)
    (imported / "centre-k503.yaml").write_text(text, "utf-8")
    folder = submitted(portfolio, exchange)
    assert (folder / "frameworks" / "centre-k503.yaml").read_text("utf-8") == text
    assert "frameworks/centre-k503.yaml" in [f["path"] for f in load_manifest(folder)["files"]]
    assert verify_submission(folder) == []


# --- refusals: one line, nothing written -------------------------------------------------------


def refused(portfolio: Path, exchange: Path) -> str:
    before = snapshot(portfolio)
    listing = sorted(os.listdir(exchange)) if exchange.is_dir() else None
    message = only_error(run_submit(portfolio, exchange))
    assert snapshot(portfolio) == before
    if listing is not None:
        assert sorted(os.listdir(exchange)) == listing  # not even a hidden partial folder
    return message


def test_refuses_without_a_declaration(tmp_path, exchange):
    portfolio = build(tmp_path / "p", declare=False)
    assert refused(portfolio, exchange) == (
        "you have not signed the authenticity declaration: run `incidentfolio declare`, then submit"
    )


def test_refuses_a_stale_declaration(portfolio, exchange):
    with open_store(portfolio) as store:
        store.edit_item("EV-0002", title="Team leader's signed account")
        store.map_item("EV-0002", Mapping(FRAMEWORK, "1.2", WHY))
    assert refused(portfolio, exchange) == (
        "your declaration is stale: the evidence changed 2 times since you signed it; run "
        "`incidentfolio declare` again, then submit"
    )


def test_refuses_a_portfolio_that_fails_its_check(portfolio, exchange):
    conn = sqlite3.connect(portfolio / "portfolio.db")
    conn.execute(
        "UPDATE item_versions SET title = 'Edited behind its back' WHERE item_id = 'EV-0001'"
    )
    conn.commit()
    conn.close()
    assert refused(portfolio, exchange) == (
        "the portfolio fails its check: EV-0001 version 1: altered after it was recorded; run "
        "`incidentfolio check` and fix it before submitting"
    )


def test_refuses_a_changed_attachment(portfolio, exchange):
    attachment = next((portfolio / "attachments").rglob("*.txt"))
    attachment.write_text("rewritten\n", "utf-8")
    message = refused(portfolio, exchange)
    assert message.startswith(
        "the portfolio fails its check: EV-0001 attachment call-notes.txt: content changed"
    )


def test_refuses_a_missing_exchange_folder(portfolio, tmp_path):
    missing = tmp_path / "no-such-exchange"
    assert refused(portfolio, missing) == (
        f"exchange folder {missing} does not exist; create it or check the path"
    )
    assert not missing.exists()


def test_refuses_a_file_as_exchange_folder(portfolio, tmp_path):
    a_file = tmp_path / "exchange.txt"
    a_file.write_text("not a folder", "utf-8")
    assert refused(portfolio, a_file) == f"exchange folder {a_file} is not a folder"


def test_refuses_an_exchange_inside_the_portfolio(portfolio):
    inside = portfolio / "outbox"
    inside.mkdir()
    assert refused(portfolio, inside) == (
        f"exchange folder {inside} is inside the portfolio; choose a folder outside it"
    )


def test_refuses_an_unwritable_exchange_folder(portfolio, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    # Tests may run as root, who can write anywhere: make the permission check see what
    # an ordinary candidate's account would see for this folder.
    real_access = os.access
    monkeypatch.setattr(
        "incidentfolio.store.submission.os.access",
        lambda path, mode: Path(path) != locked and real_access(path, mode),
    )
    before = snapshot(portfolio)
    try:
        with open_store(portfolio) as store, pytest.raises(StoreError) as refusal:
            submit(store, locked)
    finally:
        locked.chmod(0o755)
    assert str(refusal.value) == f"exchange folder {locked} is not writable by you"
    assert os.listdir(locked) == []
    assert snapshot(portfolio) == before


def test_refuses_without_a_profile(tmp_path, exchange):
    folder = tmp_path / "empty"
    folder.mkdir()
    open_store(folder, create=True).close()
    with open_store(folder) as store, pytest.raises(StoreError, match="no candidate profile"):
        submit(store, exchange)
    assert os.listdir(exchange) == []


# --- verify_submission: the assessor's check ---------------------------------------------------


@pytest.fixture
def collected(portfolio, exchange) -> Path:
    folder = submitted(portfolio, exchange)
    for path in [folder, *folder.rglob("*")]:  # the assessor's working copy is writable
        path.chmod(0o700 if path.is_dir() else 0o600)
    return folder


def attachment_path(folder: Path) -> str:
    return next(f["path"] for f in load_manifest(folder)["files"] if f["path"] != "portfolio.db")


def test_verify_catches_an_edited_attachment(collected):
    relative = attachment_path(collected)
    with (collected / relative).open("a", encoding="utf-8") as handle:
        handle.write("and one more line\n")
    assert verify_submission(collected) == [
        f"{relative}: content changed (its SHA-256 differs from the manifest)",
        "portfolio check: EV-0001 attachment call-notes.txt: content changed",
    ]


def test_verify_catches_an_edited_database(collected):
    conn = sqlite3.connect(collected / "portfolio.db")
    conn.execute("UPDATE item_versions SET title = 'Better title' WHERE item_id = 'EV-0002'")
    conn.commit()
    conn.close()
    assert verify_submission(collected) == [
        "portfolio.db: content changed (its SHA-256 differs from the manifest)",
        "portfolio check: EV-0002 version 1: altered after it was recorded",
    ]


def test_verify_catches_an_extra_file(collected):
    (collected / "attachments" / "extra.txt").write_text("slipped in later\n", "utf-8")
    (collected / "notes.md").write_text("assessor notes\n", "utf-8")
    assert verify_submission(collected) == [
        "notes.md: not listed in the manifest (extra file)",
        "attachments/extra.txt: not listed in the manifest (extra file)",
    ]


def test_verify_catches_a_missing_file(collected):
    relative = attachment_path(collected)
    (collected / relative).unlink()
    assert verify_submission(collected) == [
        f"{relative}: listed in the manifest but missing",
        "portfolio check: EV-0001 attachment call-notes.txt: file missing",
    ]


def test_verify_catches_a_missing_database(collected):
    (collected / "portfolio.db").unlink()
    assert verify_submission(collected) == ["portfolio.db: listed in the manifest but missing"]


def test_verify_catches_a_manifest_that_lies_about_the_ledger(collected):
    manifest = load_manifest(collected)
    manifest["ledger_seq"] = 3
    (collected / "manifest.json").write_text(manifest_text(manifest), "utf-8")
    problems = verify_submission(collected)
    assert len(problems) == 1
    assert problems[0].startswith("portfolio.db: its ledger ends at entry 4 (")
    assert problems[0].endswith(
        "but the manifest says entry 3 (" + manifest["ledger_head"][:12] + "…)"
    )


def test_verify_catches_a_symlink(collected, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x", "utf-8")
    (collected / "link.txt").symlink_to(outside)
    assert verify_submission(collected) == [
        "link.txt: a symbolic link (not allowed in a submission)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "manifest.json: missing"),
        ("{not json", "manifest.json: not valid JSON (Expecting property name enclosed in double "
         "quotes: line 1 column 2 (char 1))"),
        ('{"format": "incidentfolio-judgements"}', "manifest.json: format is "
         "'incidentfolio-judgements', expected 'incidentfolio-submission'"),
        ('{"format": "incidentfolio-submission", "schema_version": 2}',
         "manifest.json: unsupported schema_version 2 (this version reads 1)"),
    ],
)  # fmt: skip
def test_verify_reports_a_bad_manifest_in_one_line(collected, text, expected):
    manifest = collected / "manifest.json"
    manifest.unlink()
    if text is not None:
        manifest.write_text(text, "utf-8")
    assert verify_submission(collected) == [expected]


def test_verify_refuses_unsafe_manifest_paths(collected):
    manifest = load_manifest(collected)
    manifest["files"].append({"path": "../outside.txt", "size": 1, "sha256": "0" * 64})
    (collected / "manifest.json").write_text(manifest_text(manifest), "utf-8")
    assert verify_submission(collected) == [
        "manifest.json: files[2] is not a safe path with a size and sha256"
    ]


def test_verify_never_writes_into_the_submission(portfolio, exchange):
    folder = submitted(portfolio, exchange)
    before = {p: (p.stat().st_mtime_ns, sha256_file(p)) for p in folder.rglob("*") if p.is_file()}
    assert verify_submission(folder) == []
    after = {p: (p.stat().st_mtime_ns, sha256_file(p)) for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_verify_of_a_missing_folder(tmp_path):
    assert verify_submission(tmp_path / "nope") == [f"{tmp_path / 'nope'}: not a folder"]


def test_a_failure_half_way_leaves_no_partial_folder(portfolio, exchange):
    (portfolio / "frameworks").mkdir()
    (portfolio / "frameworks" / "broken.yaml").mkdir()  # copying it fails mid-snapshot
    message = refused(portfolio, exchange)
    assert message.startswith("cannot access "), message
    assert message.endswith("broken.yaml: Is a directory")
    assert os.listdir(exchange) == []
