"""Knowledge checks: the shipped question bank (topics, coverage of learning outcomes and
misconceptions), how broken bank files are reported (one pinned line each), marking of every
kind of question, and the knowledge_check evidence a marked check becomes."""

from __future__ import annotations

import copy
import json
import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import REPO, SEEDS, cli, skip_outside_ci

from incidentfolio.errors import ContentError, IncidentfolioError
from incidentfolio.evidence_types import check_body
from incidentfolio.frameworks import load_frameworks
from incidentfolio.misconceptions import load_catalogue
from incidentfolio.questions import (
    TOPICS,
    Mark,
    Question,
    QuizResult,
    correct_response,
    describe_response,
    knowledge_check_body,
    load_questions,
    mark,
    mark_quiz,
    questions_for,
    questions_from_data,
    suggested_criteria,
    topic_titles,
)

BANK = load_questions()
QUESTIONS = list(BANK.values())
CATALOGUE = load_catalogue()
FRAMEWORKS = load_frameworks()
TAKEN_AT = "2026-03-18T14:00:00+00:00"

# The misconceptions the issue names as knowledge points; each must be reachable from a question.
REQUIRED_MISCONCEPTIONS = {
    "m-script-only",
    "m-speed-over-quality",
    "m-product-knowledge",
    "m-incident-vs-request",
    "m-incident-confused-with-request",
    "m-escalation-timing",
    "m-severity-misclassified",
    "m-same-urgency-for-all",
    "m-one-size-fits-all",
    "m-no-read-back",
    "m-single-channel",
    "m-emotional-not-practical-support",
    "m-pir-actions-not-followed-up",
    "m-stakeholders-not-updated",
    "m-no-follow-up",
    "m-miscategorised",
}
MIN_PER_LO = {"k503-0421": 10, "principles-l2l3": 10, "escalated-l3": 5, "incident-systems-l45": 5}


# --- the shipped bank ---------------------------------------------------------------------


def test_one_file_per_topic_with_exactly_the_nine_topics():
    assert tuple(topic_titles()) == TOPICS
    assert len(TOPICS) == 9
    files = sorted(p.stem for p in (REPO / "portfolio_templates" / "questions").glob("*.yaml"))
    assert files == sorted(TOPICS)
    for topic in TOPICS:
        assert len(questions_for(topic=topic)) >= 10, topic
    assert {q.topic for q in QUESTIONS} == set(TOPICS)


def test_every_kind_of_question_is_used():
    assert {q.kind for q in QUESTIONS} == {
        "single",
        "multiple",
        "ordering",
        "classification",
        "numeric",
    }


@pytest.mark.parametrize(
    ("framework", "lo"),
    [(fw_id, lo.id) for fw_id, fw in FRAMEWORKS.items() for lo in fw.learning_outcomes],
)
def test_enough_questions_for_each_learning_outcome(framework, lo):
    found = questions_for(framework=framework, lo=lo)
    assert len(found) >= MIN_PER_LO[framework], f"{framework}:{lo} has {len(found)}"
    # Knowledge outcomes count through the criteria the questions evidence, too.
    via_criteria = [
        q
        for q in QUESTIONS
        for ref in q.criteria
        if ref.startswith(f"{framework}:")
        and FRAMEWORKS[framework].criterion(ref.split(":")[1]).lo == lo
    ]
    assert {q.id for q in via_criteria} <= {q.id for q in found}


def test_questions_evidence_only_knowledge_criteria_and_list_their_outcomes():
    for q in QUESTIONS:
        assert q.criteria and q.los, q.id
        for ref in q.criteria:
            fw_id, cid = ref.split(":")
            criterion = FRAMEWORKS[fw_id].criterion(cid)
            assert criterion.kind == "knowledge", (q.id, ref)
            assert "knowledge_check" in criterion.evidence_types, (q.id, ref)
            assert f"{fw_id}:{criterion.lo}" in q.los, (q.id, ref)


def test_every_knowledge_criterion_has_a_question():
    knowledge = {
        f"{fw.id}:{c.id}"
        for fw in FRAMEWORKS.values()
        for c in fw.criteria
        if c.kind == "knowledge"
    }
    assert set(suggested_criteria(QUESTIONS)) == knowledge


