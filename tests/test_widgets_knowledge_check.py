"""The knowledge check in-process: answer, check, read the feedback, find the result stored."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from incidentfolio.errors import StoreError
from incidentfolio.frameworks import load_frameworks
from incidentfolio.misconceptions import load_catalogue
from incidentfolio.questions import (
    Question,
    correct_response,
    load_questions,
    questions_for,
    suggested_criteria,
)
from incidentfolio.store import Store, open_store
from widgets.knowledge_check import NO_PROFILE_NOTE, KnowledgeCheck, QuestionView

FRAMEWORKS = ("k503-0421", "principles-l2l3", "escalated-l3", "incident-systems-l45")
KINDS = ("single", "multiple", "ordering", "classification", "numeric")


@pytest.fixture
def folder(tmp_path) -> Path:
    """A real portfolio with a candidate profile taking every shipped framework."""
    folder = tmp_path / "portfolio"
    folder.mkdir(mode=0o700)
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1234",
                          frameworks=FRAMEWORKS)  # fmt: skip
    return folder


def first(kind: str) -> Question:
    found = [q for q in load_questions().values() if q.kind == kind]
    assert found, f"the question bank has no {kind} question"
    return found[0]


def wrong_response(q: Question) -> object:
    """A response that scores nothing."""
    if q.kind == "single":
        return next(o.id for o in q.options if not o.correct)
    if q.kind == "multiple":
        return [o.id for o in q.options if not o.correct]
    if q.kind == "ordering":
        return list(reversed(q.answer))
    if q.kind == "classification":
        return {i.id: next(c for c in q.categories if c != i.answer) for i in q.items}
    return str(float(q.answer) + q.tolerance + 1000)


def answer(view: QuestionView, response: object) -> None:
    """Set the view's controls the way a candidate would to give ``response``."""
    kind = view.question.kind
    if kind == "single":
        view.controls[0].value = response
    elif kind == "multiple":
        for box in view.controls:
            box.value = box.option_id in response
    elif kind == "ordering":
        for dropdown, item_id in zip(view.controls, response, strict=True):
            dropdown.value = item_id
    elif kind == "classification":
        for dropdown in view.controls:
            dropdown.value = response.get(dropdown.item_id)
    else:
        view.controls[0].value = str(response)


def view_of(kc: KnowledgeCheck, question_id: str) -> QuestionView:
    return next(v for v in kc.views if v.question.id == question_id)


def items(folder: Path):
    with open_store(folder) as store:
        return store.items()


@pytest.mark.parametrize("kind", KINDS)
def test_right_and_wrong_answers_for_every_kind(folder, kind):
    q = first(kind)
    kc = KnowledgeCheck(question_ids=[q.id], seed=3, folder=folder)
    view = view_of(kc, q.id)
    answer(view, correct_response(q))
    kc.check_button.click()
    assert "if-kc-correct" in view.feedback.value
    assert "✔" in view.feedback.value and "Correct." in view.feedback.value
    assert "Score: 1 out of 1" in kc.score.value
    assert all(c.disabled for c in view.controls), "answers are locked once checked"

    kc.retry_button.click()
    view = view_of(kc, q.id)
    assert view.feedback.value == "" and kc.score.value == ""
    answer(view, wrong_response(q))
    kc.check_button.click()
    assert "if-kc-wrong" in view.feedback.value
    assert "✘" in view.feedback.value and "Not right." in view.feedback.value
    assert "Score: 0 out of 1" in kc.score.value
    assert kc.message.value == ""


def test_a_blank_answer_is_marked_not_answered(folder):
    kc = KnowledgeCheck(question_ids=[first(k).id for k in KINDS], folder=folder)
    kc.check_button.click()
    for view in kc.views:
        assert "No answer was given" in view.feedback.value, view.question.id
    assert "Score: 0 out of 5" in kc.score.value


def test_numeric_shows_its_unit_and_takes_text():
    q = first("numeric")
    kc = KnowledgeCheck(question_ids=[q.id], folder=Path("/nonexistent-kc"))
    view = kc.views[0]
    assert q.unit and q.unit in view.body.children[0].children[1].value
    assert view.controls[0].continuous_update is False
    answer(view, f"{correct_response(q)} {q.unit}")
    kc.check_button.click()
    assert "Correct." in view.feedback.value


