"""Knowledge checks: auto-marked questions with feedback on the mistake behind a wrong answer.

The marking lives in :mod:`incidentfolio.questions`; this view shows the questions, reads the
answers, shows the feedback and keeps the result in the portfolio the moment it is checked
(a closed tab must not lose it). It then suggests the knowledge criteria the questions cover;
it never offers a performance criterion.
"""

from __future__ import annotations

import html
import logging
import random
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ipywidgets as w

from incidentfolio.errors import IncidentfolioError
from incidentfolio.misconceptions import load_catalogue
from incidentfolio.portfolio import resolve_portfolio_path
from incidentfolio.questions import (
    Mark,
    Question,
    QuizResult,
    format_number,
    knowledge_check_body,
    load_questions,
    mark_quiz,
    questions_for,
    suggested_criteria,
)
from incidentfolio.store import Mapping
from incidentfolio.store.db import DB_NAME
from widgets.base import AppView
from widgets.portfolio.common import PortfolioContext

log = logging.getLogger("incidentfolio.widgets")
e = html.escape

NO_PROFILE_NOTE = (
    "Set up your profile in Build my portfolio to keep your results in your portfolio. "
    "Your answers were marked, but this result was not kept."
)
CHOOSE = "(choose)"
# Scoped to the check, so it looks the same in Voilà and in JupyterLab. Long option texts wrap
# beside their radio button; feedback is marked by a word and an icon as well as a colour.
STYLE = """<style>
.if-kc .widget-radio-box label { display: flex; align-items: center; gap: 0.3rem;
  white-space: normal; height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
.if-kc .widget-radio-box label input { order: -1; float: none; flex: none; margin: 0 0.3rem 0 1px; }
.if-kc .widget-checkbox .widget-label-basic span { white-space: normal; }
.if-kc-question { margin: 0 0 0.8rem; }
.if-kc-prompt, .if-kc-hint, .if-kc-item, .if-kc-feedback p { margin: 0.2rem 0; }
.if-kc-correct, .if-kc-partial, .if-kc-wrong { border-left: 4px solid; padding: 0.2rem 0.8rem;
  margin: 0.3rem 0; }
.if-kc-correct { border-left-color: #1b7f3b; }
.if-kc-partial { border-left-color: #b36b00; }
.if-kc-wrong { border-left-color: #b3261e; }
.if-kc-misconception { background: #f4f4f4; padding: 0.2rem 0.6rem; }
.if-kc-suggest-row { border-top: 1px solid #d0d0d0; padding-top: 0.4rem; }
</style>"""
KINDS_HINT = {
    "multiple": "Tick every answer that applies.",
    "ordering": "Choose what comes at each position, from first to last.",
    "classification": "Choose the right group for each item.",
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _styled(widget: w.Widget, *classes: str) -> Any:
    for name in classes:
        widget.add_class(name)
    return widget


def _show_number(value: float) -> str:
    return format_number(round(value, 2))


def render_feedback(mark: Mark) -> str:
    """Right or wrong in words and an icon, the explanation, and the mistake behind it."""
    if mark.correct:
        icon, verdict, state = "✔", "Correct.", "if-kc-correct"
    elif mark.score > 0:
        icon, verdict, state = "◐", "Partly right.", "if-kc-partial"
    else:
        icon, verdict, state = "✘", "Not right.", "if-kc-wrong"
    parts = [
        f'<p class="if-kc-verdict"><span class="if-kc-icon" aria-hidden="true">{icon}</span> '
        f"<strong>{verdict}</strong></p>"
    ]
    if mark.feedback:
        parts.append(f'<p class="if-kc-explain">{e(mark.feedback)}</p>')
    if not mark.correct:
        catalogue = load_catalogue()
        for entry_id in mark.misconceptions:
            entry = catalogue.get(entry_id)
            if entry is None:
                continue
            parts.append(
                '<div class="if-kc-misconception">'
                f"<p><strong>The mistake this answer points to:</strong> {e(entry.statement)}</p>"
                f"<p><strong>What to remember instead:</strong> {e(entry.correction)}</p></div>"
            )
    return f'<div class="{state}">{"".join(parts)}</div>'


class QuestionView(w.VBox):
    """One question: its prompt, a control for its kind, and its feedback once checked."""

    def __init__(self, question: Question, number: int, rng: random.Random) -> None:
        super().__init__()
        self.question = question
        self.number = number
        _styled(self, "if-kc-question", f"if-kc-question-{question.id}")
        self.prompt = w.HTML()
        self.feedback = _styled(w.HTML(), "if-kc-feedback")
        self.controls: list[w.Widget] = []
        self.body = w.VBox()
        self.reshuffle(rng)

    # --- building ------------------------------------------------------------------------
    def reshuffle(self, rng: random.Random) -> None:
        """New controls with the options in a new order; answers and feedback are cleared."""
        builders = {
            "single": self._single,
            "multiple": self._multiple,
            "ordering": self._ordering,
            "classification": self._classification,
            "numeric": self._numeric,
        }
        self.body.children = [builders[self.question.kind](rng)]
        self.feedback.value = ""
        self.renumber(self.number)
        self.children = [self.prompt, self.body, self.feedback]

    def renumber(self, number: int) -> None:
        self.number = number
        hint = KINDS_HINT.get(self.question.kind)
        self.prompt.value = (
            f'<p class="if-kc-prompt"><strong>Question {number}.</strong> '
            f"{e(self.question.prompt)}</p>"
            + (f'<p class="if-kc-hint">{e(hint)}</p>' if hint else "")
        )

    def _single(self, rng: random.Random) -> w.Widget:
        options = list(self.question.options)
        rng.shuffle(options)
        radio = w.RadioButtons(
            options=[(o.text, o.id) for o in options],
            value=None,
            description="Your answer",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.controls = [_styled(radio, "if-kc-option")]
        return radio

    def _multiple(self, rng: random.Random) -> w.Widget:
        options = list(self.question.options)
        rng.shuffle(options)
        self.controls = []
        for o in options:
            box = w.Checkbox(
                value=False, description=o.text, indent=False, layout=w.Layout(width="auto")
            )
            box.option_id = o.id
            self.controls.append(_styled(box, "if-kc-option"))
        return w.VBox(self.controls)

    def _ordering(self, rng: random.Random) -> w.Widget:
        items = list(self.question.items)
        rng.shuffle(items)
        choices = [(CHOOSE, None)] + [(i.text, i.id) for i in items]
        self.controls = [
            _styled(
                w.Dropdown(
                    options=choices,
                    index=0,
                    description=_ordinal(n),
                    style={"description_width": "3em"},
                    layout=w.Layout(width="100%", max_width="48rem"),
                ),
                "if-kc-option",
            )
            for n in range(1, len(items) + 1)
        ]
        return w.VBox(self.controls)

    def _classification(self, rng: random.Random) -> w.Widget:
        items = list(self.question.items)
        rng.shuffle(items)
        categories = list(self.question.categories)
        rng.shuffle(categories)
        rows = []
        self.controls = []
        for n, item in enumerate(items, start=1):
            choice = w.Dropdown(
                options=[(CHOOSE, None)] + [(c, c) for c in categories],
                index=0,
                description=f"Item {n} is",
                style={"description_width": "initial"},
            )
            choice.item_id = item.id
            self.controls.append(_styled(choice, "if-kc-option"))
            text = w.HTML(f'<p class="if-kc-item"><strong>Item {n}.</strong> {e(item.text)}</p>')
            rows.append(w.VBox([text, choice]))
        return w.VBox(rows)

    def _numeric(self, _rng: random.Random) -> w.Widget:
        unit = self.question.unit
        box = w.Text(
            value="",
            description="Your answer",
            placeholder="a number",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.controls = [_styled(box, "if-kc-option")]
        unit_label = w.HTML(f'<span class="if-kc-unit">{e(unit)}</span>' if unit else "")
        return w.HBox([box, unit_label])

    # --- answers -------------------------------------------------------------------------
    def response(self) -> Any:
        """The answer in the form :func:`incidentfolio.questions.mark` takes."""
        kind = self.question.kind
        if kind == "single":
            return self.controls[0].value
        if kind == "multiple":
            return [box.option_id for box in self.controls if box.value]
        if kind == "ordering":
            chosen = [d.value for d in self.controls]
            return chosen if any(chosen) else []
        if kind == "classification":
            return {d.item_id: d.value for d in self.controls if d.value}
        return self.controls[0].value.strip()

    def set_enabled(self, enabled: bool) -> None:
        for control in self.controls:
            control.disabled = not enabled

    def show(self, mark: Mark) -> None:
        self.feedback.value = render_feedback(mark)


class SuggestionRow(w.VBox):
    """One knowledge criterion the check covers: why it counts, and a Map button."""

    def __init__(self, ref: str, statement: str, on_map: Callable[[SuggestionRow], None]):
        super().__init__()
        self.ref = ref
        self.framework_id, self.criterion_id = ref.split(":", 1)
        self.add_class("if-kc-suggest-row")
        self.label = w.HTML(
            f"<p><strong>{e(self.framework_id)} {e(self.criterion_id)}</strong> {e(statement)}</p>"
        )
        self.why = w.Textarea(
            description=f"Why this result shows {self.criterion_id}",
            placeholder="e.g. The check asked about this and I answered those questions "
            "correctly; the one I missed I revised and got right on a second try.",
            rows=2,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        self.why.add_class("if-kc-suggest-why")
        self.map_button = w.Button(
            description="Map",
            tooltip=f"Map the saved result to {self.framework_id} {self.criterion_id}",
        )
        self.map_button.add_class("if-kc-suggest-map")
        self.status = w.HTML()
        self.status.add_class("if-kc-suggest-status")
        self.map_button.on_click(lambda _button: on_map(self))
        self.children = [self.label, self.why, w.HBox([self.map_button, self.status])]

    def done(self, text: str) -> None:
        self.status.value = f'<span role="status">✔ {e(text)}</span>'
        self.map_button.disabled = True
        self.why.disabled = True

    def failed(self, text: str) -> None:
        self.status.value = f'<span role="alert">✘ {e(text)}</span>'


class KnowledgeCheck(AppView):
    """A knowledge check on a topic, a framework, a learning outcome or a list of questions.

    CSS classes: ``if-kc`` (the whole check), ``if-kc-question`` and ``if-kc-question-<id>``,
    ``if-kc-option`` (every answer control), ``if-kc-check``, ``if-kc-feedback``,
    ``if-kc-score``, ``if-kc-retry``, ``if-kc-saved``, ``if-kc-suggest`` (the mapping offers).
    """

    css_class = "if-kc"

    def __init__(
        self,
        *,
        topic: str | None = None,
        framework: str | None = None,
        lo: str | None = None,
        question_ids: list[str] | None = None,
        title: str = "Check your understanding",
        count: int | None = None,
        seed: int | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.rng = random.Random(seed)  # noqa: S311 - shuffling questions, not secrets
        self.ctx = PortfolioContext(Path(folder) if folder else resolve_portfolio_path())
        self.questions = self._select(topic, framework, lo, question_ids, count)
        self.check_id = _check_id(topic, framework, lo, question_ids)
        self.result: QuizResult | None = None
        self.saved_id: str | None = None
        self.suggestions: list[SuggestionRow] = []

        self.heading = w.HTML(f'{STYLE}<h3 class="if-kc-title">{e(title)}</h3>')
        self.views = [QuestionView(q, n, self.rng) for n, q in enumerate(self.questions, 1)]
        self.question_box = w.VBox(self.views)
        self.check_button = _styled(
            w.Button(
                description="Check my answers",
                button_style="primary",
                tooltip="Mark your answers and keep the result in your portfolio",
            ),
            "if-kc-check",
        )
        self.retry_button = _styled(
            w.Button(
                description="Try again",
                tooltip="Clear your answers and shuffle the questions and options",
                disabled=True,
            ),
            "if-kc-retry",
        )
        self.score = _styled(w.HTML(), "if-kc-score")
        self.saved = _styled(w.HTML(), "if-kc-saved")
        self.suggest = _styled(w.VBox(), "if-kc-suggest")
        self.check_button.on_click(self.guarded(self._check))
        self.retry_button.on_click(self.guarded(self._retry))
        self.children = [
            self.heading,
            self.question_box,
            w.HBox([self.check_button, self.retry_button]),
            self.score,
            self.message,
            self.saved,
            self.suggest,
        ]

    # --- choosing questions ----------------------------------------------------------------
    def _select(
        self,
        topic: str | None,
        framework: str | None,
        lo: str | None,
        question_ids: list[str] | None,
        count: int | None,
    ) -> list[Question]:
        if question_ids:
            bank = load_questions()
            missing = [qid for qid in question_ids if qid not in bank]
            if missing:
                raise IncidentfolioError(f"no question {', '.join(missing)} in the question bank")
            chosen = [bank[qid] for qid in question_ids]
        else:
            chosen = questions_for(topic=topic, framework=framework, lo=lo)
        if not chosen:
            raise IncidentfolioError("no questions match this knowledge check")
        if count is not None and 0 < count < len(chosen):
            picked = set(self.rng.sample(range(len(chosen)), count))
            chosen = [q for i, q in enumerate(chosen) if i in picked]
        return list(chosen)

    # --- reacting --------------------------------------------------------------------------
    def _check(self, _button: object = None) -> None:
        if self.check_button.disabled:  # a second click queued before the first was handled
            return
        self.check_button.disabled = True
        responses = {view.question.id: view.response() for view in self.views}
        result = mark_quiz([view.question for view in self.views], responses)
        self.result = result
        # Saved before anything is drawn: the result is kept even if the tab closes now.
        self._save(result)
        for view, mark in zip(self.views, result.marks, strict=True):
            view.show(mark)
            view.set_enabled(False)
        right = sum(1 for m in result.marks if m.correct)
        self.score.value = (
            f'<p role="status"><strong>Score: {_show_number(result.score)} out of '
            f"{_show_number(result.max_score)}</strong> ({round(result.percent)}%). "
            f"{right} of {len(result.marks)} fully right.</p>"
        )
        self.retry_button.disabled = False

    def _save(self, result: QuizResult) -> None:
        self.saved_id = None
        self.saved.value = ""
        self.suggest.children = []
        self.suggestions = []
        if not (self.ctx.folder / DB_NAME).is_file():
            self._note(NO_PROFILE_NOTE)
            return
        title = (
            f"Knowledge check: {self.check_id} "
            f"({_show_number(result.score)}/{_show_number(result.max_score)})"
        )
        body = knowledge_check_body(self.check_id, result, _now())
        try:
            with self.ctx.store() as store:
                profile = store.profile()
                if profile is None:
                    self._note(NO_PROFILE_NOTE)
                    return
                item_id = store.add_item("knowledge_check", title, body, source_scenario=None)
                frameworks = store.frameworks()
        except IncidentfolioError as exc:
            self._save_failed(str(exc))
            return
        except Exception:
            log.exception("saving a knowledge check failed")
            self._save_failed("")
            return
        self.saved_id = item_id
        self.saved.value = (
            f'<p role="status">✔ <strong>Saved as {e(item_id)}</strong> in your portfolio '
            f"({e(title)}).</p>"
        )
        self._offer_criteria(profile.frameworks, frameworks)

    def _note(self, text: str) -> None:
        self.saved.value = f'<p class="if-kc-note" role="status">ℹ {e(text)}</p>'

    def _save_failed(self, reason: str) -> None:
        detail = f": {reason.rstrip('.')}." if reason else "."
        self.message.error(
            f"Your answers were marked but the result could not be saved{detail} "
            "Press Check my answers again to retry saving."
        )
        self.check_button.disabled = False

    def _offer_criteria(self, chosen: tuple[str, ...], frameworks: dict[str, Any]) -> None:
        rows = []
        for ref in suggested_criteria(self.questions):
            fw_id, cid = ref.split(":", 1)
            framework = frameworks.get(fw_id)
            if fw_id not in chosen or framework is None:
                continue
            criterion = next((c for c in framework.criteria if c.id == cid), None)
            if criterion is None or criterion.kind != "knowledge":
                continue
            rows.append(SuggestionRow(ref, criterion.statement, self.guarded(self._map)))
        self.suggestions = rows
        if rows:
            intro = (
                "<p><strong>Map this result to the knowledge criteria it covers.</strong> "
                "Say in a sentence how the result shows each one you map.</p>"
            )
        else:
            intro = (
                "<p>These questions cover no knowledge criteria of the frameworks in your "
                "profile, so there is nothing to map.</p>"
            )
        self.suggest.children = [w.HTML(intro), *rows]

    def _map(self, row: SuggestionRow) -> None:
        if row.map_button.disabled:
            return
        if self.saved_id is None:
            row.failed("There is no saved result to map.")
            return
        try:
            with self.ctx.store() as store:
                store.map_item(
                    self.saved_id, Mapping(row.framework_id, row.criterion_id, row.why.value)
                )
        except IncidentfolioError as exc:
            row.failed(str(exc))
            return
        row.done(f"Mapped {self.saved_id} to {row.ref}")

    def _retry(self, _button: object = None) -> None:
        if self.retry_button.disabled:
            return
        self.result = None
        self.saved_id = None
        self.score.value = ""
        self.saved.value = ""
        self.suggest.children = []
        self.suggestions = []
        self.rng.shuffle(self.views)
        for n, view in enumerate(self.views, start=1):
            view.number = n
            view.reshuffle(self.rng)
            view.set_enabled(True)
        self.question_box.children = self.views
        self.check_button.disabled = False
        self.retry_button.disabled = True


def _check_id(
    topic: str | None, framework: str | None, lo: str | None, question_ids: list[str] | None
) -> str:
    """What the saved item says was taken: the topic, the framework and outcome, or the ids."""
    if topic:
        return topic
    if framework or lo:
        return " ".join(p for p in (framework, lo) if p)
    return ", ".join(question_ids or [])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