def test_kpi_and_erlang_questions_use_the_course_formulas():
    kpi = {q.id: q for q in questions_for(topic="kpis") if q.kind == "numeric"}
    assert kpi["kpi-01"].answer == pytest.approx((360 + 40 + 80) * 60 / 120)  # AHT, seconds
    assert kpi["kpi-02"].answer == pytest.approx(720 / 1000 * 100)  # FCR, %
    assert kpi["kpi-03"].answer == pytest.approx(765 / 1000 * 100)  # service level, %
    assert kpi["kpi-04"].answer == pytest.approx(100 * 180 / (30 * 60))  # A = 10 Erlangs
    assert kpi["kpi-05"].answer == pytest.approx(360 * 240 / (30 * 60))  # A = 48 Erlangs
    assert kpi["kpi-06"].answer == math.ceil(14 / (1 - 0.30))  # scheduled with shrinkage
    assert kpi["kpi-07"].answer == pytest.approx(10 / 14 * 100, abs=kpi["kpi-07"].tolerance)
    assert kpi["kpi-08"].answer == pytest.approx(110 / 200 * 100 - 40 / 200 * 100)  # NPS


def test_the_listed_misconceptions_and_every_catalogue_misconception_are_reached():
    reached = {m for q in QUESTIONS for m in q.misconceptions()}
    assert REQUIRED_MISCONCEPTIONS - reached == set()
    misconceptions = {e.id for e in CATALOGUE.values() if e.kind == "misconception"}
    assert misconceptions - reached == set()
    assert reached <= misconceptions  # never a marking point


def test_catalogue_reaches_and_question_misconceptions_agree():
    listed = {
        (r.target, e.id)
        for e in CATALOGUE.values()
        for r in e.reaches
        if r.kind == "knowledge_check"
    }
    used = {(q.id, m) for q in QUESTIONS for m in q.misconceptions()}
    assert used == listed


def test_every_wrong_answer_has_feedback_and_the_right_answer_scores_full_marks():
    for q in QUESTIONS:
        for option in q.options:
            assert option.feedback.strip(), (q.id, option.id)
        for item in q.items if q.kind == "classification" else ():
            assert item.feedback.strip(), (q.id, item.id)
        if q.kind in ("ordering", "numeric"):
            assert q.feedback.strip(), q.id
        result = mark(q, correct_response(q))
        assert (result.correct, result.score) == (True, 1.0), q.id
        for option in q.options:
            if not option.correct:
                wrong = mark(q, option.id if q.kind == "single" else [option.id])
                assert not wrong.correct and wrong.score < 1, (q.id, option.id)
                assert option.feedback in wrong.feedback


def test_question_text_is_not_copied_from_the_sources():
    if not SEEDS.is_dir():
        skip_outside_ci("the source documents (../shared/seeds) are not beside this clone")
    source = " ".join(" ".join(p.read_text().lower().split()) for p in SEEDS.glob("*.txt"))
    texts = [q.prompt for q in QUESTIONS] + [o.text for q in QUESTIONS for o in q.options]
    texts += [o.feedback for q in QUESTIONS for o in q.options]
    for text in texts:
        words = text.lower().rstrip(".").split()
        shingles = {" ".join(words[i : i + 8]) for i in range(max(0, len(words) - 7))}
        assert not any(s in source for s in shingles), text