def test_a_wrong_option_shows_the_misconception_it_reveals(folder):
    q, option = next(
        (q, o)
        for q in load_questions().values()
        if q.kind == "single"
        for o in q.options
        if o.misconception
    )
    entry = load_catalogue()[option.misconception]
    kc = KnowledgeCheck(question_ids=[q.id], folder=folder)
    view = kc.views[0]
    answer(view, option.id)
    kc.check_button.click()
    shown = view.feedback.value
    assert html.escape(option.feedback) in shown
    assert "The mistake this answer points to" in shown
    assert html.escape(entry.statement) in shown and html.escape(entry.correction) in shown


def test_a_right_answer_shows_its_explanation_and_no_misconception(folder):
    q = next(q for q in load_questions().values() if q.kind == "single" and q.misconceptions())
    right = next(o for o in q.options if o.correct)
    kc = KnowledgeCheck(question_ids=[q.id], folder=folder)
    answer(kc.views[0], right.id)
    kc.check_button.click()
    assert html.escape(right.feedback) in kc.views[0].feedback.value
    assert "if-kc-misconception" not in kc.views[0].feedback.value


def test_score_counts_right_answers_and_partial_credit(folder):
    single, multiple = first("single"), first("multiple")
    kc = KnowledgeCheck(question_ids=[single.id, multiple.id], folder=folder)
    answer(view_of(kc, single.id), correct_response(single))
    right = [o.id for o in multiple.options if o.correct]
    answer(view_of(kc, multiple.id), right[:1] if len(right) > 1 else [])
    kc.check_button.click()
    result = kc.result
    assert [m.question_id for m in result.marks] == [single.id, multiple.id]
    assert result.marks[0].correct
    expected = 1 + (1 / len(right) if len(right) > 1 else 0)
    assert result.score == pytest.approx(expected)
    assert f"Score: {round(expected, 2):g} out of 2" in kc.score.value
    assert "1 of 2 fully right" in kc.score.value
    if len(right) > 1:
        assert "Partly right." in view_of(kc, multiple.id).feedback.value


def order_of(kc: KnowledgeCheck) -> list[tuple[str, list]]:
    """The question order and, per question, the order its options are offered in."""
    out = []
    for view in kc.views:
        if view.question.kind in ("single",):
            opts = [v for _, v in view.controls[0].options]
        elif view.question.kind == "multiple":
            opts = [b.option_id for b in view.controls]
        elif view.question.kind == "ordering":
            opts = [v for _, v in view.controls[0].options]
        elif view.question.kind == "classification":
            opts = [d.item_id for d in view.controls]
        else:
            opts = []
        out.append((view.question.id, opts))
    return out


def test_try_again_reshuffles_deterministically_with_a_seed(folder):
    a = KnowledgeCheck(topic="logging", seed=7, folder=folder)
    b = KnowledgeCheck(topic="logging", seed=7, folder=folder)
    assert order_of(a) == order_of(b)
    before = order_of(a)
    for kc in (a, b):
        answer(kc.views[0], correct_response(kc.views[0].question))
        kc.check_button.click()
        kc.retry_button.click()
    after = order_of(a)
    assert after == order_of(b), "the same seed gives the same shuffle"
    assert [qid for qid, _ in after] != [qid for qid, _ in before], "questions reshuffled"
    assert sorted(after) != sorted(before), "options reshuffled"
    assert [v.number for v in a.views] == list(range(1, len(a.views) + 1))
    assert "Question 1." in a.views[0].prompt.value
    # A fresh attempt: answers, feedback, score and the saved line are cleared.
    assert all(v.feedback.value == "" for v in a.views)
    assert a.score.value == "" and a.saved.value == "" and a.suggest.children == ()
    assert all(not c.disabled for v in a.views for c in v.controls)
    assert a.views[0].response() in (None, [], {}, "")
    assert not a.check_button.disabled and a.retry_button.disabled
    c = KnowledgeCheck(topic="logging", seed=8, folder=folder)
    assert order_of(c) != before, "another seed gives another shuffle"


