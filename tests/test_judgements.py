"""The assessor's judgements file and ``incidentfolio feedback import``.

Real portfolios and submissions (Store API), real files, the real CLI in a subprocess.
"""

from __future__ import annotations

import copy
import json
import os
import stat
from pathlib import Path

import pytest
from store_workers import FRAMEWORK, build_small_portfolio, snapshot
from support import cli, only_error

from incidentfolio.coverage import judgements as coverage_judgements
from incidentfolio.errors import ContentError
from incidentfolio.judgements import (
    FORMAT,
    GENESIS,
    JudgementsError,
    add_judgement,
    entry_sha256,
    load_judgements,
    new_judgements,
    verify_judgements,
    write_judgements,
)
from incidentfolio.store import open_store
from incidentfolio.store.canonical import sha256_of
from incidentfolio.store.submission import feedback_record, load_manifest, submit

T = "2025-03-20T09:{:02d}:00.000000+00:00"


def build(folder: Path, number: str = "C1234") -> Path:
    return build_small_portfolio(folder, number=number, attach=False)


@pytest.fixture
def portfolio(tmp_path) -> Path:
    return build(tmp_path / "p")


@pytest.fixture
def manifest(portfolio, tmp_path) -> dict:
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    with open_store(portfolio) as store:
        return submit(store, exchange).manifest


def judged(manifest: dict, *statuses: str, assessor: str = "Dana Reeve") -> dict:
    """A judgements document with one entry per status, on criteria 1.1, 1.2, 1.3…"""
    doc = new_judgements(manifest, assessor, "assessor")
    for n, status in enumerate(statuses, start=1):
        add_judgement(doc, FRAMEWORK, f"1.{n}", status, f"Comment {n} on 1.{n}.", at=T.format(n))
    return doc


def feedback_rows(portfolio: Path) -> list[dict]:
    with open_store(portfolio) as store:
        return [dict(r) for r in store.conn.execute("SELECT * FROM feedback ORDER BY id")]


def import_file(portfolio: Path, path: Path):
    return cli("--portfolio", str(portfolio), "feedback", "import", str(path))


# --- the format ----------------------------------------------------------------------------------


def test_new_document_carries_the_submission_header(manifest):
    doc = new_judgements(manifest, " Dana Reeve ", "assessor")
    assert doc == {
        "format": FORMAT,
        "schema_version": 1,
        "submission": {
            "id": manifest["id"],
            "candidate_number": "C1234",
            "ledger_seq": manifest["ledger_seq"],
            "ledger_head": manifest["ledger_head"],
        },
        "assessor": {"name": "Dana Reeve", "role": "assessor"},
        "entries": [],
    }
    assert verify_judgements(doc) == []


def test_entries_chain_from_64_zeros(manifest):
    doc = judged(manifest, "met", "not_yet_met", "refer")
    first, second, third = doc["entries"]
    assert first["prev_sha256"] == GENESIS == "0" * 64
    assert second["prev_sha256"] == first["entry_sha256"]
    assert third["prev_sha256"] == second["entry_sha256"]
    assert [e["seq"] for e in doc["entries"]] == [1, 2, 3]
    without = {k: v for k, v in first.items() if k != "entry_sha256"}
    assert first["entry_sha256"] == sha256_of(without) == entry_sha256(first)
    assert set(first) == {"seq", "at", "framework", "criterion", "status", "comment",
                          "prev_sha256", "entry_sha256"}  # fmt: skip


def test_round_trip_through_a_file(manifest, tmp_path):
    doc = judged(manifest, "met", "refer")
    path = write_judgements(doc, tmp_path / "judgements.json")
    text = path.read_text("utf-8")
    assert text == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    loaded = load_judgements(path)
    assert loaded == doc
    assert verify_judgements(loaded) == []
    add_judgement(loaded, FRAMEWORK, "1.3", "met", "Now evidenced by two types.")
    assert verify_judgements(loaded) == []
    assert loaded["entries"][-1]["at"].endswith("+00:00")  # default: now, UTC


def test_judgements_file_mode_follows_its_folder(manifest, tmp_path):
    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir(mode=0o750)
    private.mkdir(mode=0o700)
    shared.chmod(0o750)
    doc = judged(manifest, "met")
    for folder, mode in ((shared, 0o640), (private, 0o600)):
        path = write_judgements(doc, folder / "j.json")
        assert stat.S_IMODE(path.stat().st_mode) == mode
        assert [p.name for p in folder.iterdir()] == ["j.json"]  # no temporary file left