def test_questions_for_filters_by_topic_framework_and_outcome():
    assert [q.id for q in questions_for()] == list(BANK)
    assert all(q.topic == "law" for q in questions_for(topic="law"))
    k503 = questions_for(framework="k503-0421")
    assert all(any(r.startswith("k503-0421:") for r in (*q.criteria, *q.los)) for q in k503)
    lo1 = questions_for(lo="k503-0421:LO1")
    assert lo1 == questions_for(framework="k503-0421", lo="LO1")
    assert all("k503-0421:LO1" in q.los for q in lo1)
    assert set(questions_for(lo="LO5")) == set(
        questions_for(lo="escalated-l3:LO5") + questions_for(lo="incident-systems-l45:LO5")
    )
    both = questions_for(topic="kpis", lo="incident-systems-l45:LO3")
    assert both and all(q.topic == "kpis" for q in both)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"topic": "loging"}, "unknown topic 'loging' (expected one of: incidents, logging,"),
        ({"framework": "nope"}, "unknown framework 'nope' (expected one of:"),
        ({"lo": "nope:LO1"}, "unknown framework 'nope' in 'nope:LO1'"),
        ({"lo": "LO9"}, "no framework has a learning outcome 'LO9'"),
        (
            {"framework": "k503-0421", "lo": "escalated-l3:LO1"},
            "learning outcome escalated-l3:LO1 is not in framework k503-0421",
        ),
    ],
)
def test_questions_for_refuses_unknown_names(kwargs, message):
    with pytest.raises(IncidentfolioError) as info:
        questions_for(**kwargs)
    assert str(info.value).startswith(message)


# --- broken banks ---------------------------------------------------------------------------


def small_bank() -> dict:
    """A valid bank with one question of each kind (the file must be named incidents.*)."""
    return {
        "schema_version": 1,
        "topic": "incidents",
        "title": "Test bank",
        "questions": [
            {
                "id": "q-single",
                "kind": "single",
                "criteria": ["k503-0421:3.5"],
                "los": ["k503-0421:LO3", "k503-0421:LO1"],
                "prompt": "Which is a threshold for escalation?",
                "options": [
                    {"id": "a", "text": "A risk to life", "correct": True, "feedback": "Yes."},
                    {
                        "id": "b",
                        "text": "A caller asking twice",
                        "correct": False,
                        "feedback": "Too soon.",
                        "misconception": "m-escalation-timing",
                    },
                ],
            },
            {
                "id": "q-multiple",
                "kind": "multiple",
                "criteria": ["principles-l2l3:3.2"],
                "los": ["principles-l2l3:LO3"],
                "prompt": "Which are incidents?",
                "options": [
                    {"id": "a", "text": "Gas smell", "correct": True, "feedback": "Risk to life."},
                    {"id": "b", "text": "App down", "correct": True, "feedback": "Service lost."},
                    {"id": "c", "text": "Alarm, no reply", "correct": True, "feedback": "Welfare."},
                    {
                        "id": "d",
                        "text": "Change address",
                        "correct": False,
                        "feedback": "A request.",
                        "misconception": "m-incident-vs-request",
                    },
                    {"id": "e", "text": "Opening times", "correct": False, "feedback": "Enquiry."},
                ],
            },
            {
                "id": "q-order",
                "kind": "ordering",
                "criteria": ["escalated-l3:5.1"],
                "los": ["escalated-l3:LO5"],
                "prompt": "Order the stages.",
                "items": [
                    {"id": "log", "text": "Log"},
                    {"id": "prioritise", "text": "Prioritise"},
                    {"id": "close", "text": "Close"},
                ],
                "answer": ["log", "prioritise", "close"],
                "feedback": "Log, prioritise, close.",
                "misconception": "m-no-follow-up",
            },
            {
                "id": "q-sort",
                "kind": "classification",
                "criteria": ["principles-l2l3:3.2"],
                "los": ["principles-l2l3:LO3"],
                "prompt": "Sort the contacts.",
                "categories": ["incident", "service request"],
                "items": [
                    {
                        "id": "gas",
                        "text": "Gas smell",
                        "answer": "incident",
                        "feedback": "A risk to life.",
                        "misconception": "m-incident-vs-request",
                    },
                    {
                        "id": "bill",
                        "text": "A bill copy",
                        "answer": "service request",
                        "feedback": "Standard.",
                    },
                    {"id": "app", "text": "App down", "answer": "incident", "feedback": "Outage."},
                    {
                        "id": "pin",
                        "text": "PIN reminder",
                        "answer": "service request",
                        "feedback": "Standard.",
                    },
                ],
            },
            {
                "id": "q-number",
                "kind": "numeric",
                "criteria": ["k503-0421:3.4"],
                "los": ["k503-0421:LO3"],
                "prompt": "100 calls in 30 minutes at 180 s AHT: how many Erlangs?",
                "answer": 10,
                "tolerance": 0.5,
                "unit": "Erlangs",
                "feedback": "100 × 180 ÷ 1800 = 10.",
                "hint": "Use the same time unit.",
                "misconception": "m-speed-over-quality",
                "common_errors": [
                    {
                        "answer": 600,
                        "feedback": "Minutes and seconds mixed.",
                        "misconception": "m-miscategorised",
                    }
                ],
            },
        ],
    }


