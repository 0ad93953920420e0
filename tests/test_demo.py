"""``incidentfolio demo``: a complete, checkable sample portfolio built in a real portfolio."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
from support import cli, expect_content_error, write_variant

from incidentfolio import paths
from incidentfolio.demo import (
    MAX_MAPPINGS_PER_ITEM,
    DemoMapping,
    build_demo,
    demo_file,
    load_demo,
)
from incidentfolio.errors import StoreError
from incidentfolio.evidence_input import notebook_body
from incidentfolio.evidence_types import EVIDENCE_TYPES, advice, body_text, check_body
from incidentfolio.scenarios import load_scenarios
from incidentfolio.store import open_store
from incidentfolio.store.canonical import sha256_file
from incidentfolio.store.integrity import check_store

FW = "k503-0421"
REFUSAL = "already has evidence: demo needs an empty portfolio"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str, float]:
    """One demo portfolio built through the CLI: (folder, stdout, seconds taken)."""
    folder = tmp_path_factory.mktemp("demo") / "p"
    started = time.monotonic()
    result = cli("--portfolio", str(folder), "demo")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return folder, result.stdout, elapsed


@pytest.fixture(scope="module")
def items(built):
    with open_store(built[0]) as store:
        return store.items()


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- the command -----------------------------------------------------------------------------


def test_demo_prints_a_summary_and_the_folder_last(built):
    folder, stdout, elapsed = built
    lines = stdout.splitlines()
    assert lines[-1] == str(folder.resolve())
    assert "fictional candidate" in lines[0]
    assert "23 evidence items of all 13 types" in stdout
    assert elapsed < 5, f"demo took {elapsed:.1f} s"


def test_check_passes_on_the_demo(built):
    result = cli("--portfolio", str(built[0]), "check")
    assert result.returncode == 0, result.stderr
    assert "check passed" in result.stdout


def test_coverage_of_k503_is_complete(built):
    result = cli("--portfolio", str(built[0]), "coverage", "--framework", FW)
    assert result.returncode == 0, result.stderr
    assert "covered: 100 %" in result.stdout
    assert "sufficient: 100 %" in result.stdout
    assert "declaration: current" in result.stdout


def test_lint_finds_nothing(built):
    result = cli("--portfolio", str(built[0]), "lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings"


# --- what the portfolio holds (read straight from the store) --------------------------------


def test_every_criterion_of_every_profile_framework_is_sufficiently_evidenced(built, items):
    with open_store(built[0]) as store:
        profile = store.require_profile()
        frameworks = store.frameworks()
    assert FW in profile.frameworks
    for fw in profile.frameworks:
        criteria = frameworks[fw].criteria
        if fw == FW:
            assert len(criteria) == 18
        for c in criteria:
            mapped = [i for i in items if any(m.ref == f"{fw}:{c.id}" for m in i.mappings)]
            assert mapped, f"{fw}:{c.id} has no evidence"
            accepted = {i.type for i in mapped if i.type in c.evidence_types}
            assert len(accepted) >= c.min_evidence_types, f"{fw}:{c.id}: {sorted(accepted)}"
            if c.kind == "performance":
                assert len(accepted) >= 2, f"{fw}:{c.id}: {sorted(accepted)}"


def test_every_evidence_type_appears_and_every_body_is_valid(items):
    assert {i.type for i in items} == set(EVIDENCE_TYPES)
    for item in items:
        assert check_body(item.type, item.body) == [], item.id


def test_items_map_to_at_most_three_criteria_with_unique_justifications(items):
    seen: dict[str, str] = {}
    for item in items:
        assert 1 <= len(item.mappings) <= MAX_MAPPINGS_PER_ITEM, item.id
        for m in item.mappings:
            key = _normal(m.justification)
            assert key not in seen, f"{item.id} {m.ref} repeats {seen.get(key)}"
            seen[key] = f"{item.id} {m.ref}"
            assert len(m.justification.split()) >= 12


def test_evidence_covers_at_least_three_incident_types(items):
    scenarios = load_scenarios()
    categories = set()
    for item in items:
        if item.type == "incident_log":
            categories.add(item.body["category"])
        elif item.source_scenario:
            categories.add(scenarios[item.source_scenario].truth["category"])
    wanted = {"safety/gas-escape", "financial-crime/app-scam", "data/personal-data-breach",
              "it/customer-facing-outage"}  # fmt: skip
    assert wanted <= categories


def test_scenario_items_reuse_the_scenario_model_logs(items):
    scenarios = load_scenarios()
    logs = [i for i in items if i.type == "incident_log" and i.source_scenario]
    assert len(logs) >= 3
    for item in logs:
        model = dict(scenarios[item.source_scenario].model_log)
        body = dict(item.body)
        assert body.pop("logged_by").endswith("agent 4806")
        model.pop("logged_by")
        assert body == model
        assert item.personal_data, f"{item.id} holds a caller's name and number"


def test_reflections_have_action_plans_and_witnesses_a_role_and_date(items):
    reflections = [i for i in items if i.type == "reflection"]
    witnesses = [i for i in items if i.type == "witness_testimony"]
    assert reflections and witnesses
    for item in reflections:
        assert re.search(r"\b1\. .+\b2\. ", item.body["action_plan"]), item.id
        assert re.search(r"\bBy \d+ (March|April)\b", item.body["action_plan"]), item.id
    for item in witnesses:
        assert item.body["witness_role"].strip() and item.body["date_observed"]
        assert item.body["signature_statement"] is True
        assert item.body["signed_on"] >= item.body["date_observed"]


def test_the_post_incident_review_is_blameless_with_owned_dated_actions(items):
    (review,) = [i for i in items if i.type == "post_incident_review"]
    assert len(review.body["root_cause_whys"]) == 5
    assert all(w.startswith("Why ") for w in review.body["root_cause_whys"])
    assert len(review.body["actions"]) >= 3
    for action in review.body["actions"]:
        assert action["owner"].strip() and action["due"]
    assert [p for p in advice(review.type, review.body) if "contains" in p.message] == []


def test_notebook_item_keeps_the_shipped_notebook(items):
    (item,) = [i for i in items if i.type == "notebook"]
    notebook = paths.notebooks_dir() / "priority_explorer.ipynb"
    expected = notebook_body(notebook)
    for key in ("notebook_path", "title", "cell_ids"):
        assert item.body[key] == expected[key]
    assert item.body["summary"].endswith(f"The notebook: {expected['summary']}.")
    (attachment,) = item.attachments
    assert attachment.name == notebook.name
    assert attachment.sha256 == sha256_file(notebook)


def test_other_attachments_are_kept_and_verified(built, items):
    others = [a for i in items if i.type != "notebook" for a in i.attachments]
    assert {a.name for a in others} == {
        "holding-script-broadcast-2026-05-11.txt",
        "email-export-INC-20260609-0087.txt",
    }
    with open_store(built[0]) as store:
        assert check_store(store).ok


def test_personal_data_appears_only_in_flagged_items(items):
    from incidentfolio.lint import personal_data_kinds

    sample = load_demo()
    scenarios = load_scenarios()
    private = list(sample.people)
    for item in items:
        if item.source_scenario:
            log = scenarios[item.source_scenario].model_log
            private += [log["caller"]["name"], log["caller"]["callback_number"]]
            private += [log["location"]["postcode"]] if "postcode" in log["location"] else []
    squash = lambda text: re.sub(r"\s+", "", text).casefold()  # noqa: E731
    unflagged = [i for i in items if not i.personal_data]
    assert unflagged
    for item in unflagged:
        text = "\n".join(
            [item.title, body_text(item.type, item.body), *(m.justification for m in item.mappings)]
        )
        assert personal_data_kinds(text) == [], item.id
        for person in private:
            assert squash(person) not in squash(text), f"{item.id} names {person!r}"
    # the drama numbers used are Ofcom's ranges for fiction (e.g. 0113 496 0xxx)
    for number in re.findall(r"\b0\d{3} \d{3} \d{4}\b", demo_file().read_text(encoding="utf-8")):
        assert re.fullmatch(r"0(113|114|141) 496 0\d{3}", number), number


def test_the_declaration_is_signed_and_current(built):
    with open_store(built[0]) as store:
        declaration = store.declaration()
        assert declaration is not None and not declaration["stale"]
        assert declaration["ledger_seq"] == store.ledger_head()[0] - 1
        assert declaration["candidate_name"] == store.require_profile().candidate_name


def test_demo_is_deterministic_apart_from_timestamps(built, items, tmp_path):
    other = tmp_path / "again"
    assert cli("--portfolio", str(other), "demo").returncode == 0
    with open_store(other) as store:
        again = store.items()

    def content(found):
        stamps = ("created_at", "updated_at")
        return [{k: v for k, v in i.as_dict().items() if k not in stamps} for i in found]

    assert content(again) == content(items)


# --- refusing and failing cleanly -------------------------------------------------------------


def _ledger_head(folder: Path) -> tuple[int, str]:
    with open_store(folder) as store:
        return store.ledger_head()


def test_demo_refuses_a_portfolio_that_already_has_evidence(built):
    folder = built[0]
    before = _ledger_head(folder)
    result = cli("--portfolio", str(folder), "demo")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"incidentfolio: error: portfolio {folder.resolve()} {REFUSAL}\n"
    assert _ledger_head(folder) == before
    assert not list(folder.glob(".demo-*"))


def test_demo_refuses_a_portfolio_with_only_a_profile(tmp_path):
    folder = tmp_path / "p"
    init = cli("--portfolio", str(folder), "init", "--name", "Real Candidate",
               "--candidate-number", "X1", "--framework", FW)  # fmt: skip
    assert init.returncode == 0, init.stderr
    before = _ledger_head(folder)
    result = cli("--portfolio", str(folder), "demo")
    assert result.returncode == 1
    assert REFUSAL in result.stderr and len(result.stderr.splitlines()) == 1
    with open_store(folder) as store:
        assert store.ledger_head() == before
        assert store.items(include_deleted=True) == []
        assert store.require_profile().candidate_name == "Real Candidate"


def test_demo_fills_an_existing_empty_portfolio(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    open_store(folder, create=True).close()  # a database with no profile and no evidence
    result = cli("--portfolio", str(folder), "demo")
    assert result.returncode == 0, result.stderr
    with open_store(folder) as store:
        assert len(store.items()) == len(load_demo().items)
        assert check_store(store).ok


def test_a_failure_while_building_leaves_the_folder_untouched(tmp_path):
    sample = load_demo()
    last = sample.items[-1]
    broken = dataclasses.replace(
        last, mappings=(DemoMapping("no-such-framework", "1.1", "x " * 20, None),)
    )
    bad = dataclasses.replace(sample, items=(*sample.items[:-1], broken))
    folder = tmp_path / "p"
    folder.mkdir()
    with pytest.raises(StoreError, match="unknown framework no-such-framework"):
        build_demo(folder, bad)
    assert list(folder.iterdir()) == []


# --- the data file is checked before anything is written ------------------------------------


def _variant(tmp_path: Path, mutate) -> Path:
    return write_variant(demo_file(), tmp_path / "demo.yaml", mutate)


def _item(data: dict, kind: str) -> dict:
    return next(i for i in data["items"] if i["type"] == kind)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _item(d, "incident_log")["mappings"].append(
                {"ref": f"{FW}:1.1", "why": "a fourth mapping, which is one too many for one item"}
            ),
            "must list 1 to 3 mappings",
        ),
        (
            lambda d: _item(d, "reflection")["mappings"][1].update(
                why=_item(d, "reflection")["mappings"][0]["why"]
            ),
            "repeats the justification of items[",
        ),
        (
            lambda d: _item(d, "witness_testimony").update(personal_data=False),
            "is not flagged personal_data: true",
        ),
        (
            lambda d: _item(d, "incident_log").pop("personal_data"),
            "is not flagged personal_data: true",
        ),
        (
            lambda d: _item(d, "escalation_decision")["body"]["tree_path"].pop(1),
            "expected node location, not escalate",
        ),
        (
            lambda d: _item(d, "notebook")["mappings"][0].update(ref=f"{FW}:9.9"),
            "k503-0421 has no criterion 9.9",
        ),
        (
            lambda d: _item(d, "notebook")["mappings"][0].update(ref="incident-systems-l45:1.1"),
            "is not a framework of the profile",
        ),
        (
            lambda d: d.update(items=[i for i in d["items"] if i["type"] != "kpi_analysis"]),
            "no item of type kpi_analysis",
        ),
        (
            lambda d: _item(d, "observation")["mappings"].pop(2),
            "k503-0421:2.3 gets 1 accepted evidence types, needs 2",
        ),
        (
            lambda d: _item(d, "reflection")["body"].pop("action_plan"),
            "body.action_plan: is required",
        ),
        (
            lambda d: _item(d, "communication_record").update(attach=["missing.txt"]),
            "no attachment named missing.txt",
        ),
        (
            lambda d: _item(d, "reflection")["mappings"][0].update(anchor="no_such_field"),
            "'no_such_field' is not a field of the body",
        ),
    ],
)
def test_bad_demo_data_is_one_clear_content_error(tmp_path, mutate, expected):
    expect_content_error(load_demo, _variant(tmp_path, mutate), expected)


def test_the_shipped_demo_data_loads():
    sample = load_demo()
    assert sample.source == demo_file()
    assert sample.profile["frameworks"][0] == FW
    assert len(sample.items) == 23