def test_edited_comment_is_detected(manifest):
    doc = judged(manifest, "met", "refer", "met")
    doc["entries"][1]["comment"] = "Actually fine."
    assert verify_judgements(doc) == ["entry 2: altered (its contents no longer match its hash)"]


def test_edited_status_is_detected(manifest):
    doc = judged(manifest, "met", "refer")
    doc["entries"][1]["status"] = "met"
    assert verify_judgements(doc) == ["entry 2: altered (its contents no longer match its hash)"]


def test_removed_entry_is_detected(manifest):
    doc = judged(manifest, "met", "refer", "met", "met")
    del doc["entries"][1]
    assert verify_judgements(doc) == ["entry 3: follows entry 1 (entry 2 missing)"]


def test_reordered_entries_are_detected(manifest):
    doc = judged(manifest, "met", "refer", "not_yet_met")
    doc["entries"][1], doc["entries"][2] = doc["entries"][2], doc["entries"][1]
    assert verify_judgements(doc) == [
        "entry 3: out of order (entry 2 expected here)",
        "entry 2: out of order (entry 4 expected here)",
    ]


def test_renumbered_and_rehashed_entry_still_breaks_the_link(manifest):
    doc = judged(manifest, "met", "refer", "met")
    del doc["entries"][1]
    doc["entries"][1]["seq"] = 2
    doc["entries"][1]["entry_sha256"] = entry_sha256(doc["entries"][1])
    assert verify_judgements(doc) == ["entry 2: does not follow entry 1 (prev_sha256 differs)"]


def test_bad_status_and_fields_are_named_by_entry(manifest):
    doc = judged(manifest, "met", "met")
    entry = doc["entries"][1]
    entry["status"] = "passed"
    entry["at"] = "yesterday"
    entry["entry_sha256"] = entry_sha256(entry)
    del doc["entries"][0]["comment"]
    assert verify_judgements(doc) == [
        "entry 1: missing field comment",
        "entry 1: altered (its contents no longer match its hash)",
        "entry 2: status 'passed' is not one of: met, not_yet_met, refer",
        "entry 2: at 'yesterday' is not an ISO 8601 time with a time zone",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="incidentfolio-submission"),
         ["format: 'incidentfolio-submission' is not 'incidentfolio-judgements' (not a "
          "judgements file)"]),
        (lambda d: d.update(schema_version=2),
         ["schema_version: unsupported 2 (this version reads 1)"]),
        (lambda d: d["submission"].update(ledger_head="abc"),
         ["submission: ledger_head missing or not a SHA-256 (64 hex digits)"]),
        (lambda d: d["assessor"].update(name=" "), ["assessor: name missing or empty"]),
        (lambda d: d.update(entries={}), ["entries: missing or not a list"]),
        (lambda d: d.update(extra=1), ["unknown field: extra"]),
    ],
)  # fmt: skip
def test_header_problems(manifest, change, expected):
    doc = judged(manifest, "met")
    change(doc)
    assert verify_judgements(doc) == expected


def test_verify_accepts_any_input():
    assert verify_judgements([1, 2]) == ["(top level): expected a JSON object"]


def test_add_judgement_refuses_bad_input_and_a_damaged_chain(manifest):
    doc = judged(manifest, "met")
    with pytest.raises(JudgementsError, match="status 'pass' is not one of: met, not_yet_met"):
        add_judgement(doc, FRAMEWORK, "1.2", "pass", "ok")
    with pytest.raises(JudgementsError, match="time 'soon' is not an ISO 8601"):
        add_judgement(doc, FRAMEWORK, "1.2", "met", "ok", at="soon")
    doc["entries"][0]["comment"] = "edited"
    with pytest.raises(JudgementsError, match="damaged, so nothing was added: entry 1: altered"):
        add_judgement(doc, FRAMEWORK, "1.2", "met", "ok")
    assert len(doc["entries"]) == 1


def test_new_judgements_needs_a_submission_manifest(manifest, tmp_path):
    with pytest.raises(JudgementsError, match="need a submission manifest"):
        new_judgements({"format": "other"}, "Dana", "assessor")
    with pytest.raises(JudgementsError, match="the assessor role must not be empty"):
        new_judgements(manifest, "Dana", "")
    folder = tmp_path / "exchange" / manifest["id"]
    assert new_judgements(folder, "Dana", "IQA")["submission"]["id"] == manifest["id"]
    assert load_manifest(folder) == manifest