def _set(path: str, value):
    """A mutation that sets ``a.0.b`` (list indexes as numbers) to ``value``."""

    def mutate(data):
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str):
    def mutate(data):
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[int(last) if last.isdigit() else last]

    return mutate


def _duplicate_question(data):
    data["questions"].append(copy.deepcopy(data["questions"][0]))


BROKEN = {
    "schema-version": (_set("schema_version", 2),
                       "schema_version: unsupported schema_version 2 (this version reads 1)"),
    "missing-prompt": (_drop("questions.0.prompt"), "questions[0]: missing required field: prompt"),
    "unknown-kind": (_set("questions.0.kind", "essay"),
                     "questions[0].kind: 'essay' is not one of: single, multiple, ordering, classification, numeric"),
    "unknown-field": (_set("questions.0.difficulty", 3), "questions[0]: unknown field: difficulty"),
    "topic-vs-file": (_set("topic", "logging"), "topic: logging does not match the file name incidents"),
    "duplicate-question": (_duplicate_question, "questions[5].id: duplicate question id q-single"),
    "unknown-criterion": (_set("questions.0.criteria", ["k503-0421:9.9"]),
                          "questions[0].criteria[0]: framework k503-0421 has no criterion 9.9"),
    "unknown-framework": (_set("questions.0.criteria", ["nope:1.1"]),
                          "questions[0].criteria[0]: unknown framework nope"),
    "performance-criterion": (_set("questions.0.criteria", ["k503-0421:3.5", "k503-0421:1.7"]),
                              "questions[0].criteria[1]: k503-0421:1.7 is a performance criterion "
                              "(questions evidence knowledge criteria only)"),
    "unknown-lo": (_set("questions.0.los", ["k503-0421:LO3", "k503-0421:LO9"]),
                   "questions[0].los[1]: framework k503-0421 has no learning outcome LO9"),
    "lo-framework": (_set("questions.0.los", ["k503-0421:LO3", "nope:LO1"]),
                     "questions[0].los[1]: unknown framework nope"),
    "criterion-lo-not-listed": (_set("questions.0.los", ["k503-0421:LO1"]),
                                "questions[0].los: must list k503-0421:LO3, the learning outcome of k503-0421:3.5"),
    "kind-needs-field": (_drop("questions.4.tolerance"), "questions[4]: a numeric question needs tolerance"),
    "field-not-for-kind": (lambda d: d["questions"][4].update(options=d["questions"][0]["options"]),
                           "questions[4].options: is not used by a numeric question"),
    "single-two-correct": (_set("questions.0.options.1.correct", True),
                           "questions[0].options: a single question needs exactly one correct option, not 2"),
    "single-none-correct": (_set("questions.0.options.0.correct", False),
                            "questions[0].options: a single question needs exactly one correct option, not 0"),
    "multiple-none-correct": (
        lambda d: [o.update(correct=False) for o in d["questions"][1]["options"]],
        "questions[1].options: a multiple question needs a correct option"),
    "duplicate-option": (_set("questions.1.options.1.id", "a"), "questions[1].options[1].id: duplicate id a"),
    "correct-with-misconception": (_set("questions.0.options.0.misconception", "m-escalation-timing"),
                                   "questions[0].options[0].misconception: a correct option cannot reveal a misconception"),
    "unknown-misconception": (_set("questions.0.options.1.misconception", "m-nope"),
                              "questions[0].options[1].misconception: unknown misconception m-nope"),
    "marking-point": (_set("questions.0.options.1.misconception", "mp-data-protection"),
                      "questions[0].options[1].misconception: mp-data-protection is a marking point, not a misconception"),
    "ordering-not-permutation": (_set("questions.2.answer", ["log", "log", "close"]),
                                 "questions[2].answer: must list every item id exactly once (log, prioritise, close)"),
    "ordering-missing-item": (_set("questions.2.answer", ["log", "close"]),
                              "questions[2].answer: must list every item id exactly once (log, prioritise, close)"),
    "ordering-number-answer": (_set("questions.2.answer", 3),
                               "questions[2].answer: must list every item id exactly once (log, prioritise, close)"),
    "ordering-item-answer": (_set("questions.2.items.0.answer", "incident"),
                             "questions[2].items[0].answer: is not used by the items of an ordering question"),
    "duplicate-item": (_set("questions.2.items.1.id", "log"), "questions[2].items[1].id: duplicate id log"),
    "category-unknown": (_set("questions.3.items.1.answer", "complaint"),
                         "questions[3].items[1].answer: 'complaint' is not one of the categories: incident, service request"),
    "item-needs-feedback": (_drop("questions.3.items.1.feedback"),
                            "questions[3].items[1]: a classification item needs feedback"),
    "item-misconception": (_set("questions.3.items.1.misconception", "m-nope"),
                           "questions[3].items[1].misconception: unknown misconception m-nope"),
    "numeric-list-answer": (_set("questions.4.answer", ["10"]),
                            "questions[4].answer: must be a number for a numeric question"),
    "negative-tolerance": (_set("questions.4.tolerance", -1),
                           "questions[4].tolerance: must be bigger than or equal to 0"),
    "error-within-tolerance": (_set("questions.4.common_errors.0.answer", 10.25),
                               "questions[4].common_errors[0].answer: 10.25 is within the tolerance of the answer"),
    "error-misconception": (_set("questions.4.common_errors.0.misconception", "mp-real-time-log"),
                            "questions[4].common_errors[0].misconception: mp-real-time-log is a marking point, not a misconception"),
    "question-misconception": (_set("questions.4.misconception", "m-nope"),
                               "questions[4].misconception: unknown misconception m-nope"),
}  # fmt: skip


