"""Scoring: model logs earn full marks, each worked mistake raises its finding, and the
findings' wording and costs come from the rules file."""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import cli

from incidentfolio.scenarios import load_scenarios
from incidentfolio.scoring import apply_changes, message_fields, score
from incidentfolio.scoring_rules import load_rules

RULES = load_rules()
DEMOS = {code: rule.demo for code, rule in RULES.findings.items() if rule.demo}


@pytest.mark.parametrize("scenario_id", sorted(load_scenarios()))
def test_model_log_gets_full_marks(scenario_id):
    scenario = load_scenarios()[scenario_id]
    report = score(scenario, scenario.model_log)
    assert report.findings == ()
    assert report.total == report.max > 0
    assert {m.criterion for m in report.marks} >= {"1.3", "1.4"}


def test_every_finding_has_a_worked_example_except_an_unreadable_log():
    assert set(RULES.findings) - set(DEMOS) == {"invalid_log"}


@pytest.mark.parametrize("code", sorted(DEMOS))
def test_each_worked_mistake_raises_its_finding_and_costs_marks(code):
    demo = DEMOS[code]
    scenario = load_scenarios()[demo["scenario"]]
    report = score(scenario, apply_changes(scenario.model_log, demo["changes"]))
    assert code in report.codes
    finding = next(f for f in report.findings if f.code == code)
    rule = RULES.finding(code)
    assert (finding.severity, finding.criteria, finding.misconceptions) == (
        rule.severity, rule.criteria, rule.misconceptions)  # fmt: skip
    assert "?" not in finding.message.replace("?'", "")  # every named field was filled in
    in_scope = {m.criterion for m in report.marks}
    if in_scope & set(rule.criteria) and rule.penalty:
        assert report.total < report.max


def test_unreadable_log_scores_zero():
    scenario = load_scenarios()["gas-smell-flat"]
    report = score(scenario, ["not", "a", "log"])
    assert report.codes == ["invalid_log"]
    assert report.findings[0].message == (
        "the log could not be read: must be a mapping of fields, not a list"
    )


def test_risk_to_life_message_and_penalty_are_data():
    scenario = load_scenarios()["gas-smell-flat"]
    log = apply_changes(scenario.model_log, [{"set": "priority", "value": "P3"},
                                             {"set": "priority_override_reason", "value": "x"}])  # fmt: skip
    report = score(scenario, log)
    assert report.codes == ["risk_to_life_not_p1"]
    assert report.findings[0].message == (
        "someone's life may be at risk, so this is P1 whatever else applies; it was logged P3"
    )
    marks = {m.criterion: m for m in report.marks}
    assert (
        marks["1.4"].awarded
        == marks["1.4"].available - RULES.finding("risk_to_life_not_p1").penalty
    )


def test_messages_only_use_fields_the_scorer_fills():
    known = {"field", "detail", "expected", "logged", "expected_label", "logged_label", "impact",
             "urgency", "target", "minutes", "limit", "route", "resource"}  # fmt: skip
    for rule in RULES.findings.values():
        assert message_fields(rule.message) <= known, rule.code


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Card 4929 1234 5678 9015 taken for the fee.", True),
        ("card 4929-1234-5678-9015", True),
        ("4929123456789015", True),
        ("Amex 3714 496353 98431", True),
        ("card 4929 1234 5678 9012", False),  # fails the checksum
        ("Ref INC-20260317-0208 0114 496 0238", False),  # a reference, then a phone number
        ("WEB-771203 0113 496 0652", False),
    ],
)
def test_card_numbers_are_found_without_flagging_references(text, found):
    card = next(s for s in RULES.sensitive_data if s.id == "card_number")
    assert card.found_in(text) is found


def _shuffled(value, rng):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(DEMOS)), st.integers(0, 10_000))
def test_scoring_does_not_depend_on_key_order(code, seed):
    demo = DEMOS[code]
    scenario = load_scenarios()[demo["scenario"]]
    log = apply_changes(scenario.model_log, demo["changes"])
    shuffled = _shuffled(copy.deepcopy(log), random.Random(seed))
    assert score(scenario, shuffled).as_dict() == score(scenario, log).as_dict()


LOG_FIELDS = st.sampled_from(
    ["reference", "received_at", "caller", "location", "actions", "escalations", "messages",
     "resources", "disclosures", "status", "status_history", "closure", "priority", "impact",
     "urgency", "contact_type", "category", "advice_given", "description", "vulnerability"]
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["to", "at", "text", "resource", "status", "why", "x"]),
                      children, max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(load_scenarios())), st.dictionaries(LOG_FIELDS, JSON, max_size=10))
def test_scoring_never_raises_on_arbitrary_logs(scenario_id, log):
    report = score(load_scenarios()[scenario_id], log)
    assert 0 <= report.total <= report.max


def test_score_cli_json_and_table(tmp_path):
    scenario = load_scenarios()["gas-smell-flat"]
    log = apply_changes(scenario.model_log, DEMOS["no_read_back"]["changes"])
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    result = cli("score", "gas-smell-flat", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]] == ["no_read_back"]
    assert data["marks"]["1.5"] == {"awarded": 3, "available": 5}
    table = cli("score", "gas-smell-flat", str(path))
    assert table.stdout.splitlines()[:2] == [
        "gas-smell-flat: Smell of gas in a ground-floor flat",
        f"Score: {data['total']}/{data['max']}",
    ]
    assert "  [major] no_read_back (1.5, 2.3)" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "no-such-scenario", "LOG"],
         "incidentfolio: error: no scenario 'no-such-scenario' (see `incidentfolio scenarios` for the list)"),
        (["score", "gas-smell-flat", "BROKEN"], "incidentfolio: error: BROKEN: line 2: invalid YAML: "),
    ],
)  # fmt: skip
def test_score_cli_errors_are_one_line(tmp_path, args, message):
    log, broken = tmp_path / "log.yaml", tmp_path / "broken.yaml"
    log.write_text("{}", encoding="utf-8")
    broken.write_text("reference: [unclosed\n", encoding="utf-8")
    args = [str(log) if a == "LOG" else str(broken) if a == "BROKEN" else a for a in args]
    result = cli(*args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(message.replace("BROKEN", str(broken)))


def test_advice_matching_ignores_case_spacing_and_curly_quotes():
    scenario = load_scenarios()["gas-smell-flat"]
    log = apply_changes(
        scenario.model_log,
        [{"append": "advice_given", "value": "Please  USE THE EXTRACTOR fan – it’s fine."}],
    )
    assert score(scenario, log).codes == ["advice_not_allowed"]


def test_score_table_names_the_common_mistake_behind_a_finding(tmp_path):
    scenario = load_scenarios()["gas-smell-flat"]
    log = apply_changes(scenario.model_log, DEMOS["no_read_back"]["changes"])
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    table = cli("score", "gas-smell-flat", str(path)).stdout
    assert "    Common mistake (m-no-read-back): Messages are sent to other teams" in table
