"""The scenario library: schema, cross-references, and the breadth the course promises."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from support import cli, expect_content_error, write_variant

from incidentfolio import paths
from incidentfolio.errors import IncidentfolioError
from incidentfolio.priority import load_priority_matrix
from incidentfolio.scenarios import get_scenario, load_scenarios, scenario_from_data

SCENARIOS = load_scenarios()


def _listing() -> list[dict]:
    result = cli("scenarios", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_library_meets_every_count():
    rows = _listing()
    incidents = [r for r in rows if r["contact_type"] == "incident"]
    assert len(rows) >= 36
    assert len({r["sector"] for r in rows}) >= 10
    assert sum(r["contact_type"] != "incident" for r in rows) >= 6
    assert any(r["contact_type"] == "incident" and r["presented_as"] == "complaint" for r in rows)
    assert sum(r["vulnerable"] for r in rows) >= 4
    assert sum(r["multi_agency"] for r in rows) >= 3
    assert {c: n for c, n in Counter(r["priority"] for r in incidents).items() if n >= 4}.keys() == {
        "P1", "P2", "P3", "P4", "P5"}  # fmt: skip
    assert {"phone", "email", "chat", "social", "radio"} <= {r["channel"] for r in rows}


def test_hidden_breach_is_a_complaint_on_the_surface():
    hidden = [s for s in SCENARIOS.values() if s.hidden_incident]
    assert any(s.truth["category"] == "data/personal-data-breach" for s in hidden)


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_answer_priority_follows_the_matrix_or_states_why(scenario_id):
    s = SCENARIOS[scenario_id]
    if not s.is_incident:
        assert s.priority is None
        return
    cell = load_priority_matrix().cell(s.truth["impact"], s.truth["urgency"]).code
    assert s.priority == cell or s.truth["priority_override"]["explanation"]
    if s.truth.get("risk_to_life"):
        assert s.priority == "P1"


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_learner_must_ask_for_something(scenario_id):
    assert any(t.ask_topic for t in SCENARIOS[scenario_id].turns)


def test_filters_and_table():
    p1 = json.loads(cli("scenarios", "--json", "--priority", "p1").stdout)
    assert p1 and all(r["priority"] == "P1" for r in p1)
    gas = json.loads(cli("scenarios", "--json", "--sector", "gas").stdout)
    assert gas and {r["sector"] for r in gas} == {"gas"}
    table = cli("scenarios").stdout.splitlines()
    assert table[0].split() == ["ID", "SECTOR", "CHANNEL", "TYPE", "NOTES"]
    assert table[-1].startswith(f"{len(SCENARIOS)} scenarios: ")


def test_unknown_sector_is_a_usage_error():
    result = cli("scenarios", "--sector", "moon")
    assert result.returncode == 2
    assert (
        "Invalid value for '--sector': 'moon' is not a sector here; choose from:" in result.stderr
    )


def test_unknown_scenario_is_a_domain_error():
    with pytest.raises(IncidentfolioError, match="no scenario 'nope'"):
        get_scenario("nope")


def _variant(tmp_path, mutate, name="gas-smell-flat.yaml"):
    return write_variant(paths.scenarios_dir() / "gas-smell-flat.yaml", tmp_path / name, mutate)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["truth"].update(priority="P2"),
         "truth.priority: P2 differs from the matrix (high impact, high urgency gives P1) and no priority_override says why"),
        (lambda d: d["truth"].update(urgency="low", priority="P3"), "truth.priority: a risk to life must be P1"),
        (lambda d: d["truth"].update(category="safety/unicorns"), "truth.category: unknown category safety/unicorns"),
        (lambda d: d["truth"].update(category="request/account-update"),
         "truth.category: request/account-update is a service_request category, not incident"),
        (lambda d: d["truth"]["escalation"].update(to=["reporter"]),
         "truth.escalation.to[0]: reporter is not an escalation contact"),
        (lambda d: d["truth"].pop("comms"), "truth.comms: is required for an incident"),
        (lambda d: d.update(criteria=["k503-0421:1.3", "k503-0421:9.9"]),
         "criteria[1]: framework k503-0421 has no criterion 9.9"),
        (lambda d: d.update(turns=[{"speaker": "caller", "text": "a"}, {"speaker": "agent", "text": "b"}]),
         "turns: needs at least one detail the learner must ask for"),
        (lambda d: d["model_log"]["caller"].update(callback_number="999"),
         "model_log.caller.callback_number: '999' is not a valid telephone number"),
        (lambda d: d.update(sector="space"), "sector: 'space' is not one of: gas, electricity"),
    ],
)  # fmt: skip
def test_broken_scenarios_name_the_field(tmp_path, mutate, expected):
    expect_content_error(
        lambda p: scenario_from_data(_load(p), p), _variant(tmp_path, mutate), expected
    )


def test_file_name_must_match_id(tmp_path):
    path = _variant(tmp_path, lambda d: None, name="other.yaml")
    expect_content_error(
        lambda p: scenario_from_data(_load(p), p), path,
        "id: gas-smell-flat does not match the file name other",
    )  # fmt: skip


def test_validate_rejects_a_model_log_that_loses_marks(tmp_path):
    path = _variant(tmp_path, lambda d: d["model_log"]["messages"][0].update(read_back=False))
    result = cli("validate", str(path))
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}: model_log.messages[0]: scores a finding: messages[0] to National gas "
        "emergency service has no confirmed receipt: get a read-back (voice) or an acknowledgement (data) of the critical details\n"
    )


def _load(path):
    from incidentfolio.content.files import load_data

    return load_data(path)


def test_scenarios_and_score_through_clicks_runner(tmp_path):
    from click.testing import CliRunner

    from incidentfolio.cli import cli as root

    runner = CliRunner()
    listed = runner.invoke(root, ["scenarios", "--json", "--priority", "P5"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) >= 4 and {r["priority"] for r in rows} == {"P5"}
    log = tmp_path / "log.json"
    log.write_text(json.dumps(SCENARIOS["gas-smell-flat"].model_log), encoding="utf-8")
    scored = runner.invoke(root, ["score", "gas-smell-flat", str(log), "--json"])
    assert scored.exit_code == 0, scored.output
    report = json.loads(scored.output)
    assert report["total"] == report["max"] and report["findings"] == []