def _write(tmp_path, data, name="incidents.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_small_bank_is_valid(tmp_path):
    path = _write(tmp_path, small_bank())
    questions = questions_from_data(yaml.safe_load(path.read_text()), path)
    assert [q.kind for q in questions] == [
        "single",
        "multiple",
        "ordering",
        "classification",
        "numeric",
    ]
    assert cli("validate", str(path)).returncode == 0


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_bank_gives_its_one_line(tmp_path, case):
    mutate, expected = BROKEN[case]
    data = small_bank()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(ContentError) as info:
        questions_from_data(yaml.safe_load(path.read_text()), path)
    assert str(info.value) == f"{path}: {expected}"


def test_validate_reports_a_broken_bank_on_one_line(tmp_path):
    data = small_bank()
    data["questions"][0]["criteria"] = ["k503-0421:1.7"]
    data["questions"][0]["los"] = ["k503-0421:LO1"]
    path = _write(tmp_path, data)
    result = cli("validate", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}: questions[0].criteria[0]: k503-0421:1.7 is a performance criterion "
        "(questions evidence knowledge criteria only)"
    ]


def test_a_question_id_in_two_files_is_a_content_error(tmp_path, monkeypatch):
    from incidentfolio import questions

    first = _write(tmp_path, small_bank())
    other = small_bank()
    other["topic"] = "logging"
    second = _write(tmp_path, other, "logging.yaml")
    monkeypatch.setattr(questions, "question_files", lambda: [first, second])
    questions._bank.cache_clear()
    try:
        with pytest.raises(ContentError) as info:
            questions.load_questions()
    finally:
        monkeypatch.undo()
        questions._bank.cache_clear()
    assert str(info.value) == (
        f"{second}: questions[0].id: question id q-single is also used in incidents.yaml"
    )


# --- marking --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Question]:
    path = _write(tmp_path_factory.mktemp("bank"), small_bank())
    return {q.kind: q for q in questions_from_data(yaml.safe_load(path.read_text()), path)}


