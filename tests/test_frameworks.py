"""Criteria frameworks: the shipped k503-0421 and how broken framework files are reported."""

from __future__ import annotations

import json

import pytest
from support import cli, expect_content_error, write_variant

from incidentfolio import paths
from incidentfolio.errors import IncidentfolioError
from incidentfolio.frameworks import load_framework, load_frameworks


def test_k503_has_the_units_18_criteria():
    fw = load_frameworks()["k503-0421"]
    assert [c.id for c in fw.criteria] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3",
        "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8",
    ]  # fmt: skip
    assert {c.kind for c in fw.criteria_for("LO3")} == {"knowledge"}
    assert {c.kind for c in fw.criteria_for("LO1") + fw.criteria_for("LO2")} == {"performance"}
    assert all(c.min_evidence_types == 2 for c in fw.criteria if c.kind == "performance")


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
            "criteria[6].marking_points[2]: must be string",
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