def test_write_refuses_a_document_that_does_not_verify(manifest, tmp_path):
    doc = judged(manifest, "met")
    doc["entries"][0]["comment"] = "edited"
    with pytest.raises(JudgementsError, match="not valid, so nothing was written"):
        write_judgements(doc, tmp_path / "j.json")
    assert not (tmp_path / "j.json").exists()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("{not json", "line 1: invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"format": "incidentfolio-submission", "schema_version": 1}',
         "format: not an incidentfolio judgements file (format is 'incidentfolio-submission', "
         "expected 'incidentfolio-judgements')"),
        ('{"format": "incidentfolio-judgements", "schema_version": 3}',
         "schema_version: unsupported schema_version 3 (this version reads 1)"),
        ('{"format": "incidentfolio-judgements", "schema_version": 1}',
         "(top level): missing required fields: submission, assessor, entries"),
        ("", "(file): file is empty"),
    ],
)  # fmt: skip
def test_load_reports_one_line(tmp_path, text, where):
    path = tmp_path / "j.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError) as caught:
        load_judgements(path)
    assert str(caught.value) == f"{path}: {where}"


def test_load_checks_the_schema(manifest, tmp_path):
    doc = judged(manifest, "met", "met")
    doc["entries"][1]["status"] = "passed"
    path = tmp_path / "j.json"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_judgements(path)
    assert str(caught.value) == (
        f"{path}: entries[1].status: 'passed' is not one of: met, not_yet_met, refer"
    )


# --- feedback import ------------------------------------------------------------------------------