def test_single_choice(small):
    q = small["single"]
    assert mark(q, "a") == Mark("q-single", True, 1.0, "Yes.", ())
    assert mark(q, " a ") == Mark("q-single", True, 1.0, "Yes.", ())
    assert mark(q, ["a"]).correct  # a one-item list from a multi-select widget
    assert mark(q, "b") == Mark("q-single", False, 0.0, "Too soon.", ("m-escalation-timing",))
    assert mark(q, "z") == Mark("q-single", False, 0.0, "'z' is not one of the options.", ())
    assert mark(q, None) == Mark("q-single", False, 0.0, "No answer was given.", ())
    assert mark(q, ["a", "b"]).score == 0


def test_multiple_choice_partial_credit(small):
    q = small["multiple"]
    assert mark(q, ["a", "b", "c"]) == Mark(
        "q-multiple", True, 1.0, "Risk to life. Service lost. Welfare.", ()
    )
    assert mark(q, ["c", "b", "a", "a"]).correct  # order and repeats do not matter
    two = mark(q, ["a", "b"])
    assert (two.correct, two.score) == (False, pytest.approx(2 / 3))
    assert (
        two.feedback == "2 of your choices are right and 0 are wrong. You missed 1 correct answer."
    )
    one = mark(q, ["a", "b", "d"])
    assert one.score == pytest.approx(1 / 3)
    assert one.misconceptions == ("m-incident-vs-request",)
    assert "\u201cChange address\u201d: A request." in one.feedback
    assert mark(q, ["a", "d", "e"]).score == 0  # 1 right - 2 wrong, floored at 0
    assert mark(q, ["a", "b", "c", "d", "e"]).score == pytest.approx(1 / 3)
    assert mark(q, "a").score == pytest.approx(1 / 3)  # one id on its own
    assert mark(q, []).feedback == "No answer was given."
    assert mark(q, ["zz"]).feedback == "None of those are options."
    assert mark(q, 7).feedback == "7 is not a list of options."


def test_ordering_is_all_or_nothing_and_names_the_first_misplaced_item(small):
    q = small["ordering"]
    assert mark(q, ["log", "prioritise", "close"]) == Mark(
        "q-order", True, 1.0, "Log, prioritise, close.", ()
    )
    swapped = mark(q, ["log", "close", "prioritise"])
    assert (swapped.correct, swapped.score) == (False, 0.0)
    assert swapped.feedback == (
        "The first item out of place is \u201cClose\u201d (position 2). Log, prioritise, close."
    )
    assert swapped.misconceptions == ("m-no-follow-up",)
    short = mark(q, ["log", "prioritise"])
    assert short.feedback.startswith(
        "Position 3 is empty: place every item exactly once. Use each item exactly once."
    )
    assert mark(q, ["log", "log", "close"]).feedback.startswith(
        "The first item out of place is \u201cLog\u201d (position 2). Use each item exactly once."
    )
    assert mark(q, ["log", "zz", "close"]).feedback.startswith(
        "Position 2 holds 'zz', which is not one of the items."
    )
    assert mark(q, ["log", "prioritise", "close", "log"]).feedback.startswith(
        "The first item out of place is \u201cLog\u201d (position 4)."
    )
    assert mark(q, "log").score == 0
    assert mark(q, None).feedback == "No answer was given."


def test_classification_scores_the_fraction_right(small):
    q = small["classification"]
    right = {
        "gas": "incident",
        "bill": "service request",
        "app": "incident",
        "pin": "service request",
    }
    assert mark(q, right) == Mark("q-sort", True, 1.0, "All 4 sorted correctly.", ())
    half = mark(q, {**right, "gas": "service request", "app": None})
    assert (half.correct, half.score) == (False, 0.5)
    assert half.feedback == (
        "2 of 4 sorted correctly. \u201cGas smell\u201d: not \u201cservice request\u201d. "
        "A risk to life. 1 item was not sorted."
    )
    assert half.misconceptions == ("m-incident-vs-request",)
    assert mark(q, {"bill": "service request"}).score == 0.25
    assert mark(q, {**right, "bill": "banana"}).score == 0.75
    assert mark(q, ["incident"]).score == 0
    assert mark(q, {}).feedback == "No answer was given."


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        (10, True),
        (10.0, True),
        ("10", True),
        (" 10 ", True),
        ("10.5", True),
        (9.5, True),
        ("10 Erlangs", True),
        ("10erl", True),
        ("10,4", True),
        (10.51, False),
        ("9.4", False),
        ("ten", False),
        (True, False),
        (float("nan"), False),
        (float("inf"), False),
        ("1e999", False),
        ([10], False),
    ],
)
def test_numeric_answers_within_the_absolute_tolerance(small, response, correct):
    result = mark(small["numeric"], response)
    assert result.correct is correct
    assert result.score == (1.0 if correct else 0.0)


