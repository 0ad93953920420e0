"""Evidence-type templates: they load, bodies are checked field by field, nothing raises."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import cli, expect_content_error, write_variant

from incidentfolio import evidence_types, incident_log, paths
from incidentfolio.evidence_types import (
    EVIDENCE_TYPES,
    advice,
    body_text,
    check_body,
    empty_body,
    load_template,
    load_templates,
    template_from_data,
)
from incidentfolio.frameworks import load_frameworks

GOOD: dict[str, dict] = {
    "incident_log": {
        "reference": "INC-20260314-0042",
        "received_at": "2026-03-14T09:12:00+00:00",
        "channel": "phone",
        "caller": {"name": "Dana Example", "callback_number": "0113 496 0871", "verified": False},
        "location": {"text": "Flat 1, 14 Wren Court, Leeds", "postcode": "LS6 2AB"},
        "category": "safety/gas-escape",
        "description": "Strong smell of gas in the kitchen; caller is with her young son.",
        "impact": "high",
        "urgency": "high",
        "priority": "P1",
        "actions": [{"at": "2026-03-14T09:13:00+00:00", "text": "Safety advice given."}],
        "escalations": [
            {"to": "gas_emergency_service", "route": "functional",
             "at": "2026-03-14T09:15:00+00:00", "why": "Suspected gas escape in a home."}
        ],
        "messages": [
            {"at": "2026-03-14T09:15:00+00:00", "to": "gas_emergency_service", "channel": "phone",
             "text": "P1 gas smell, Flat 1, 14 Wren Court, LS6 2AB.", "read_back": True}
        ],
        "status": "Escalated",
    },
    "escalation_decision": {
        "incident_reference": "INC-20260314-0042",
        "situation": "A caller reported a strong smell of gas with a young child in the flat.",
        "options_considered": ["Give safety advice and call back later",
                               "Pass the incident to the gas emergency service now"],
        "decision": "Passed it to the gas emergency service straight after the safety advice.",
        "route": "functional",
        "threshold_crossed": "Risk to life: a suspected gas escape in an occupied home is P1.",
        "escalated_to": "Gas emergency service",
        "at": "2026-03-14T09:15:00+00:00",
        "outcome": "An engineer made the flat safe within the hour.",
        "tree_id": "gas-leak",
        "tree_path": ["smell-inside", "people-present"],
    },
    "communication_record": {
        "incident_reference": "INC-20260314-0042",
        "channel": "phone",
        "to": "Gas emergency service control",
        "at": "2026-03-14T09:15:00+00:00",
        "message": "Ref INC-20260314-0042: strong gas smell, Flat 1, 14 Wren Court, LS6 2AB.",
        "read_back": True,
        "acknowledgement": "Control read back the address and gave job number 5512.",
        "method_notes": "Address and postcode spelt with the phonetic alphabet.",
    },
    "reflection": {
        "incident_reference": "INC-20260314-0042",
        "description": "I took a call about a gas smell in a flat.",
        "feelings": "I felt anxious because a child was present.",
        "evaluation": "The safety advice was quick; I was slow to confirm the postcode.",
        "analysis": "The script puts the postcode late; I followed it rather than the risk.",
        "conclusion": "Location comes first when life is at risk.",
        "action_plan": "Confirm the address in the first minute of every P1 call.",
    },
    "witness_testimony": {
        "witness_name": "Sam Example",
        "witness_role": "Team leader",
        "relationship": "My team leader on the early shift",
        "witness_contact": "sam.example@example.co.uk",
        "date_observed": "2026-03-14",
        "observed": "I heard the candidate give clear safety advice and escalate within three minutes.",
        "signature_statement": True,
        "signed_on": "2026-03-15",
    },
    "colleague_support": {
        "situation": "A colleague took a distressing call about a collapse.",
        "technique": ["time_out", "structured_debrief"],
        "what_you_did": "I took their queue for ten minutes, then we talked the call through.",
        "outcome": "They returned to calls calmly and the queue stayed within target.",
        "follow_up": "I checked in at the end of the shift and shared the wellbeing line.",
    },
    "post_incident_review": {
        "incident_reference": "INC-20260320-0007",
        "summary": "The booking system was down for 40 minutes; 300 customers could not book.",
        "timeline": [
            {"at": "2026-03-20T10:00:00+00:00", "event": "Monitoring alert: booking errors"},
            {"at": "2026-03-20T10:05:00+00:00", "event": "Major incident declared",
             "source": "incident log"},
        ],
        "went_well": "The holding message went up within ten minutes.",
        "did_not_go_well": "Agents heard about the outage from customers first.",
        "root_cause_whys": [
            "Agents were not told because the briefing list was out of date.",
            "The list was out of date because nobody owned it.",
            "Nobody owned it because the process never named an owner.",
        ],
        "root_cause": "The briefing process had no owner.",
        "actions": [
            {"action": "Name an owner for the briefing list", "owner": "Operations manager",
             "due": "2026-04-01"},
        ],
        "lessons": "Frontline briefing is part of the response, not an extra.",
    },
    "kpi_analysis": {
        "period": "March 2026",
        "metrics": [
            {"name": "P1 incidents resolved within target", "value": 92.5, "target": 95,
             "unit": "%"},
            {"name": "Repeat incidents", "value": 14},
        ],
        "analysis": "P1 resolution missed target in the week of the booking outage.",
        "recommendations": ["Add a supplier escalation step for booking faults"],
    },
    "policy_contribution": {
        "document_title": "Major incident communication procedure",
        "your_role": "Reviewer",
        "contribution": "I tested the frontline briefing section on two incidents.",
        "version_or_date": "v2.1, April 2026",
        "outcome": "The briefing step now has a named owner and a 10-minute target.",
    },
    "knowledge_check": {
        "check_id": "escalation-thresholds",
        "score": 8,
        "max_score": 10,
        "taken_at": "2026-03-18T14:00:00+00:00",
        "reflection": "I confused functional and hierarchical routes; I revised them.",
    },
    "observation": {
        "observer_name": "Alex Example",
        "observer_role": "Assessor",
        "date": "2026-03-21",
        "activity": "Handling inbound incident calls",
        "observed": "The candidate logged each call as it happened and read back every address.",
        "criteria_seen": ["k503-0421:1.3", "k503-0421:1.5"],
    },
    "professional_discussion": {
        "date": "2026-03-25",
        "assessor_name": "Alex Example",
        "topics": ["Decision trees", "Escalation thresholds"],
        "summary": "We discussed how the gas decision tree sets the response.",
        "recording_reference": "PD-2026-03-25.m4a",
    },
    "notebook": {
        "notebook_path": "notebooks/decision_trees.ipynb",
        "title": "Gas escape decision tree",
        "cell_ids": ["tree-gas", "tree-result"],
        "summary": "I followed the gas tree to the best end and explained each step.",
    },
}  # fmt: skip

GIBBS = ("description", "feelings", "evaluation", "analysis", "conclusion", "action_plan")


def body(evidence_type: str, **changes: object) -> dict:
    """A good body of the type with some fields replaced (``None`` removes one)."""
    data = copy.deepcopy(GOOD[evidence_type])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


# --- the shipped templates ------------------------------------------------------------------


def test_all_thirteen_templates_load_in_order():
    templates = load_templates()
    assert tuple(templates) == EVIDENCE_TYPES
    assert len(EVIDENCE_TYPES) == 13
    for name, template in templates.items():
        assert template.type == name
        assert template.source == paths.templates_dir() / "evidence" / f"{name}.yaml"
        assert template.fields


def test_evidence_types_match_the_framework_schema():
    schema = (
        Path(evidence_types.__file__).parent / "schemas" / "framework.schema.json"
    ).read_text()
    listed = re.search(r'"items": \{"enum": \[(.*?)\]', schema, re.S).group(1)
    assert tuple(re.findall(r'"([a-z_]+)"', listed)) == EVIDENCE_TYPES


def test_reflection_follows_gibbs_six_stages_all_required():
    reflection = load_templates()["reflection"]
    ids = [f.id for f in reflection.fields]
    assert [i for i in ids if i in GIBBS] == list(GIBBS)
    assert all(reflection.field(stage).required for stage in GIBBS)
    assert all(reflection.field(stage).kind == "longtext" for stage in GIBBS)
    assert not reflection.field("incident_reference").required


def test_guidance_is_three_to_six_sentences_and_summary_one_line():
    for template in load_templates().values():
        sentences = re.findall(r"[.!?](?:\s|$)", template.guidance)
        assert 3 <= len(sentences) <= 6, template.type
        assert "\n" not in template.summary


def test_usual_criteria_accept_the_type():
    frameworks = load_frameworks()
    for template in load_templates().values():
        assert template.usual_criteria, template.type
        for ref in template.usual_criteria:
            fw_id, cid = ref.split(":")
            assert template.type in frameworks[fw_id].criterion(cid).evidence_types, ref


def test_incident_log_template_agrees_with_the_log_checks():
    template = load_templates()["incident_log"]
    assert template.required_fields == ("reference", "received_at", "description")
    assert set(template.field("caller").options) == set()
    options = {f.id: f.options for f in template.fields if f.options}
    assert options == {
        "channel": incident_log.CHANNELS,
        "impact": incident_log.LEVELS,
        "urgency": incident_log.LEVELS,
        "priority": incident_log.PRIORITIES,
        "status": incident_log.STATUSES,
    }
    for name, (_, required) in incident_log.RECORD_LISTS.items():
        if name in {f.id for f in template.fields}:
            subs = template.field(name).subfields
            assert tuple(s.id for s in subs if s.required) == required, name


def test_field_kinds_follow_the_brief():
    templates = load_templates()
    witness = templates["witness_testimony"]
    assert witness.field("witness_contact").advised
    assert witness.field("signature_statement").kind == "boolean"
    assert witness.field("signed_on").kind == "date"
    assert templates["colleague_support"].field("technique").options == (
        "active_listening", "structured_debrief", "coaching", "side_by_side", "time_out",
        "signposting_support", "other",
    )  # fmt: skip
    pir = templates["post_incident_review"]
    assert pir.field("root_cause_whys").min_items == 3
    assert [s.id for s in pir.field("actions").subfields] == ["action", "owner", "due"]
    assert {p.phrase for p in pir.discouraged_phrases} >= {
        "fault of", "to blame", "careless", "incompetent", "should have known",
    }  # fmt: skip


# --- checking bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("evidence_type", EVIDENCE_TYPES)
def test_a_good_body_has_no_problems_and_no_advice(evidence_type):
    assert check_body(evidence_type, GOOD[evidence_type]) == []
    assert advice(evidence_type, GOOD[evidence_type]) == []


@pytest.mark.parametrize(
    ("evidence_type", "data", "expected"),
    [
        ("reflection", body("reflection", feelings=None), "feelings: is required"),
        ("reflection", body("reflection", feelings="   "), "feelings: is required"),
        ("reflection", body("reflection", colour="red"), "colour: unknown field"),
        ("witness_testimony", body("witness_testimony", date_observed="14/03/2026"),
         "date_observed: '14/03/2026' is not an ISO date (write e.g. 2026-03-14)"),
        ("witness_testimony", body("witness_testimony", signed_on="2026-02-30"),
         "signed_on: '2026-02-30' is not an ISO date (write e.g. 2026-03-14)"),
        ("communication_record", body("communication_record", at="2026-03-14T09:15:00"),
         "at: '2026-03-14T09:15:00' has no time zone (write e.g. 2026-03-14T09:12:00+00:00)"),
        ("knowledge_check", body("knowledge_check", taken_at="last Tuesday"),
         "taken_at: 'last Tuesday' is not an ISO 8601 date and time"),
        ("witness_testimony", body("witness_testimony", witness_contact="12345"),
         "witness_contact: '12345' is neither a telephone number nor an email address"),
        ("communication_record", body("communication_record", channel="pigeon"),
         "channel: 'pigeon' is not one of: phone, radio, email, sms, chat, data_message, social, in_person"),
        ("colleague_support", body("colleague_support", technique=["coaching", "hugging"]),
         "technique[1]: 'hugging' is not one of: active_listening, structured_debrief, coaching, side_by_side, time_out, signposting_support, other"),
        ("colleague_support", body("colleague_support", technique=["coaching", "coaching"]),
         "technique[1]: 'coaching' is listed twice"),
        ("post_incident_review",
         body("post_incident_review", actions=[
             {"action": "Name an owner", "owner": "Ops manager", "due": "2026-04-01"},
             {"action": "Update the list", "due": "2026-04-08"}]),
         "actions[1].owner: is required"),
        ("post_incident_review",
         body("post_incident_review", timeline=[{"at": "2026-03-20T10:00:00Z", "event": "x",
                                                 "colour": "red"}]),
         "timeline[0].colour: unknown field"),
        ("post_incident_review", body("post_incident_review", root_cause_whys=["a", "b"]),
         "root_cause_whys: needs at least 3 items, not 2"),
        ("escalation_decision", body("escalation_decision", options_considered=["only one"]),
         "options_considered: needs at least 2 items, not 1"),
        ("reflection", body("reflection", description=5), "description: must be text, not a number"),
        ("communication_record", body("communication_record", read_back="yes"),
         "read_back: must be true or false, not text"),
        ("knowledge_check", body("knowledge_check", score="eight"),
         "score: must be a number, not text"),
        ("knowledge_check", body("knowledge_check", score=True),
         "score: must be a number, not true/false"),
        ("post_incident_review", body("post_incident_review", timeline="all day"),
         "timeline: must be a list, not text"),
        ("post_incident_review", body("post_incident_review", timeline=["10:00 alert"]),
         "timeline[0]: must be a mapping, not text"),
        ("escalation_decision", body("escalation_decision", options_considered=["wait", 3]),
         "options_considered[1]: must be text, not a number"),
        ("escalation_decision", body("escalation_decision", options_considered=["wait", " "]),
         "options_considered[1]: is blank"),
        ("escalation_decision", body("escalation_decision", escalated_to="Gas\nservice"),
         "escalated_to: must be one line"),
        ("escalation_decision", body("escalation_decision", route="sideways"),
         "route: 'sideways' is not one of: functional, hierarchical"),
        ("escalation_decision", body("escalation_decision", tree_id=None),
         "tree_path: needs tree_id (which decision tree the path is in)"),
        ("witness_testimony", body("witness_testimony", signature_statement=False),
         "signature_statement: must be true: the witness confirms the account before it counts as evidence"),
        ("witness_testimony", body("witness_testimony", signed_on="2026-03-13"),
         "signed_on: is before date_observed (2026-03-14)"),
        ("knowledge_check", body("knowledge_check", score=11), "score: is more than max_score (10)"),
        ("knowledge_check", body("knowledge_check", max_score=0), "max_score: must be more than 0"),
        ("post_incident_review",
         body("post_incident_review", timeline=[
             {"at": "2026-03-20T10:05:00+00:00", "event": "Declared"},
             {"at": "2026-03-20T10:00:00+00:00", "event": "Alert"}]),
         "timeline[1].at: is earlier than the entry before it"),
        ("incident_log", body("incident_log", location={"postcode": "LS66 ZZZ"}),
         "location.postcode: 'LS66 ZZZ' is not a UK postcode"),
        ("incident_log", body("incident_log", caller={"callback_number": "12345"}),
         "caller.callback_number: '12345' is not a valid telephone number"),
        ("incident_log", body("incident_log", received_at=None), "received_at: is required"),
        ("incident_log", body("incident_log", colour="red"), "colour: unknown field"),
    ],
)  # fmt: skip
def test_one_pinned_problem(evidence_type, data, expected):
    assert [str(p) for p in check_body(evidence_type, data)] == [expected]


def test_contact_accepts_a_uk_number_or_an_email():
    for contact in ("0113 496 0871", "+44 113 496 0871", "sam@example.org"):
        assert (
            check_body("witness_testimony", body("witness_testimony", witness_contact=contact))
            == []
        )


def test_unknown_types_are_problems_with_the_kind():
    problems = check_body("reflection", body("reflection", colour="red"))
    assert [p.kind for p in problems] == ["unknown"]


def test_unknown_evidence_type_is_one_problem_on_type():
    assert [str(p) for p in check_body("selfie", {"x": 1})] == [
        "type: 'selfie' is not an evidence type (expected one of: incident_log, "
        "escalation_decision, communication_record, reflection, witness_testimony, "
        "colleague_support, post_incident_review, kpi_analysis, policy_contribution, "
        "knowledge_check, observation, professional_discussion, notebook)"
    ]
    assert [p.field for p in check_body(None, {})] == ["type"]


def test_a_body_that_is_not_a_mapping():
    assert [str(p) for p in check_body("reflection", ["I felt fine"])] == [
        "(body): must be a mapping of fields, not a list"
    ]


def test_incident_log_runs_check_log_and_the_required_fields():
    data = body("incident_log", reference=None, location={"postcode": "LS66 ZZZ"})
    problems = [str(p) for p in check_body("incident_log", data)]
    assert problems == [
        "reference: is required",
        "location.postcode: 'LS66 ZZZ' is not a UK postcode",
    ]
    assert check_body("incident_log", data)[1:] == incident_log.check_log(data)


def test_a_shipped_model_log_is_a_good_incident_log_body():
    from incidentfolio.scenarios import load_scenarios

    log = load_scenarios()["gas-smell-flat"].model_log
    assert check_body("incident_log", log) == []


@pytest.mark.parametrize("evidence_type", EVIDENCE_TYPES)
def test_empty_body_lists_every_field_and_misses_only_required_ones(evidence_type):
    template = load_templates()[evidence_type]
    skeleton = empty_body(evidence_type)
    assert list(skeleton) == [f.id for f in template.fields]
    problems = check_body(evidence_type, skeleton)
    assert [str(p) for p in problems] == [f"{f}: is required" for f in template.required_fields]
    assert body_text(evidence_type, skeleton) == ""


def test_empty_body_of_an_unknown_type_is_an_error():
    from incidentfolio.errors import IncidentfolioError

    with pytest.raises(IncidentfolioError, match="unknown evidence type 'selfie'"):
        empty_body("selfie")


# --- advice ---------------------------------------------------------------------------------


def test_advice_finds_blame_wording_in_a_review():
    data = body("post_incident_review", did_not_go_well="It was the fault of the new starter.")
    data["actions"].append(
        {"action": "Agents to Be  More Careful", "owner": "Team", "due": "2026-04-01"}
    )
    found = advice("post_incident_review", data)
    assert [(p.field, p.kind) for p in found] == [
        ("did_not_go_well", "advice"),
        ("actions[1].action", "advice"),
    ]
    assert str(found[0]) == (
        "did_not_go_well: contains 'fault of': describe the conditions and systems that "
        "allowed it to happen, not a person's fault."
    )
    assert check_body("post_incident_review", data) == []  # advice is not a problem


def test_advice_matches_whole_words_only():
    data = body("post_incident_review", summary="A default of 30 seconds applied.")
    assert advice("post_incident_review", data) == []


def test_advice_mentions_an_advised_field_left_empty():
    found = advice("witness_testimony", body("witness_testimony", witness_contact=None))
    assert [str(p) for p in found] == [
        "witness_contact: is empty; it is advised. An assessor or quality assurer may get in "
        "touch to confirm the account."
    ]


def test_advice_for_an_unknown_type_or_shape_is_empty():
    assert advice("selfie", {"summary": "fault of"}) == []
    assert advice("post_incident_review", "fault of") == []


# --- plain text -----------------------------------------------------------------------------


def test_body_text_labels_every_field_in_template_order():
    text = body_text("post_incident_review", GOOD["post_incident_review"])
    assert text.splitlines()[:8] == [
        "Incident reference: INC-20260320-0007",
        "Summary and impact: The booking system was down for 40 minutes; 300 customers could not book.",
        "Timeline:",
        "  1.",
        "    At: 2026-03-20T10:00:00+00:00",
        "    Event: Monitoring alert: booking errors",
        "  2.",
        "    At: 2026-03-20T10:05:00+00:00",
    ]
    assert "  - The list was out of date because nobody owned it." in text.splitlines()


def test_body_text_reads_options_and_booleans_as_words():
    text = body_text("colleague_support", GOOD["colleague_support"]).splitlines()
    assert text[1:4] == ["Technique:", "  - time out", "  - structured debrief"]
    record = body_text("communication_record", GOOD["communication_record"]).splitlines()
    assert "Read back: yes" in record
    assert "Channel: phone" in record


def test_body_text_of_an_incident_log_keeps_the_other_log_fields():
    data = body("incident_log", hazards=["young child present"], notes="Callback at 10:00.")
    text = body_text("incident_log", data).splitlines()
    assert text[-3:] == ["Hazards:", "  - young child present", "Notes: Callback at 10:00."]
    assert "Caller:" in text
    assert "  Callback number: 0113 496 0871" in text


def test_body_text_keeps_multi_line_text_indented():
    data = body("reflection", analysis="First line.\nSecond line.")
    assert "Analysis:\n  First line.\n  Second line." in body_text("reflection", data)


# --- nothing raises -------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    sorted(
        {f.id for t in load_templates().values() for f in t.fields}
        | {s.id for t in load_templates().values() for f in t.fields for s in f.subfields}
    )
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([*EVIDENCE_TYPES, "selfie"]),
    st.one_of(JSON, st.dictionaries(FIELD_NAMES, JSON, max_size=10)),
)
def test_nothing_raises_on_arbitrary_json(evidence_type, data):
    problems = check_body(evidence_type, data)
    assert all(isinstance(p, incident_log.Problem) and p.field for p in problems)
    assert all("\n" not in str(p) for p in problems)
    assert all(p.kind == "advice" for p in advice(evidence_type, data))
    assert isinstance(body_text(evidence_type, data), str)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EVIDENCE_TYPES), st.data())
def test_nothing_raises_when_good_fields_are_replaced(evidence_type, data):
    good = copy.deepcopy(GOOD[evidence_type])
    keys = data.draw(st.lists(st.sampled_from(sorted(good)), max_size=3))
    for key in keys:
        good[key] = data.draw(JSON)
    check_body(evidence_type, good)
    advice(evidence_type, good)
    body_text(evidence_type, good)


def test_deep_nesting_does_not_raise():
    deep: object = "fault of"
    for _ in range(5000):
        deep = {"x": deep}
    assert [str(p) for p in check_body("escalation_decision", {"route": deep})] == [
        "(body): is nested more than 40 levels deep"
    ]
    for evidence_type in ("reflection", "incident_log", "post_incident_review"):
        check_body(evidence_type, {"summary": deep, "description": deep, "channel": deep})
        advice(evidence_type, {"summary": deep})
        body_text(evidence_type, {"summary": deep})


# --- broken template files ------------------------------------------------------------------

EVIDENCE = paths.templates_dir() / "evidence"


def _set(path: str, value: object):
    """A mutation setting ``fields[2].options``-style ``path`` to ``value`` in the data."""

    def mutate(data: dict) -> None:
        *parents, last = re.findall(r"[a-z_]+|\d+", path)
        target = data
        for part in parents:
            target = target[int(part) if part.isdigit() else part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str):
    def mutate(data: dict) -> None:
        *parents, last = re.findall(r"[a-z_]+|\d+", path)
        target = data
        for part in parents:
            target = target[int(part) if part.isdigit() else part]
        del target[int(last) if last.isdigit() else last]

    return mutate


BROKEN = {
    "wrong-type": ("reflection", _set("type", "notebook"),
                   "type: notebook does not match the file name reflection.yaml (name it notebook.*)"),
    "duplicate-field": ("reflection", _set("fields.2.id", "description"),
                        "fields[2].id: duplicate field id description"),
    "choice-without-options": ("colleague_support", _drop("fields.1.options"),
                               "fields[1]: a choices field needs options"),
    "options-on-text": ("reflection", _set("fields.1.options", ["a"]),
                        "fields[1].options: only choice and choices fields take options, not longtext"),
    "records-without-subfields": ("post_incident_review", _drop("fields.2.subfields"),
                                  "fields[2]: a records field needs subfields"),
    "nested-records": ("post_incident_review", _set("fields.2.subfields.1.kind", "records"),
                       "fields[2].subfields[1].kind: a field inside records or a group cannot be records or a group"),
    "min-items-on-text": ("reflection", _set("fields.1.min_items", 2),
                          "fields[1].min_items: only list, choices and records fields take min_items, not longtext"),
    "unknown-kind": ("reflection", _set("fields.1.kind", "essay"),
                     "fields[1].kind: 'essay' is not one of: text, longtext, date, datetime, choice, choices, list, records, group, boolean, phone, email, contact, number"),
    "missing-label": ("reflection", _drop("fields.1.label"),
                      "fields[1]: missing required field: label"),
    "two-line-summary": ("reflection", _set("summary", "One.\nTwo."), "summary: must be one line"),
    "unknown-criterion": ("reflection", _set("usual_criteria.0", "k503-0421:9.9"),
                          "usual_criteria[0]: framework k503-0421 has no criterion 9.9"),
    "unknown-framework": ("reflection", _set("usual_criteria.0", "nope:1.1"),
                          "usual_criteria[0]: unknown framework nope"),
    "criterion-refuses-type": ("reflection", _set("usual_criteria.0", "k503-0421:2.3"),
                               "usual_criteria[0]: k503-0421:2.3 does not accept reflection evidence"),
    "not-a-log-field": ("incident_log", _set("fields.0.id", "colour"),
                        "fields[0].id: colour is not an incident log field"),
    "required-and-advised": ("witness_testimony", _set("fields.3.required", True),
                             "fields[3].advised: a required field cannot also be advised"),
    "duplicate-phrase": ("post_incident_review", _set("discouraged_phrases.1.phrase", "Fault  of"),
                         "discouraged_phrases[1].phrase: duplicate 'Fault of'"),
}  # fmt: skip


def _variant(tmp_path: Path, case: str) -> Path:
    evidence_type, mutate, _ = BROKEN[case]
    folder = tmp_path / case
    folder.mkdir()
    return write_variant(
        EVIDENCE / f"{evidence_type}.yaml", folder / f"{evidence_type}.yaml", mutate
    )


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_template_gives_one_pinned_line(tmp_path, case):
    path = _variant(tmp_path, case)
    expect_content_error(load_template, path, BROKEN[case][2])


def test_validate_reports_each_broken_template_as_path_location_message(tmp_path):
    files = [_variant(tmp_path, case) for case in sorted(BROKEN)]
    result = cli("validate", *map(str, files))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{path}: {BROKEN[case][2]}" for case, path in zip(sorted(BROKEN), files, strict=True)
    ]


def test_validate_accepts_the_shipped_templates():
    result = cli("validate", str(EVIDENCE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "checked 13 files: no problems"


def test_template_from_data_needs_schema_version(tmp_path):
    from incidentfolio.errors import ContentError

    with pytest.raises(ContentError, match="schema_version: missing"):
        template_from_data({"fields": []}, tmp_path / "reflection.yaml")


# --- every field kind, through a synthetic template -----------------------------------------

ALL_KINDS = {
    "schema_version": 1,
    "type": "notebook",
    "title": "All kinds",
    "summary": "Every field kind.",
    "guidance": "One. Two. Three.",
    "usual_criteria": [],
    "fields": [
        {"id": f"a_{kind}", "label": kind, "prompt": kind, "kind": kind, "required": False,
         **({"options": ["x", "y"]} if kind in ("choice", "choices") else {}),
         **({"subfields": [{"id": "n", "label": "n", "prompt": "n", "kind": "number",
                            "required": True}]} if kind in ("records", "group") else {})}
        for kind in evidence_types.FIELD_KINDS
    ],
}  # fmt: skip


@pytest.fixture
def all_kinds(monkeypatch, tmp_path):
    template = template_from_data(ALL_KINDS, tmp_path / "notebook.yaml")
    monkeypatch.setattr(evidence_types, "load_templates", lambda: {"notebook": template})
    return template


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("text", "fine", None),
        ("text", "x" * 1001, "must not be longer than 1000 characters"),
        ("longtext", "a\nb", None),
        ("date", "2026-03-14", None),
        ("date", "20260314", "'20260314' is not an ISO date (write e.g. 2026-03-14)"),
        ("datetime", "2026-03-14T09:12:00Z", None),
        ("choice", "y", None),
        ("choices", ["x", "y"], None),
        ("choices", "x", "must be a list, not text"),
        ("list", ["a"], None),
        ("records", [{"n": 1}], None),
        ("records", [{}], "is required"),
        ("group", {"n": 2.5}, None),
        ("group", [1], "must be a mapping, not a list"),
        ("group", {"n": "two"}, "must be a number, not text"),
        ("boolean", False, None),
        ("phone", "0113 496 0871", None),
        ("phone", "0113 496", "'0113 496' is not a valid telephone number"),
        ("phone", 1134960871, "must be text, not a number"),
        ("email", "a@example.org", None),
        ("email", "a@example", "'a@example' is not an email address"),
        ("contact", "a@example.org", None),
        ("number", 3, None),
        ("number", float("nan"), "must be a finite number"),
        ("number", float("inf"), "must be a finite number"),
    ],
)
def test_each_field_kind(all_kinds, kind, value, expected):
    problems = check_body("notebook", {f"a_{kind}": value})
    assert [p.message for p in problems] == ([expected] if expected else [])


def test_group_and_record_paths(all_kinds):
    problems = check_body("notebook", {"a_group": {"n": "x", "m": 1}, "a_records": [{"n": 1}, {}]})
    assert [str(p) for p in problems] == [
        "a_records[1].n: is required",
        "a_group.n: must be a number, not text",
        "a_group.m: unknown field",
    ]
