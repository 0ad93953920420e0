"""Criteria frameworks: the shipped ones, imported ones and how broken files are reported."""

from __future__ import annotations

import json

import pytest
from support import cli, expect_content_error, write_variant

from incidentfolio import paths
from incidentfolio.errors import IncidentfolioError
from incidentfolio.frameworks import load_all_frameworks, load_framework, load_frameworks

# Catalogue ids (misconceptions and marking points) each provisional framework must carry.
CATALOGUE_IDS = {
    "escalated-l3": [
        "mp-track-to-resolution", "mp-escalate-by-severity", "mp-support-colleague",
        "mp-review-prevent-recurrence", "m-emotional-not-practical-support", "m-no-follow-up",
        "m-incident-vs-request", "m-inaccurate-documentation",
    ],
    "principles-l2l3": [
        "mp-policies-regulation", "mp-comms-tools-allocate-track", "mp-structured-procedure",
        "m-script-only", "m-speed-over-quality", "m-product-knowledge",
        "m-not-following-escalation", "m-misusing-comms-delays", "m-inaccurate-recording",
        "m-incident-confused-with-request", "m-incomplete-audit-trail",
        "m-bypassing-escalation-channels",
    ],
    "incident-systems-l45": [
        "mp-real-time-log", "mp-multi-team", "mp-analysis-recommendations",
        "mp-policy-contribution", "m-pir-actions-not-followed-up", "m-stakeholders-not-updated",
        "m-one-size-fits-all", "m-insufficient-detail",
    ],
}  # fmt: skip


def test_k503_has_the_units_18_criteria():
    fw = load_frameworks()["k503-0421"]
    assert [c.id for c in fw.criteria] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3",
        "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8",
    ]  # fmt: skip
    assert {c.kind for c in fw.criteria_for("LO3")} == {"knowledge"}
    assert {c.kind for c in fw.criteria_for("LO1") + fw.criteria_for("LO2")} == {"performance"}
    assert all(c.min_evidence_types == 2 for c in fw.criteria if c.kind == "performance")


def test_the_four_shipped_frameworks_load():
    found = load_frameworks()
    assert sorted(found) == ["escalated-l3", "incident-systems-l45", "k503-0421", "principles-l2l3"]
    assert {fw_id: fw.provisional for fw_id, fw in found.items()} == {
        "escalated-l3": True,
        "incident-systems-l45": True,
        "k503-0421": False,
        "principles-l2l3": True,
    }


@pytest.mark.parametrize("fw_id", sorted(CATALOGUE_IDS))
def test_provisional_frameworks_say_so_and_carry_their_catalogue_ids(fw_id):
    fw = load_frameworks()[fw_id]
    assert fw.awarding_notes.startswith("Provisional wording. The awarding bodies' own")
    assert "were not available when this file was written" in fw.awarding_notes
    assert "Criterion ids are kept stable" in fw.awarding_notes
    assert ".matrix" in fw.awarding_notes
    on_criteria = [m for c in fw.criteria for m in c.misconceptions]
    assert sorted(set(on_criteria)) == sorted(CATALOGUE_IDS[fw_id])
    assert len(on_criteria) == len(set(on_criteria)), "each id sits on its most fitting criterion"
    for c in fw.criteria:
        assert c.min_evidence_types == (2 if c.kind == "performance" else 1), c.id
    assert [lo.id for lo in fw.learning_outcomes] == [
        f"LO{n}" for n in range(1, len(fw.learning_outcomes) + 1)
    ]


def test_principles_is_a_knowledge_unit_with_the_three_published_outcomes():
    fw = load_frameworks()["principles-l2l3"]
    assert {c.kind for c in fw.criteria} == {"knowledge"}
    assert [lo.title for lo in fw.learning_outcomes] == [
        "Know the standards and procedures for dealing with incidents through a contact centre",
        "Understand how to use contact centre communications systems to deploy incident "
        "management resources",
        "Understand how to deal with incidents reported to a contact centre",
    ]
    assert all(2 <= len(fw.criteria_for(lo.id)) <= 4 for lo in fw.learning_outcomes)


@pytest.mark.parametrize("fw_id", ["escalated-l3", "incident-systems-l45"])
def test_competence_units_mix_performance_and_knowledge(fw_id):
    assert {c.kind for c in load_frameworks()[fw_id].criteria} == {"knowledge", "performance"}


def test_load_all_frameworks_adds_the_portfolios_imports(tmp_path):
    assert load_all_frameworks(None) == load_frameworks()
    assert load_all_frameworks(tmp_path / "missing") == load_frameworks()

    (tmp_path / "frameworks").mkdir()
    write_variant(
        paths.templates_dir() / "frameworks" / "k503-0421.yaml",
        tmp_path / "frameworks" / "centre-k503.yaml",
        lambda d: d.update(id="centre-k503"),
    )
    found = load_all_frameworks(tmp_path)
    assert list(found)[-1] == "centre-k503"
    assert found["centre-k503"].source == tmp_path / "frameworks" / "centre-k503.yaml"
    assert "centre-k503" not in load_frameworks()


def test_unknown_criterion_is_a_domain_error():
    with pytest.raises(IncidentfolioError, match=r"framework k503-0421 has no criterion 9\.9"):
        load_frameworks()["k503-0421"].criterion("9.9")


def _variant(tmp_path, mutate):
    return write_variant(
        paths.templates_dir() / "frameworks" / "k503-0421.yaml", tmp_path / "fw.yaml", mutate
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["criteria"][1].update(id="1.1"), "criteria[1].id: duplicate criterion id 1.1"),
        (
            lambda d: d["criteria"][0].update(lo="LO9"),
            "criteria[0].lo: LO9 is not a learning outcome here",
        ),
        (
            lambda d: d["criteria"][0].update(kind="skill"),
            "criteria[0].kind: 'skill' is not one of: knowledge, performance",
        ),
        (
            lambda d: d["criteria"][0].update(evidence_types=["selfie"]),
            "criteria[0].evidence_types[0]: 'selfie' is not one of",
        ),
        (
            lambda d: d["criteria"][10].update(min_evidence_types=5),
            "criteria[10].min_evidence_types: is more than the evidence types accepted",
        ),
        (
            lambda d: d["criteria"][6]["marking_points"].append({"a": "b"}),
            "criteria[6].marking_points[2]: must be text",
        ),
        (lambda d: d.pop("provisional"), "(top level): missing required field: provisional"),
    ],
)
def test_broken_frameworks_name_the_field(tmp_path, mutate, expected):
    expect_content_error(load_framework, _variant(tmp_path, mutate), expected)


def test_frameworks_cli_json_counts_criteria():
    result = cli("frameworks", "--json")
    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["k503-0421"]["criteria"] == 18
    assert rows["k503-0421"]["learning_outcomes"] == {"LO1": 7, "LO2": 3, "LO3": 8}
    assert rows["k503-0421"]["provisional"] is False
    assert rows["principles-l2l3"]["provisional"] is True


def test_frameworks_cli_lists_all_four_and_flags_provisional_wording(tmp_path):
    result = cli("--portfolio", str(tmp_path / "p"), "frameworks")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "escalated-l3            13 criteria  Manage incidents escalated to a contact centre "
        "(provisional wording)",
        "incident-systems-l45    13 criteria  Manage incident management systems "
        "(provisional wording)",
        "k503-0421               18 criteria  Deal with incidents through a contact centre",
        "principles-l2l3         10 criteria  Principles of handling incidents through a contact "
        "centre (provisional wording)",
    ]