def test_numeric_feedback_common_errors_and_misconceptions(small):
    q = small["numeric"]
    assert mark(q, "10").feedback == "100 × 180 ÷ 1800 = 10."
    wrong = mark(q, 12)
    assert wrong.feedback == "12 is not right. Use the same time unit. 100 × 180 ÷ 1800 = 10."
    assert wrong.misconceptions == ("m-speed-over-quality",)
    common = mark(q, "600")
    assert common.feedback == "Minutes and seconds mixed. 100 × 180 ÷ 1800 = 10."
    assert common.misconceptions == ("m-miscategorised",)
    assert mark(q, "ten").feedback == "'ten' is not a number."
    assert mark(q, "").feedback == "No answer was given."


def test_shipped_numeric_questions_accept_text_answers():
    assert mark(BANK["kpi-06"], "20").correct
    assert mark(BANK["kpi-06"], "20 agents").correct
    assert not mark(BANK["kpi-06"], "14").correct
    assert "shrinkage" in mark(BANK["kpi-06"], "14").feedback
    assert mark(BANK["kpi-03"], "76.5 %").correct
    assert mark(BANK["law-01"], "72").correct


# --- never raises ---------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=30,
)


def _near_miss(question: Question) -> st.SearchStrategy:
    """Responses built from the question's own ids, categories and numbers."""
    ids = [o.id for o in question.options] + [i.id for i in question.items] + ["zz", ""]
    categories = [*question.categories, "zz", ""]
    number = question.answer if isinstance(question.answer, (int, float)) else 0
    return st.one_of(
        st.sampled_from(ids),
        st.lists(st.sampled_from(ids), max_size=10),
        st.dictionaries(st.sampled_from(ids), st.sampled_from(categories) | JSON, max_size=8),
        st.floats(min_value=number - 5, max_value=number + 5).map(lambda x: f"{x} units"),
    )


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mark_never_raises_on_any_json_response(data):
    question = data.draw(st.sampled_from(QUESTIONS))
    response = data.draw(st.one_of(JSON, _near_miss(question)))
    result = mark(question, response)
    assert isinstance(result, Mark)
    assert result.question_id == question.id
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)
    assert isinstance(result.feedback, str) and result.feedback.strip()
    assert "could not be marked" not in result.feedback  # the safety net was not needed
    assert set(result.misconceptions) <= set(question.misconceptions())
    text = describe_response(question, response)
    assert text.strip() and "\n" not in text and len(text) <= 1000


@settings(max_examples=100, deadline=None)
@given(responses=st.dictionaries(st.sampled_from(list(BANK)), JSON, max_size=20))
def test_any_marked_check_makes_a_valid_evidence_body(responses):
    result = mark_quiz(QUESTIONS[:20], responses)
    body = knowledge_check_body("any", result, TAKEN_AT)
    assert check_body("knowledge_check", body) == []
    json.dumps(result.as_dict())


# --- results and evidence -------------------------------------------------------------------