def test_import_records_every_judgement_and_coverage_sees_them(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met", "not_yet_met", "refer", "met")
    add_judgement(doc, FRAMEWORK, "1.2", "met", "Re-assessed after the discussion.", at=T.format(9))
    path = write_judgements(doc, tmp_path / "judgements.json")
    result = import_file(portfolio, path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "recorded 5 judgements from Dana Reeve (assessor): 3 met, 1 not yet met, 1 refer",
        "see `incidentfolio coverage` for the criteria they judged",
    ]
    rows = feedback_rows(portfolio)
    assert [(r["framework"], r["criterion"], r["status"], r["judged_at"]) for r in rows] == [
        (FRAMEWORK, "1.1", "met", T.format(1)),
        (FRAMEWORK, "1.2", "not_yet_met", T.format(2)),
        (FRAMEWORK, "1.3", "refer", T.format(3)),
        (FRAMEWORK, "1.4", "met", T.format(4)),
        (FRAMEWORK, "1.2", "met", T.format(9)),
    ]
    assert {r["submission"] for r in rows} == {manifest["id"]}
    assert {r["assessor"] for r in rows} == {"Dana Reeve (assessor)"}
    assert {r["source_sha256"] for r in rows} == {sha256_of(doc)}
    assert rows[2]["comment"] == "Comment 3 on 1.3."
    with open_store(portfolio) as store:
        newest = coverage_judgements(store)
        last = store.ledger()[-1]
        assert store.declaration()["stale"] is False  # feedback is not a change of evidence
    assert {k[1]: v.status for k, v in newest.items()} == {
        "1.1": "met", "1.2": "met", "1.3": "refer", "1.4": "met"}  # fmt: skip
    assert (last.action, last.subject) == ("feedback", "feedback")
    assert last.subject_sha256 == sha256_of(feedback_record(rows, sha256_of(doc)))
    assert cli("--portfolio", str(portfolio), "check").returncode == 0


def test_import_of_an_extended_file_adds_only_the_new_judgements(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met", "refer")
    assert import_file(portfolio, write_judgements(doc, tmp_path / "j1.json")).returncode == 0
    add_judgement(doc, FRAMEWORK, "1.2", "met", "Second type of evidence seen.", at=T.format(30))
    result = import_file(portfolio, write_judgements(doc, tmp_path / "j2.json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "recorded 1 judgement from Dana Reeve (assessor): 1 met, 0 not yet met, 0 refer",
        "skipped 2 already imported from an earlier file",
    ]
    assert len(feedback_rows(portfolio)) == 3


def refused(portfolio: Path, path: Path) -> str:
    before = snapshot(portfolio)
    message = only_error(import_file(portfolio, path))
    assert snapshot(portfolio) == before
    return message


def test_refuses_the_same_file_twice(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met")
    path = write_judgements(doc, tmp_path / "j.json")
    assert import_file(portfolio, path).returncode == 0
    message = refused(portfolio, path)
    assert message.startswith(f"{path} was already imported on ")
    assert message.endswith(" UTC; nothing was imported")
    # the same judgements saved with other spacing are the same file
    copy_path = tmp_path / "copy.json"
    copy_path.write_text(json.dumps(doc), "utf-8")
    assert refused(portfolio, copy_path).startswith(f"{copy_path} was already imported on ")


def test_refuses_a_shorter_copy_of_an_imported_file(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met", "refer")
    assert import_file(portfolio, write_judgements(doc, tmp_path / "j.json")).returncode == 0
    del doc["entries"][1]
    path = write_judgements(doc, tmp_path / "short.json")
    assert refused(portfolio, path) == (
        f"every judgement in {path} was already imported from an earlier file; nothing was imported"
    )


def test_refuses_feedback_for_another_candidate(manifest, tmp_path):
    other = build(tmp_path / "other", number="C9999")
    path = write_judgements(judged(manifest, "met"), tmp_path / "j.json")
    assert refused(other, path) == (
        f"{path} is feedback for candidate C1234, but this portfolio is candidate C9999; "
        "nothing was imported"
    )


def test_refuses_an_unknown_submission(portfolio, manifest, tmp_path):
    doc = judged(dict(manifest, id="C1234-20240101T000000Z"), "met")
    path = write_judgements(doc, tmp_path / "j.json")
    assert refused(portfolio, path) == (
        f"{path} is feedback on submission C1234-20240101T000000Z, which this portfolio did "
        "not make; nothing was imported"
    )


def test_refuses_a_submission_whose_ledger_head_differs(portfolio, manifest, tmp_path):
    doc = judged(dict(manifest, ledger_head="f" * 64), "met")
    path = write_judgements(doc, tmp_path / "j.json")
    assert refused(portfolio, path) == (
        f"{path} is feedback on a different copy of submission {manifest['id']} (its ledger "
        "head does not match what was submitted); nothing was imported"
    )


def test_refuses_an_unknown_criterion(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met")
    add_judgement(doc, FRAMEWORK, "9.9", "met", "No such criterion.")
    add_judgement(doc, "no-such-framework", "1.1", "met", "No such framework.")
    path = write_judgements(doc, tmp_path / "j.json")
    assert refused(portfolio, path) == (
        f"{path}: entry 2 judges {FRAMEWORK}:9.9, which is not a criterion this portfolio "
        "knows; nothing was imported"
    )


def test_refuses_a_broken_chain(portfolio, manifest, tmp_path):
    doc = judged(manifest, "met", "refer", "met")
    doc["entries"][1]["status"] = "met"  # the assessor said refer
    path = tmp_path / "j.json"
    path.write_text(json.dumps(doc, indent=2), "utf-8")
    assert refused(portfolio, path) == (
        f"{path}: entry 2: altered (its contents no longer match its hash); nothing was imported"
    )
    broken = copy.deepcopy(doc)
    del broken["entries"][0]
    path.write_text(json.dumps(broken), "utf-8")
    assert refused(portfolio, path) == (
        f"{path}: entry 2: comes first (entry 1 missing) (and 1 more); nothing was imported"
    )


def test_refuses_an_empty_file_of_judgements(portfolio, manifest, tmp_path):
    path = write_judgements(judged(manifest), tmp_path / "j.json")
    assert refused(portfolio, path) == f"{path} has no judgements in it; nothing was imported"


def test_refuses_unreadable_files_in_one_line(portfolio, tmp_path):
    missing = tmp_path / "missing.json"
    assert refused(portfolio, missing).startswith(f"{missing}: (file): cannot read: ")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", "utf-8")
    assert refused(portfolio, bad) == f"{bad}: line 1: invalid JSON: Expecting ',' delimiter"
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\x00\x01")
    assert refused(portfolio, binary) == f"{binary}: (file): binary file (contains NUL bytes)"


def test_import_needs_a_judgements_file_argument(portfolio):
    result = cli("--portfolio", str(portfolio), "feedback", "import")
    assert result.returncode == 2
    assert os.path.exists(portfolio / "portfolio.db")
