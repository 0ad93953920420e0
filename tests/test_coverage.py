"""Coverage of a framework by real portfolios built through the Store API, and its CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import cli

from incidentfolio.coverage import coverage, heatmap
from incidentfolio.errors import StoreError
from incidentfolio.evidence_types import check_body
from incidentfolio.store import Mapping, Store, open_store

FW = "k503-0421"
LO1 = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
LO2 = ["2.1", "2.2", "2.3"]
LO3 = ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8"]
AT = "2026-03-14T09:12:00+00:00"

# A valid body for each evidence type the fixtures use (no personal data in any of them).
BODIES: dict[str, dict] = {
    "incident_log": {
        "reference": "INC-1001",
        "received_at": AT,
        "channel": "phone",
        "category": "safety/gas-escape",
        "description": "Caller reported a strong smell of gas in the kitchen of the property.",
        "priority": "P1",
    },
    "escalation_decision": {
        "situation": "A tumble dryer smoked during use; the customer had unplugged it.",
        "options_considered": ["Refer to the product safety team", "Send a replacement only"],
        "decision": "Referred to the product safety team the same day.",
        "route": "functional",
        "threshold_crossed": "Any appliance that smokes or overheats goes to product safety.",
        "escalated_to": "Product safety team",
        "at": AT,
        "outcome": "The team arranged collection of the dryer for examination.",
    },
    "communication_record": {
        "channel": "radio",
        "to": "Network control",
        "at": AT,
        "message": "Burst main on the high street, road flooded, two lanes closed.",
        "read_back": True,
    },
    "reflection": {
        "description": "I took a call about a flooded road and logged it.",
        "feelings": "I felt rushed because the caller was upset.",
        "evaluation": "The log was complete but my first question was too vague.",
        "analysis": "Open questions first would have saved a minute.",
        "conclusion": "I will structure my questions from the start.",
        "action_plan": "Practise the questioning checklist on three scenarios this week.",
    },
    "witness_testimony": {
        "witness_name": "Sam Okafor",
        "witness_role": "Team leader",
        "relationship": "Line manager of the candidate",
        "date_observed": "2026-03-10",
        "observed": "The candidate handled an escalated call calmly and logged it in full.",
        "signature_statement": True,
        "signed_on": "2026-03-11",
    },
    "observation": {
        "observer_name": "Alex Morgan",
        "observer_role": "Assessor",
        "date": "2026-03-12",
        "activity": "Live incident calls on the morning shift",
        "observed": "Took three incident calls, logged and escalated them to procedure.",
    },
    "knowledge_check": {
        "check_id": "kc-incident-basics",
        "score": 18,
        "max_score": 20,
        "taken_at": AT,
    },
    "professional_discussion": {
        "date": "2026-03-13",
        "assessor_name": "Alex Morgan",
        "topics": ["escalation thresholds", "resources"],
        "summary": "Discussed thresholds for escalation and the resources available.",
    },
}


def make_store(tmp_path: Path, frameworks: tuple[str, ...] = (FW,)) -> Store:
    """A new portfolio in ``tmp_path/p`` with a candidate profile."""
    (tmp_path / "p").mkdir(mode=0o700)
    store = open_store(tmp_path / "p", create=True)
    store.set_profile(candidate_name="Jo Candidate", candidate_number="C123", frameworks=frameworks)
    return store


def add(
    store: Store,
    evidence_type: str,
    criteria: list[str] | tuple[str, ...] = (),
    *,
    title: str | None = None,
    body: dict | None = None,
    why: str | None = None,
    **kwargs,
) -> str:
    """Add an item of ``evidence_type`` mapped to ``criteria`` of FW with unique reasons."""
    title = (
        title or f"{evidence_type.replace('_', ' ')} {len(store.items(include_deleted=True)) + 1}"
    )
    mappings = [
        Mapping(FW, c, why or f"The {title} shows criterion {c} in practice, step by step.")
        for c in criteria
    ]
    return store.add_item(
        evidence_type, title, body or dict(BODIES[evidence_type]), mappings=mappings, **kwargs
    )


def build_clean(tmp_path: Path) -> Store:
    """Every criterion covered and sufficient, 3 incident categories, declared: lint-clean."""
    store = make_store(tmp_path)
    add(store, "observation", LO1)
    add(store, "witness_testimony", [*LO1, "2.1"], personal_data=True)
    add(store, "observation", LO2)
    add(store, "communication_record", ["2.2", "2.3"], source_scenario="burst-main-road-flooding")
    add(store, "knowledge_check", LO3)
    add(store, "incident_log", ["1.3"])
    add(store, "escalation_decision", [], source_scenario="appliance-smoking")
    store.declare()
    return store


def test_fixture_bodies_are_valid():
    for evidence_type, body in BODIES.items():
        assert check_body(evidence_type, body) == [], evidence_type


def test_empty_portfolio_covers_nothing(tmp_path):
    with make_store(tmp_path) as store:
        (cov,) = coverage(store)
    assert cov.framework == FW
    assert len(cov.criteria) == 18
    assert {c.status for c in cov.criteria} == {"no_evidence"}
    assert (cov.tally.covered, cov.tally.covered_pct, cov.tally.sufficient_pct) == (0, 0, 0)
    assert [lo.id for lo in cov.learning_outcomes] == ["LO1", "LO2", "LO3"]
    assert cov.declaration.state == "none"


def test_counts_percentages_and_per_lo_numbers(tmp_path):
    with make_store(tmp_path) as store:
        obs = add(store, "observation", ["1.1", "1.2", "2.1"])
        wit = add(store, "witness_testimony", ["1.1"], personal_data=True)
        kc = add(store, "knowledge_check", ["3.1", "3.2"])
        gone = add(store, "reflection", ["1.3"])
        store.delete_item(gone)  # deleted evidence never counts
        (cov,) = coverage(store, FW)
    by_id = {c.id: c for c in cov.criteria}
    assert by_id["1.1"].items == (obs, wit)
    assert by_id["1.1"].types == ("observation", "witness_testimony")
    assert by_id["1.1"].sufficient and by_id["1.1"].status == "evidence_mapped"
    assert by_id["1.2"].items == (obs,) and not by_id["1.2"].sufficient
    assert by_id["1.3"].items == () and by_id["1.3"].status == "no_evidence"
    assert by_id["3.1"].items == (kc,) and by_id["3.1"].sufficient  # knowledge: min 1
    # 5 of 18 covered (1.1, 1.2, 2.1, 3.1, 3.2); 3 sufficient (1.1, 3.1, 3.2): rounded down
    assert (cov.tally.covered, cov.tally.total, cov.tally.covered_pct) == (5, 18, 27)
    assert (cov.tally.sufficient, cov.tally.sufficient_pct) == (3, 16)
    los = {lo.id: lo.tally for lo in cov.learning_outcomes}
    assert (los["LO1"].covered, los["LO1"].total, los["LO1"].covered_pct) == (2, 7, 28)
    assert (los["LO1"].sufficient, los["LO1"].sufficient_pct) == (1, 14)
    assert (los["LO2"].covered, los["LO2"].total, los["LO2"].covered_pct) == (1, 3, 33)
    assert los["LO2"].sufficient == 0
    assert (los["LO3"].covered, los["LO3"].total, los["LO3"].covered_pct) == (2, 8, 25)


def test_types_the_criterion_does_not_accept_are_not_counted(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "observation", ["2.3"])
        add(store, "reflection", ["2.3"])  # 2.3 accepts communication_record, observation, witness
        (cov,) = coverage(store)
    c = next(c for c in cov.criteria if c.id == "2.3")
    assert c.types == ("observation", "reflection")
    assert c.counted_types == ("observation",)
    assert c.other_types == ("reflection",)
    assert c.covered and not c.sufficient


def test_full_coverage_header_format(tmp_path):
    with build_clean(tmp_path) as store:
        (cov,) = coverage(store)
    assert cov.header() == (
        "k503-0421 Deal with incidents through a contact centre — covered: 100 % (18/18), "
        "sufficient: 100 %, met: 0 %"
    )
    assert cov.declaration.state == "current"


def _judge(store: Store, criterion: str, status: str, judged_at: str) -> None:
    store.conn.execute(
        "INSERT INTO feedback (imported_at, source_sha256, submission, assessor, framework, "
        "criterion, status, comment, judged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (judged_at, "0" * 64, "SUB-1", "A. Assessor", FW, criterion, status, "ok", judged_at),
    )


def test_assessor_status_newest_judgement_wins(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "observation", ["1.1", "1.2"])
        add(store, "witness_testimony", ["1.1", "1.2"], personal_data=True)
        _judge(store, "1.1", "met", "2026-04-02T10:00:00+00:00")  # newer, inserted first
        _judge(store, "1.1", "not_yet_met", "2026-04-01T10:00:00+00:00")
        _judge(store, "1.2", "refer", "2026-04-01T10:00:00+00:00")
        _judge(store, "3.8", "not_yet_met", "2026-04-01T10:00:00+00:00")
        (cov,) = coverage(store)
    status = {c.id: c.status for c in cov.criteria}
    assert status["1.1"] == "met"
    assert status["1.2"] == "refer"
    assert status["3.8"] == "not_yet_met"  # a judgement counts even with nothing mapped
    assert status["1.3"] == "no_evidence"
    assert (cov.tally.met, cov.tally.met_pct) == (1, 5)
    one = next(c for c in cov.criteria if c.id == "1.1")
    assert one.judgement.assessor == "A. Assessor"


def test_stale_declaration_is_reported(tmp_path):
    with build_clean(tmp_path) as store:
        first = store.items()[0]
        store.edit_item(first.id, title="A better title")
        store.unmap_item(first.id, f"{FW}:1.1")
        (cov,) = coverage(store)
    assert cov.declaration.state == "stale"
    assert cov.declaration.changes_since == 2
    assert "stale" in cov.declaration.describe() and "2 changes since" in cov.declaration.describe()


def test_json_shape(tmp_path):
    with make_store(tmp_path) as store:
        obs = add(store, "observation", ["1.1"])
        data = coverage(store)[0].as_dict()
    assert set(data) == {
        "framework",
        "title",
        "summary",
        "learning_outcomes",
        "criteria",
        "declaration",
    }
    assert data["summary"] == {
        "total": 18,
        "covered": 1,
        "sufficient": 0,
        "met": 0,
        "covered_pct": 5,
        "sufficient_pct": 0,
        "met_pct": 0,
    }
    first = data["criteria"][0]
    assert first["id"] == "1.1" and first["status"] == "evidence_mapped"
    assert first["items"] == [{"id": obs, "type": "observation"}]
    assert first["sufficient"] is False and first["min_evidence_types"] == 2
    assert data["learning_outcomes"][0]["criteria"] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.7",
    ]
    assert data["declaration"] == {
        "state": "none",
        "declared_at": None,
        "ledger_seq": None,
        "changes_since": 0,
    }
    assert data["learning_outcomes"][0]["total"] == 7
    json.dumps(data)


def test_unknown_framework_names_it_and_lists_the_profile(tmp_path):
    with make_store(tmp_path, (FW, "escalated-l3")) as store:
        with pytest.raises(StoreError) as info:
            coverage(store, "nope-1")
        assert str(info.value) == (
            "framework nope-1 is not in this portfolio's profile (its frameworks: "
            "k503-0421, escalated-l3)"
        )
        assert [c.framework for c in coverage(store)] == [FW, "escalated-l3"]


def test_no_profile_is_a_store_error(tmp_path):
    (tmp_path / "p").mkdir()
    with open_store(tmp_path / "p", create=True) as store, pytest.raises(StoreError):
        coverage(store)


def test_heatmap_is_a_figure_with_one_axes_and_saves(tmp_path):
    from matplotlib.figure import Figure

    with make_store(tmp_path) as store:
        add(store, "observation", ["1.1", "2.1"])
        _judge(store, "1.2", "refer", "2026-04-01T10:00:00+00:00")
        _judge(store, "1.3", "met", "2026-04-01T10:00:00+00:00")
        _judge(store, "3.1", "not_yet_met", "2026-04-01T10:00:00+00:00")
        (cov,) = coverage(store)
    fig = heatmap(cov)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "1.1*\nmapped" in texts and "1.2\nrefer" in texts and "3.8\nnone" in texts
    out = tmp_path / "heatmap.png"
    fig.savefig(out, format="png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the CLI --------------------------------------------------------------------------------


def test_cli_coverage_table(tmp_path):
    build_clean(tmp_path).close()
    result = cli("--portfolio", str(tmp_path / "p"), "coverage", "--framework", FW)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "k503-0421 Deal with incidents through a contact centre — covered: 100 % (18/18), "
        "sufficient: 100 %, met: 0 %"
    )
    assert lines[1] == "  1.1  evidence mapped   2 items  2 types (needs 2)  EV-0001, EV-0002"
    assert (
        lines[3] == "  1.3  evidence mapped   3 items  3 types (needs 2)  EV-0001, EV-0002, EV-0006"
    )
    assert lines[11] == "  3.1  evidence mapped   1 item   1 type  (needs 1)  EV-0005"
    assert lines[19] == (
        "  LO1 Be able to deal with incidents through a contact centre: covered: 100 % (7/7), "
        "sufficient: 100 %, met: 0 %"
    )
    assert lines[22].startswith("  declaration: current (signed ")
    assert len(lines) == 23


def test_cli_coverage_shows_gaps(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "observation", ["1.2"])
        add(store, "reflection", ["2.3"])
    result = cli("--portfolio", str(tmp_path / "p"), "coverage")
    assert result.returncode == 0, result.stderr
    assert "covered: 11 % (2/18), sufficient: 0 %, met: 0 %" in result.stdout
    lines = result.stdout.splitlines()
    assert lines[1] == "  1.1  no evidence       0 items  0 types (needs 2)"
    assert lines[2] == "  1.2  evidence mapped   1 item   1 type  (needs 2, too few)  EV-0001"
    assert lines[10] == (
        "  2.3  evidence mapped   1 item   0 types (needs 2, too few)  EV-0002  "
        "[not accepted here: reflection]"
    )
    assert "  declaration: none (sign it with `incidentfolio declare`)" in result.stdout


def test_cli_coverage_json(tmp_path):
    build_clean(tmp_path).close()
    result = cli("--portfolio", str(tmp_path / "p"), "coverage", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["framework"] for d in data] == [FW]
    assert data[0]["summary"]["covered_pct"] == 100
    assert data[0]["declaration"]["state"] == "current"


def test_cli_coverage_unknown_framework_is_one_line(tmp_path):
    make_store(tmp_path).close()
    result = cli("--portfolio", str(tmp_path / "p"), "coverage", "--framework", "nope")
    assert result.returncode == 1
    assert result.stderr == (
        "incidentfolio: error: framework nope is not in this portfolio's profile "
        "(its frameworks: k503-0421)\n"
    )
    assert result.stdout == ""


def test_cli_coverage_without_portfolio(tmp_path):
    result = cli("--portfolio", str(tmp_path / "p"), "coverage")
    assert result.returncode == 1
    assert result.stderr.startswith("incidentfolio: error: no portfolio in ")
    assert result.stderr.count("\n") == 1