def test_mark_quiz_totals_and_as_dict(small):
    questions = list(small.values())
    result = mark_quiz(questions, {"q-single": "a", "q-multiple": ["a", "b"], "q-number": "600"})
    assert isinstance(result, QuizResult)
    assert result.score == pytest.approx(1 + 2 / 3)
    assert result.max_score == 5
    assert [m.question_id for m in result.marks] == [q.id for q in questions]
    data = result.as_dict()
    assert data["score"] == pytest.approx(5 / 3) and data["max_score"] == 5
    assert data["percent"] == pytest.approx(33.3)
    assert data["marks"][0] == {
        "question_id": "q-single",
        "prompt": "Which is a threshold for escalation?",
        "answer": "A risk to life",
        "correct": True,
        "score": 1.0,
        "feedback": "Yes.",
        "misconceptions": [],
    }
    assert data["marks"][2]["answer"] == "(no answer)"
    assert data["marks"][4]["misconceptions"] == ["m-miscategorised"]
    assert result.misconceptions() == ("m-miscategorised",)
    assert mark_quiz(questions, "not a mapping").score == 0  # type: ignore[arg-type]


def test_knowledge_check_body_includes_the_answers_and_passes_check_body(small):
    questions = list(small.values())
    responses = {
        "q-single": "b",
        "q-multiple": ["a", "b", "c"],
        "q-order": ["close", "log", "prioritise"],
        "q-sort": {"gas": "incident", "bill": "incident"},
        "q-number": "10",
    }
    body = knowledge_check_body("incidents-basics", mark_quiz(questions, responses), TAKEN_AT)
    assert check_body("knowledge_check", body) == []
    assert body["check_id"] == "incidents-basics"
    assert body["score"] == 2.25 and body["max_score"] == 5
    assert body["taken_at"] == TAKEN_AT
    assert body["answers"][0] == {
        "question": "Which is a threshold for escalation?",
        "answer": "A caller asking twice",
        "correct": False,
        "feedback": "Too soon.",
    }
    assert body["answers"][1]["answer"] == "Gas smell; App down; Alarm, no reply"
    assert body["answers"][2]["answer"] == "Close \u2192 Log \u2192 Prioritise"
    assert body["answers"][3]["answer"] == (
        "Gas smell \u2192 incident; A bill copy \u2192 incident; App down \u2192 ?; PIN reminder \u2192 ?"
    )
    assert body["answers"][4] == {
        "question": "100 calls in 30 minutes at 180 s AHT: how many Erlangs?",
        "answer": "10 Erlangs",
        "correct": True,
        "feedback": "100 × 180 ÷ 1800 = 10.",
    }


def test_every_shipped_topic_makes_a_valid_body_right_and_wrong():
    for topic in TOPICS:
        questions = questions_for(topic=topic)
        right = {q.id: correct_response(q) for q in questions}
        full = knowledge_check_body(topic, mark_quiz(questions, right), TAKEN_AT)
        assert check_body("knowledge_check", full) == [], topic
        assert full["score"] == full["max_score"] == len(questions)
        empty = knowledge_check_body(topic, mark_quiz(questions, {}), TAKEN_AT)
        assert check_body("knowledge_check", empty) == [], topic
        assert empty["score"] == 0
        assert all(a["answer"] == "(no answer)" for a in empty["answers"])


def test_suggested_criteria_are_knowledge_criteria_only(small):
    for topic in TOPICS:
        for ref in suggested_criteria(questions_for(topic=topic)):
            fw_id, cid = ref.split(":")
            assert FRAMEWORKS[fw_id].criterion(cid).kind == "knowledge", ref
    assert suggested_criteria(small.values()) == [
        "escalated-l3:5.1",
        "k503-0421:3.4",
        "k503-0421:3.5",
        "principles-l2l3:3.2",
    ]
    # Even a question built by hand with a performance or unknown criterion never passes it on.
    sneaky = Question(
        id="x",
        topic="incidents",
        kind="single",
        prompt="?",
        criteria=("k503-0421:1.3", "k503-0421:3.10", "nope:1.1", "k503-0421:3.2"),
        los=("k503-0421:LO1",),
    )
    assert suggested_criteria([sneaky]) == ["k503-0421:3.2"]
    assert suggested_criteria([]) == []


def test_an_empty_ordering_position_is_named_and_does_not_shift_the_rest():
    question = next(q for q in load_questions().values() if q.kind == "ordering")
    answer = list(question.answer)
    response = [None, *answer[1:]]
    result = mark(question, response)
    assert not result.correct
    assert result.feedback.startswith("Position 1 is empty")