def test_options_are_shuffled_from_the_first_attempt(folder):
    bank = [o.id for o in first("single").options]
    orders = {
        tuple(v for _, v in KnowledgeCheck(question_ids=[first("single").id], seed=s,
                                           folder=folder).views[0].controls[0].options)
        for s in range(8)
    }  # fmt: skip
    assert len(orders) > 1 and all(sorted(o) == sorted(bank) for o in orders)


def test_count_picks_a_seeded_subset_in_bank_order(folder):
    ids = [q.id for q in questions_for(topic="logging")]
    kc = KnowledgeCheck(topic="logging", count=5, seed=2, folder=folder)
    picked = [v.question.id for v in kc.views]
    assert len(picked) == 5 and picked == [i for i in ids if i in picked]
    again = KnowledgeCheck(topic="logging", count=5, seed=2, folder=folder)
    assert [v.question.id for v in again.views] == picked


def test_the_result_is_saved_at_once_with_answers_and_score(folder):
    kc = KnowledgeCheck(topic="logging", title="Check your understanding: logging",
                        seed=1, folder=folder)  # fmt: skip
    total = len(kc.views)
    right_view = kc.views[0]
    answer(right_view, correct_response(right_view.question))
    kc.check_button.click()
    saved = items(folder)
    assert len(saved) == 1
    item = saved[0]
    assert item.type == "knowledge_check" and item.source_scenario is None
    assert item.title == f"Knowledge check: logging (1/{total})"
    assert item.body["check_id"] == "logging"
    assert item.body["score"] == 1 and item.body["max_score"] == total
    assert item.body["taken_at"].endswith("+00:00")
    answers = item.body["answers"]
    assert len(answers) == total
    assert answers[0]["question"] == right_view.question.prompt and answers[0]["correct"]
    assert [a["correct"] for a in answers[1:]] == [False] * (total - 1)
    assert "Saved as EV-0001" in kc.saved.value
    assert kc.saved_id == "EV-0001"

    kc.check_button.click()  # a second click (queued before the button was disabled)
    assert len(items(folder)) == 1, "one attempt is saved once"
    kc.retry_button.click()
    kc.check_button.click()
    assert [i.id for i in items(folder)] == ["EV-0001", "EV-0002"], "each attempt is kept"


def test_suggestions_are_the_knowledge_criteria_of_the_profile_only(folder):
    kc = KnowledgeCheck(topic="logging", folder=folder)
    kc.check_button.click()
    offered = [row.ref for row in kc.suggestions]
    assert offered, "the logging questions cover knowledge criteria"
    assert offered == [r for r in suggested_criteria(kc.questions) if r.split(":")[0] in FRAMEWORKS]
    frameworks = load_frameworks()
    for ref in offered:
        fw, cid = ref.split(":", 1)
        assert frameworks[fw].criterion(cid).kind == "knowledge", ref
    assert set(kc.suggest.children[1:]) == set(kc.suggestions)

    # A candidate on one framework is offered only that framework's criteria.
    with open_store(folder) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1234",
                          frameworks=["principles-l2l3"])  # fmt: skip
    kc.retry_button.click()
    kc.check_button.click()
    refs = [row.ref for row in kc.suggestions]
    assert refs and all(r.startswith("principles-l2l3:") for r in refs)


def test_a_profile_without_covered_frameworks_is_told_so(folder):
    with open_store(folder) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1234",
                          frameworks=["k503-0421"])  # fmt: skip
    q = next(q for q in load_questions().values()
             if not any(r.startswith("k503-0421:") for r in q.criteria))  # fmt: skip
    kc = KnowledgeCheck(question_ids=[q.id], folder=folder)
    kc.check_button.click()
    assert kc.suggestions == []
    assert "nothing to map" in kc.suggest.children[0].value


def test_mapping_a_suggestion_maps_the_saved_item(folder):
    kc = KnowledgeCheck(topic="logging", folder=folder)
    kc.check_button.click()
    row = kc.suggestions[0]
    row.why.value = "Too short."
    row.map_button.click()
    assert "must be at least one sentence" in row.status.value
    assert not row.map_button.disabled
    assert items(folder)[0].mappings == ()

    why = "I answered the questions on what every log must hold and why, after revising it."
    row.why.value = why
    row.map_button.click()
    assert f"Mapped EV-0001 to {row.ref}" in row.status.value
    assert row.map_button.disabled and row.why.disabled
    (mapping,) = items(folder)[0].mappings
    assert (mapping.ref, mapping.justification) == (row.ref, why)
    row.map_button.click()  # a queued second click does nothing
    assert len(items(folder)[0].mappings) == 1
    assert kc.message.value == ""


