"""Priority matrix: the shipped matrix, the life override, validation of broken matrices."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import expect_content_error, write_variant

from incidentfolio import paths
from incidentfolio.errors import IncidentfolioError
from incidentfolio.priority import load_priority_matrix, priority

LEVELS = ["high", "medium", "low"]


@pytest.mark.parametrize(
    ("impact", "urgency", "code"),
    [
        ("high", "high", "P1"),
        ("high", "medium", "P2"),
        ("high", "low", "P3"),
        ("medium", "high", "P2"),
        ("medium", "medium", "P3"),
        ("medium", "low", "P4"),
        ("low", "high", "P3"),
        ("low", "medium", "P4"),
        ("low", "low", "P5"),
    ],
)
def test_shipped_matrix_matches_the_itil_example(impact, urgency, code):
    assert priority(impact, urgency).code == code


def test_targets_and_explanation_for_p1():
    result = priority("high", "high")
    assert result.priority.response_max_minutes == 15
    assert result.priority.resolution_max_minutes == 240
    assert "so the matrix gives P1 Critical" in result.explanation
    assert result.example and "gas" in result.example


def test_risk_to_life_always_gives_p1_and_says_why():
    result = priority("low", "low", risk_to_life=True)
    assert result.code == "P1"
    assert result.matrix_priority.code == "P5"
    assert result.overridden_for_life
    assert "risk to life, so it becomes P1 Critical" in result.explanation


def test_unknown_level_is_a_clear_domain_error():
    with pytest.raises(
        IncidentfolioError, match=r"unknown impact 'huge' \(choose one of: high, medium, low\)"
    ):
        priority("huge", "high")


@given(st.sampled_from(LEVELS), st.sampled_from(LEVELS), st.sampled_from(LEVELS))
def test_priority_is_monotone_in_impact_and_urgency(a, b, u):
    """A more severe impact (or urgency) never gives a less urgent priority."""
    rank = LEVELS.index
    pa, pb = priority(a, u).priority.rank, priority(b, u).priority.rank
    if rank(a) <= rank(b):
        assert pa <= pb
    qa, qb = priority(u, a).priority.rank, priority(u, b).priority.rank
    if rank(a) <= rank(b):
        assert qa <= qb


def test_every_cell_has_a_worked_example():
    matrix = load_priority_matrix()
    for imp, urg in itertools.product(LEVELS, LEVELS):
        assert matrix.examples.get((imp, urg)), f"no example for {imp}/{urg}"


def _write_variant(tmp_path, mutate):
    return write_variant(
        paths.templates_dir() / "priority_matrix.yaml", tmp_path / "matrix.yaml", mutate
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["matrix"]["low"].update(low="P9"),
            "matrix.low.low: P9 is not a defined priority",
        ),
        (lambda d: d["matrix"]["low"].pop("low"), "matrix.low.low: missing cell"),
        (
            lambda d: d["matrix"]["low"].update(low="P1"),
            "matrix.low.low: lower impact gives a more urgent priority than medium/low",
        ),
        (
            lambda d: d.update(schema_version=9),
            "schema_version: unsupported schema_version 9 (this version reads 1)",
        ),
        (
            lambda d: d["priorities"][0].pop("response"),
            "priorities[0]: missing required field: response",
        ),
    ],
)
def test_broken_matrix_files_give_one_line_errors(tmp_path, mutate, expected):
    expect_content_error(load_priority_matrix, _write_variant(tmp_path, mutate), expected)
