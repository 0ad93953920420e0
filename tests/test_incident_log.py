"""Incident-log field checks: problems name the field, and nothing ever raises."""

from __future__ import annotations

import copy
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentfolio.incident_log import (
    TRANSITIONS,
    check_log,
    normalise_phone,
    normalise_postcode,
    parse_time,
    status_steps,
    valid_grid_ref,
)
from incidentfolio.scenarios import load_scenarios


@pytest.fixture
def good_log() -> dict:
    return copy.deepcopy(load_scenarios()["gas-smell-flat"].model_log)


def test_every_shipped_model_log_has_no_problems():
    for scenario in load_scenarios().values():
        assert check_log(scenario.model_log) == [], scenario.id


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(received_at="2026-03-14T09:12:00"),
         "received_at: '2026-03-14T09:12:00' has no time zone (write e.g. 2026-03-14T09:12:00+00:00)"),
        (lambda d: d.update(received_at="yesterday"),
         "received_at: 'yesterday' is not an ISO 8601 date and time"),
        (lambda d: d["caller"].update(callback_number="12345"),
         "caller.callback_number: '12345' is not a valid telephone number"),
        (lambda d: d["location"].update(postcode="LS66 ZZZ"),
         "location.postcode: 'LS66 ZZZ' is not a UK postcode"),
        (lambda d: d["location"].update(grid_ref="near the pub"),
         "location.grid_ref: 'near the pub' is neither a ///three.word.address nor an OS grid reference"),
        (lambda d: d.update(channel="pigeon"),
         "channel: 'pigeon' is not one of: phone, email, chat, social, radio, monitoring"),
        (lambda d: d.update(priority=1), "priority: 1 is not one of: P1, P2, P3, P4, P5"),
        (lambda d: d.update(category="Gas leak"),
         "category: 'Gas leak' is not a category id of the form group/name"),
        (lambda d: d["caller"].update(verified="yes"),
         "caller.verified: must be true or false, not text"),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d["escalations"][0].pop("at"), "escalations[0].at: is missing"),
        (lambda d: d.update(actions="called them"), "actions: must be a list, not text"),
        (lambda d: d.update(vulnerability=["old"]), "vulnerability: must be a list of vulnerability drivers"),
        (lambda d: (d.update(status="Closed"), d["status_history"].append(
            {"status": "Closed", "at": "2026-03-14T09:20:00+00:00"})),
         "status_history[3].status: Escalated → Closed is not allowed"),
        (lambda d: d.update(status="Resolved"), "status: is Resolved but the history ends at Escalated"),
    ],
)  # fmt: skip
def test_problems_name_the_field(good_log, change, expected):
    change(good_log)
    assert [str(p) for p in check_log(good_log)] == [expected]


def test_missing_fields_are_not_field_problems(good_log):
    del good_log["caller"]
    assert check_log(good_log) == []


def test_non_mapping_log():
    assert [str(p) for p in check_log(["a"])] == ["(log): must be a mapping of fields, not a list"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0113 496 0871", "+441134960871"), ("+44 20 7946 0123", "+442079460123"), ("999", None),
     ("07700 900123", None), (12, None)],
)  # fmt: skip
def test_phone_numbers_use_a_uk_default_region(value, expected):
    assert normalise_phone(value) == expected


def test_postcodes_and_grid_refs():
    assert normalise_postcode("ls62ab") == "LS6 2AB"
    assert normalise_postcode("SW1A 1AA") == "SW1A 1AA"
    assert normalise_postcode("12345") is None
    assert valid_grid_ref("///filled.count.soap")
    assert valid_grid_ref("SE 2934 3518")
    assert not valid_grid_ref("SE 293 3518")


def test_times_need_a_zone():
    assert parse_time("2026-03-14T09:12:00Z").utcoffset().total_seconds() == 0
    assert parse_time("2026-03-14T09:12:00") is None


def test_lifecycle_allows_the_normal_path_and_side_states():
    path = ["New", "Assigned", "In progress", "On hold", "In progress", "Escalated", "Resolved",
            "Closed"]  # fmt: skip
    for before, after in pairwise(path):
        assert after in TRANSITIONS[before]
    assert TRANSITIONS["Closed"] == frozenset()
    log = {"status_history": [{"status": s, "at": "2026-03-14T09:12:00+00:00"}
                              for s in ("New", "Closed")]}  # fmt: skip
    assert status_steps(log) == [(1, "New", "Closed")]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
FIELD_NAMES = st.sampled_from(
    ["reference", "received_at", "caller", "location", "actions", "escalations", "messages",
     "status", "status_history", "closure", "priority", "vulnerability", "resources"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, st.dictionaries(FIELD_NAMES, JSON, max_size=8)))
def test_checking_never_raises_on_arbitrary_json(value):
    problems = check_log(value)
    assert all(p.field and p.message for p in problems)
