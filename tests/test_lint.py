"""The sufficiency lint: each rule fires on a minimal portfolio and not on a clean one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import cli
from test_coverage import BODIES, FW, LO1, LO3, add, build_clean, make_store

from incidentfolio.lint import (
    LintFinding,
    lint,
    luhn_ok,
    nhs_number_ok,
    personal_data_kinds,
    summary_line,
)
from incidentfolio.store import Store
from incidentfolio.store.canonical import canonical_json, sha256_of
from incidentfolio.store.clock import now
from incidentfolio.store.store import version_record


def codes(findings: list[LintFinding]) -> set[str]:
    return {f.code for f in findings}


def by_code(findings: list[LintFinding], code: str) -> list[LintFinding]:
    return [f for f in findings if f.code == code]


def force_body(store: Store, item_id: str, body: dict) -> None:
    """Record a body the current templates would refuse, as an older version may have stored.

    The store rightly refuses such bodies now, so this writes the version row directly (the
    ledger is not updated: ``check`` would report it, which is not what these tests are about).
    """
    current = store.item(item_id)
    row = {
        "item_id": item_id,
        "version": current.version + 1,
        "recorded_at": now(),
        "state": "active",
        "title": current.title,
        "body": canonical_json(body),
        "source_scenario": current.source_scenario,
        "personal_data": int(current.personal_data),
    }
    row["sha256"] = sha256_of(version_record(row))
    store.conn.execute(
        "INSERT INTO item_versions (item_id, version, recorded_at, state, title, body, "
        "source_scenario, personal_data, sha256) VALUES (:item_id, :version, :recorded_at, "
        ":state, :title, :body, :source_scenario, :personal_data, :sha256)",
        row,
    )


# --- the clean portfolio ---------------------------------------------------------------------


def test_clean_portfolio_has_no_findings(tmp_path):
    with build_clean(tmp_path) as store:
        assert lint(store) == []


def test_cli_lint_clean_exits_0(tmp_path):
    build_clean(tmp_path).close()
    result = cli("--portfolio", str(tmp_path / "p"), "lint")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0 errors, 0 warnings\n"
    assert result.stderr == ""


# --- one rule at a time ------------------------------------------------------------------------


def test_no_evidence(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "observation", ["1.1"])
        found = by_code(lint(store), "no_evidence")
    assert [f.subject for f in found] == [
        f"{FW}:{c}" for c in [*LO1[1:], "2.1", "2.2", "2.3", *LO3]
    ]
    assert all(f.severity == "error" for f in found)
    assert str(found[0]) == (
        "k503-0421:1.2: error: no evidence is mapped to this performance criterion (it needs 2 "
        "evidence types of: observation, witness_testimony, incident_log, reflection) "
        "[no_evidence]"
    )


def test_knowledge_only(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "knowledge_check", ["1.1", "3.1"])
        add(store, "professional_discussion", ["1.1", "3.1"])
        findings = lint(store)
    found = by_code(findings, "knowledge_only")
    assert [f.subject for f in found] == [f"{FW}:1.1"]  # 3.1 is a knowledge criterion
    assert found[0].severity == "error"
    assert "only by knowledge items (knowledge_check, professional_discussion)" in found[0].message
    assert "add evidence of doing it, e.g. observation, witness_testimony, incident_log" in (
        found[0].message
    )


def test_too_few_types(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "observation", ["1.2", "2.3"])
        add(store, "observation", ["1.2"])  # a second item of the same type does not help
        add(store, "reflection", ["2.3"])  # 2.3 does not accept reflections
        add(store, "witness_testimony", ["1.4"], personal_data=True)
        add(store, "incident_log", ["1.4"])
        found = by_code(lint(store), "too_few_types")
    assert [f.subject for f in found] == [f"{FW}:1.2", f"{FW}:2.3"]
    assert found[0].message == (
        "evidenced by 1 accepted evidence type (observation), needs 2 of: observation, "
        "witness_testimony, incident_log, reflection"
    )
    assert found[1].message.endswith(
        "; not counted because this criterion does not accept them: reflection"
    )


def test_narrow_breadth(tmp_path):
    with make_store(tmp_path) as store:
        add(store, "incident_log", [])  # safety/gas-escape from its own category
        body = dict(BODIES["incident_log"], category="safety/gas-escape", reference="INC-2")
        add(store, "incident_log", [], body=body)  # the same category again
        add(store, "communication_record", [], source_scenario="bill-copy")  # a request
        add(store, "observation", [], source_scenario="bus-passenger-collapse")  # not incident-like
        add(store, "escalation_decision", [], source_scenario="appliance-smoking")
        found = by_code(lint(store), "narrow_breadth")
        assert found == [
            LintFinding(
                "warning",
                "narrow_breadth",
                "portfolio",
                "incident logs, escalation decisions and communication records cover 2 incident "
                "categories: safety/gas-escape, safety/product-safety; show at least 3 different "
                "kinds of incident",
            )
        ]
        add(store, "communication_record", [], source_scenario="my-own-scenario")
        assert by_code(lint(store), "narrow_breadth") == []


def test_reflection_without_action_plan(tmp_path):
    with make_store(tmp_path) as store:
        missing = add(store, "reflection", [])
        blank = add(store, "reflection", [])
        whole = add(store, "reflection", [])
        force_body(
            store, missing, {k: v for k, v in BODIES["reflection"].items() if k != "action_plan"}
        )
        force_body(store, blank, dict(BODIES["reflection"], action_plan="   "))
        found = by_code(lint(store), "reflection_no_action_plan")
    assert [(f.subject, f.severity) for f in found] == [(missing, "error"), (blank, "error")]
    assert whole not in {f.subject for f in found}


def test_witness_incomplete(tmp_path):
    with make_store(tmp_path) as store:
        no_role = add(store, "witness_testimony", [], personal_data=True)
        no_date = add(store, "witness_testimony", [], personal_data=True)
        neither = add(store, "witness_testimony", [], personal_data=True)
        add(store, "witness_testimony", [], personal_data=True)
        force_body(store, no_role, dict(BODIES["witness_testimony"], witness_role=""))
        force_body(
            store,
            no_date,
            {k: v for k, v in BODIES["witness_testimony"].items() if k != "date_observed"},
        )
        force_body(
            store, neither, dict(BODIES["witness_testimony"], witness_role=None, date_observed=" ")
        )
        found = by_code(lint(store), "witness_incomplete")
    assert [(f.subject, f.message) for f in found] == [
        (no_role, "the witness testimony has no witness role"),
        (no_date, "the witness testimony has no witness date observed"),
        (neither, "the witness testimony has no witness role or date observed"),
    ]


SECRETS = {
    "a name with a title": "Spoke to Mrs Khan about the leak.",
    "a UK phone number": "Call back on 0113 496 0652 after six.",
    "an e-mail address": "Confirmation sent to jo.bloggs@example.co.uk today.",
    "a UK postcode": "Flooding reported outside LS11 6AB this morning.",
    "an NHS-number-like number": "Patient reference 943 476 5919 was given.",
    "a payment-card-like number": "The card 4111 1111 1111 1111 was blocked.",
}


@pytest.mark.parametrize("kind", list(SECRETS))
def test_unflagged_personal_data_names_the_kind_never_the_data(tmp_path, kind):
    text = SECRETS[kind]
    body = dict(BODIES["observation"], observed=text)
    with make_store(tmp_path) as store:
        item = add(store, "observation", [], body=body)
        add(store, "observation", [], body=body, personal_data=True)  # flagged: fine
        found = by_code(lint(store), "unflagged_personal_data")
    assert [(f.subject, f.severity) for f in found] == [(item, "error")]
    assert f"({kind})" in found[0].message
    secret = text.split(" ", 1)[1].rsplit(" ", 2)[0]  # the part holding the data
    for word in secret.split():
        if any(ch.isdigit() for ch in word) or "@" in word or word == "Khan":
            assert word not in found[0].message


def test_personal_data_in_title_and_justification_counts(tmp_path):
    with make_store(tmp_path) as store:
        titled = add(store, "observation", [], title="Call from Dr Evans")
        justified = add(
            store,
            "observation",
            ["1.1"],
            why="I called the customer back on 07911 123456 as agreed.",
        )
        found = by_code(lint(store), "unflagged_personal_data")
    assert [(f.subject, f.message.split("(")[1].split(")")[0]) for f in found] == [
        (titled, "a name with a title"),
        (justified, "a UK phone number"),
    ]


def test_personal_data_detectors():
    assert personal_data_kinds("Mr Smith rang; mrs smith did not; Mrs. Jones wrote") == [
        "a name with a title"
    ]
    assert personal_data_kinds("Priority P1 at 2026-03-14T09:12:00+00:00, ref INC-1001") == []
    assert personal_data_kinds("Score 18 of 20 on kc-incident-basics, criterion 1.3") == []
    assert personal_data_kinds("+44 20 7946 0018") == ["a UK phone number"]
    assert nhs_number_ok("943 476 5919") and nhs_number_ok("9434765919")
    assert not nhs_number_ok("943 476 5918")  # wrong check digit
    assert not nhs_number_ok("0000000000")
    assert luhn_ok("4111-1111-1111-1111") and luhn_ok("5500 0000 0000 0004")
    assert not luhn_ok("4111 1111 1111 1112")
    assert not luhn_ok("4242")  # too short
    assert personal_data_kinds("reference 943 476 5918") == []


def test_over_mapped(tmp_path):
    with make_store(tmp_path) as store:
        eight = add(store, "observation", [*LO1, "2.1"])
        nine = add(store, "observation", [*LO1, "2.1", "2.2"])
        found = by_code(lint(store), "over_mapped")
    assert [(f.subject, f.severity) for f in found] == [(nine, "warning")]
    assert eight != nine
    assert found[0].message.startswith("mapped to 9 criteria (more than 8)")


def test_reused_justification(tmp_path):
    same = "This shows how I handled the call from start to finish."
    with make_store(tmp_path) as store:
        first = add(store, "observation", ["1.1", "1.2"], why=same)
        second = add(
            store,
            "incident_log",
            ["1.3"],
            why="  this shows how I handled the call from START to finish. ",
        )
        add(store, "incident_log", ["1.4"])
        found = by_code(lint(store), "reused_justification")
    assert found == [
        LintFinding(
            "warning",
            "reused_justification",
            first,
            f"the same justification is used for 3 mappings ({first} → {FW}:1.1, {first} → "
            f"{FW}:1.2, {second} → {FW}:1.3); say how each item shows each criterion",
        )
    ]


def test_declaration_missing_then_stale(tmp_path):
    with make_store(tmp_path) as store:
        item = add(store, "observation", ["1.1"])
        assert by_code(lint(store), "no_declaration")[0].severity == "warning"
        store.declare()
        assert codes(lint(store)).isdisjoint({"no_declaration", "stale_declaration"})
        store.edit_item(item, title="Observed on the morning shift")
        findings = lint(store)
    assert "no_declaration" not in codes(findings)
    (stale,) = by_code(findings, "stale_declaration")
    assert (stale.severity, stale.subject) == ("error", "portfolio")
    assert stale.message.startswith("the evidence changed 1 time after the declaration of ")
    assert stale.message.endswith(": run `incidentfolio declare` again")


def test_findings_are_sorted_errors_first(tmp_path):
    with make_store(tmp_path) as store:
        for _ in range(10):
            add(store, "observation", [])
        add(store, "observation", [*LO1, "2.1", "2.2"], title="Call from Mr Jones")
        findings = lint(store)
        assert lint(store) == findings
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning"].index)
    errors = [f.subject for f in findings if f.severity == "error"]
    assert errors.index("EV-0011") < errors.index(f"{FW}:1.1")
    criteria = [s for s in errors if s.startswith(FW)]
    assert criteria[:3] == [f"{FW}:1.1", f"{FW}:1.2", f"{FW}:1.3"]
    warnings = [(f.subject, f.code) for f in findings if f.severity == "warning"]
    assert warnings == [
        ("EV-0011", "over_mapped"),
        ("portfolio", "narrow_breadth"),
        ("portfolio", "no_declaration"),
    ]


def test_summary_line():
    error = LintFinding("error", "no_evidence", "x:1.1", "m")
    warning = LintFinding("warning", "over_mapped", "EV-0001", "m")
    assert summary_line([]) == "0 errors, 0 warnings"
    assert summary_line([error, warning]) == "1 error, 1 warning"
    assert summary_line([error, error, warning, warning]) == "2 errors, 2 warnings"


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_lint_warnings_only_exit_0_and_errors_exit_1(tmp_path):
    with make_store(tmp_path) as store:
        for c in [*LO1, "2.1", "2.2", "2.3", *LO3]:
            add(store, "observation" if c < "3" else "knowledge_check", [c])
            if c < "3":
                add(store, "witness_testimony", [c], personal_data=True)
    portfolio = str(tmp_path / "p")
    result = cli("--portfolio", portfolio, "lint")
    assert result.returncode == 0, result.stdout
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "portfolio: warning: incident logs, escalation decisions and communication records "
        "cover 0 incident categories; show at least 3 different kinds of incident "
        "[narrow_breadth]",
        "portfolio: warning: the authenticity declaration has not been signed: run "
        "`incidentfolio declare` before you submit [no_declaration]",
        "0 errors, 2 warnings",
    ]

    with make_store_again(tmp_path) as store:
        add(store, "reflection", ["1.1"], title="Reflection on Ms Patel's call")
    result = cli("--portfolio", portfolio, "lint")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "EV-0029: error: looks like it contains personal data (a name with a title) but is not "
        "flagged as personal data: anonymise it or flag it [unflagged_personal_data]"
    )
    assert lines[-1] == "1 error, 2 warnings"


def make_store_again(tmp_path: Path) -> Store:
    from incidentfolio.store import open_store

    return open_store(tmp_path / "p")


def test_cli_lint_json(tmp_path):
    with make_store(tmp_path) as store:
        item = add(store, "observation", [*LO1, "2.1", "2.2"])
    result = cli("--portfolio", str(tmp_path / "p"), "lint", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "errors", "warnings"}
    assert data["errors"] == len([f for f in data["findings"] if f["severity"] == "error"])
    assert data["warnings"] == 3
    assert {
        "severity": "warning",
        "code": "over_mapped",
        "subject": item,
        "message": "mapped to 9 criteria (more than 8): keep the criteria it shows best "
        "and justify each one",
    } in data["findings"]


def test_cli_lint_without_profile_is_one_line(tmp_path):
    from incidentfolio.store import open_store

    (tmp_path / "p").mkdir()
    open_store(tmp_path / "p", create=True).close()
    result = cli("--portfolio", str(tmp_path / "p"), "lint")
    assert result.returncode == 1
    assert result.stderr.startswith("incidentfolio: error: portfolio ")
    assert result.stderr.endswith("has no candidate profile yet: run `incidentfolio init`\n")
    assert result.stdout == ""