def test_no_portfolio_shows_a_note_and_creates_nothing(tmp_path):
    folder = tmp_path / "nowhere"
    kc = KnowledgeCheck(topic="logging", folder=folder)
    kc.check_button.click()
    assert html.escape(NO_PROFILE_NOTE) in kc.saved.value
    assert "Set up your profile in Build my portfolio" in kc.saved.value
    assert not folder.exists()
    assert kc.score.value and kc.message.value == "" and kc.suggest.children == ()


def test_a_portfolio_without_a_profile_shows_the_note(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir(mode=0o700)
    open_store(folder, create=True).close()
    kc = KnowledgeCheck(topic="logging", folder=folder)
    kc.check_button.click()
    assert "Set up your profile in Build my portfolio" in kc.saved.value
    assert kc.saved_id is None and items(folder) == []
    assert "Score:" in kc.score.value


def test_the_default_portfolio_is_the_configured_one(portfolio_env):
    portfolio_env.mkdir(mode=0o700)
    with open_store(portfolio_env, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1234",
                          frameworks=FRAMEWORKS)  # fmt: skip
    kc = KnowledgeCheck(topic="logging")
    kc.check_button.click()
    assert "Saved as EV-0001" in kc.saved.value


def test_a_failing_save_shows_a_message_not_a_traceback(folder, monkeypatch):
    def full(*args, **kwargs):
        raise StoreError("the disk is full")

    monkeypatch.setattr(Store, "add_item", full)
    kc = KnowledgeCheck(topic="logging", folder=folder)
    kc.check_button.click()
    assert "could not be saved: the disk is full" in kc.message.value
    assert "if-message-error" in kc.message._dom_classes
    assert kc.views[0].feedback.value and "Score:" in kc.score.value, "still marked"
    assert "Saved as" not in kc.saved.value and kc.suggest.children == ()
    assert not kc.check_button.disabled, "checking again retries the save"

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(Store, "add_item", broken)
    kc.check_button.click()
    assert "could not be saved" in kc.message.value
    assert "internal detail" not in kc.message.value and "Traceback" not in kc.message.value

    monkeypatch.undo()
    kc.check_button.click()
    assert "Saved as EV-0001" in kc.saved.value and kc.message.value == ""


def test_an_unknown_topic_or_question_is_a_clear_error(folder):
    from incidentfolio.errors import IncidentfolioError

    with pytest.raises(IncidentfolioError, match="unknown topic"):
        KnowledgeCheck(topic="nope", folder=folder)
    with pytest.raises(IncidentfolioError, match="no question zz-99"):
        KnowledgeCheck(question_ids=["zz-99"], folder=folder)


def test_candidate_text_is_escaped(folder, monkeypatch):
    import widgets.knowledge_check as kc_module

    q = first("single")
    evil = Question(**{**q.__dict__, "prompt": "<img src=x onerror=alert(1)> Which?"})
    monkeypatch.setattr(kc_module, "load_questions", lambda: {q.id: evil})
    kc = KnowledgeCheck(question_ids=[q.id], title="<b>Quiz</b>", folder=folder)
    assert "<img" not in kc.views[0].prompt.value and "&lt;img" in kc.views[0].prompt.value
    assert "<b>Quiz</b>" not in kc.heading.value


def test_css_classes_are_stable(folder):
    kc = KnowledgeCheck(question_ids=[first(k).id for k in KINDS], folder=folder)
    assert "if-kc" in kc._dom_classes
    for view in kc.views:
        assert {"if-kc-question", f"if-kc-question-{view.question.id}"} <= set(view._dom_classes)
        assert "if-kc-feedback" in view.feedback._dom_classes
        assert view.controls and all("if-kc-option" in c._dom_classes for c in view.controls)
        for control in view.controls:
            assert control.description, "every answer control is labelled"
    for widget, part in ((kc.check_button, "check"), (kc.score, "score"),
                         (kc.retry_button, "retry"), (kc.saved, "saved"),
                         (kc.suggest, "suggest")):  # fmt: skip
        assert f"if-kc-{part}" in widget._dom_classes
