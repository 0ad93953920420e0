"""Knowledge checks: the question bank, marking, and the evidence a marked check becomes.

The bank is data: ``portfolio_templates/questions/<topic>.yaml``, one topic per file, checked
against ``questions.schema.json`` and then across files (criteria exist and are knowledge
criteria, learning outcomes exist, misconceptions are in the catalogue, answers fit the
question). Five kinds of question:

``single``          one option is right; the response is an option id.
``multiple``        any number of options are right; the response is a list of option ids.
                    Partial credit: (right chosen - wrong chosen) / right options, never below 0.
``ordering``        put the items in order; the response is the list of item ids. All or nothing.
``classification``  put each item in a category; the response maps item id to category. The
                    score is the fraction sorted correctly.
``numeric``         a number (or text such as ``"14"`` or ``"72 %"``) within ``tolerance``.

:func:`mark` never raises, whatever it is given: an unusable response scores 0 with feedback
saying why. Every wrong option (and wrong item, wrong order, wrong number) can name the
catalogue misconception it reveals; the :class:`Mark` carries those ids so the app can show
the matching correction. This module is core: it never imports UI packages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError

TOPICS = (
    "incidents",
    "logging",
    "prioritising",
    "escalation",
    "communications",
    "law",
    "escalated-incidents",
    "kpis",
    "systems",
)
KINDS = ("single", "multiple", "ordering", "classification", "numeric")
NO_ANSWER = "(no answer)"
_TEXT_LIMIT = 1000  # a one-line text field of an evidence body
_LONGTEXT_LIMIT = 20000
# Which optional top-level fields each kind needs (required) and may have (allowed).
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "single": (("options",), ()),
    "multiple": (("options",), ()),
    "ordering": (("items", "answer", "feedback"), ("misconception",)),
    "classification": (("items", "categories"), ()),
    "numeric": (
        ("answer", "tolerance", "unit", "feedback"),
        ("hint", "misconception", "common_errors"),
    ),
}
_KIND_FIELDS = ("options", "items", "categories", "answer", "tolerance", "unit", "feedback",
                "hint", "misconception", "common_errors")  # fmt: skip


@dataclass(frozen=True)
class Option:
    """One answer of a single or multiple choice question."""

    id: str
    text: str
    correct: bool
    feedback: str
    misconception: str | None = None


@dataclass(frozen=True)
class Item:
    """One thing to order or to classify (``answer``, ``feedback`` and ``misconception``
    are used by classification only)."""

    id: str
    text: str
    answer: str | None = None
    feedback: str = ""
    misconception: str | None = None


@dataclass(frozen=True)
class CommonError:
    """A wrong number learners often reach, with feedback that explains how they got it."""

    answer: float
    feedback: str
    misconception: str | None = None


@dataclass(frozen=True)
class Question:
    """A validated question. ``answer`` is the ordered item ids (ordering), the number
    (numeric) or None; ``los`` are the ``framework:LOn`` outcomes the question revises."""

    id: str
    topic: str
    kind: str
    prompt: str
    criteria: tuple[str, ...]
    los: tuple[str, ...]
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    categories: tuple[str, ...] = ()
    answer: tuple[str, ...] | float | None = None
    tolerance: float = 0.0
    unit: str = ""
    feedback: str = ""
    hint: str = ""
    misconception: str | None = None
    common_errors: tuple[CommonError, ...] = ()

    def option(self, option_id: object) -> Option | None:
        """The option with this id, or None."""
        return next((o for o in self.options if o.id == option_id), None)

    def item(self, item_id: object) -> Item | None:
        """The item with this id, or None."""
        return next((i for i in self.items if i.id == item_id), None)

    def misconceptions(self) -> tuple[str, ...]:
        """Every catalogue misconception a wrong answer to this question can reveal."""
        found = [o.misconception for o in self.options]
        found += [i.misconception for i in self.items]
        found += [self.misconception] + [e.misconception for e in self.common_errors]
        return tuple(dict.fromkeys(m for m in found if m))


@dataclass(frozen=True)
class Mark:
    """The result of marking one response: ``score`` is in [0, 1]; ``correct`` only when
    it is 1. ``misconceptions`` are the catalogue ids the response revealed."""

    question_id: str
    correct: bool
    score: float
    feedback: str
    misconceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizResult:
    """A marked set of questions. ``prompts`` and ``answers`` (the response as text) line up
    with ``marks``; ``score`` is the sum of the marks' scores out of ``max_score``."""

    marks: tuple[Mark, ...]
    score: float
    max_score: float
    prompts: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        """The score as a percentage of the maximum (0 for an empty quiz)."""
        return 100 * self.score / self.max_score if self.max_score else 0.0

    def misconceptions(self) -> tuple[str, ...]:
        """Every misconception the responses revealed, once each, in question order."""
        return tuple(dict.fromkeys(m for mark in self.marks for m in mark.misconceptions))

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the totals and, per question, the mark and the answer."""
        rows = []
        for i, mark in enumerate(self.marks):
            rows.append(
                {
                    "question_id": mark.question_id,
                    "prompt": self.prompts[i] if i < len(self.prompts) else "",
                    "answer": self.answers[i] if i < len(self.answers) else "",
                    "correct": mark.correct,
                    "score": mark.score,
                    "feedback": mark.feedback,
                    "misconceptions": list(mark.misconceptions),
                }
            )
        return {
            "score": self.score,
            "max_score": self.max_score,
            "percent": round(self.percent, 1),
            "marks": rows,
        }


# --- loading ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def questions_dir() -> Path:
    """``portfolio_templates/questions/``: one question bank file per topic."""
    return paths.templates_dir() / "questions"


def question_files() -> list[Path]:
    """The shipped bank files, in ``TOPICS`` order (other topics after, by name)."""
    folder = questions_dir()
    if not folder.is_dir():
        return []
    order = {topic: i for i, topic in enumerate(TOPICS)}
    files = [p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(files, key=lambda p: (order.get(p.stem, len(order)), p.name))


def questions_from_data(data: object, path: Path | str) -> list[Question]:
    """Validate one parsed bank file read from ``path``; its questions in file order.

    Raises ContentError (``PATH: LOCATION: MESSAGE``) at the first problem: the schema, the
    topic against the file name, unique ids, the fields each kind needs, criteria (they must
    exist and be knowledge criteria), learning outcomes, misconceptions and the answers.
    """
    path = Path(path)
    validate(data, "questions", path)
    assert isinstance(data, dict)  # validate() checked it
    topic = data["topic"]
    if path.suffix and path.stem != topic:
        raise ContentError(path, "topic", f"{topic} does not match the file name {path.stem}")
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(data["questions"]):
        where = f"questions[{i}]"
        if raw["id"] in seen:
            raise ContentError(path, f"{where}.id", f"duplicate question id {raw['id']}")
        seen.add(raw["id"])
        out.append(_question(raw, topic, where, path))
    return out


def _question(raw: dict[str, Any], topic: str, where: str, path: Path) -> Question:
    kind = raw["kind"]
    required, allowed = _FIELDS[kind]
    for name in required:
        if name not in raw:
            raise ContentError(path, where, f"a {kind} question needs {name}")
    for name in _KIND_FIELDS:
        if name in raw and name not in required + allowed:
            raise ContentError(path, f"{where}.{name}", f"is not used by a {kind} question")
    _check_criteria(raw, where, path)
    _check_los(raw, where, path)
    base = {
        "id": raw["id"],
        "topic": topic,
        "kind": kind,
        "prompt": _squash(raw["prompt"]),
        "criteria": tuple(raw["criteria"]),
        "los": tuple(raw["los"]),
        "feedback": _squash(raw.get("feedback", "")),
        "misconception": _misconception(raw.get("misconception"), f"{where}.misconception", path),
    }
    if kind in ("single", "multiple"):
        return Question(**base, options=_options(raw, kind, where, path))
    if kind == "numeric":
        return _numeric(raw, base, where, path)
    items = _items(raw, kind, where, path)
    if kind == "ordering":
        answer = raw["answer"]
        if not isinstance(answer, list) or sorted(answer) != sorted(i.id for i in items):
            ids = ", ".join(i.id for i in items)
            raise ContentError(
                path, f"{where}.answer", f"must list every item id exactly once ({ids})"
            )
        return Question(**base, items=items, answer=tuple(answer))
    return Question(**base, items=items, categories=tuple(raw["categories"]))


def _check_criteria(raw: dict[str, Any], where: str, path: Path) -> None:
    from incidentfolio.frameworks import check_criterion_refs, load_frameworks

    try:
        check_criterion_refs(raw["criteria"], path)
    except ContentError as exc:  # it names the list ``criteria``; ours sits in a question
        raise ContentError(path, f"{where}.{exc.location}", exc.message) from None
    frameworks = load_frameworks()
    for j, ref in enumerate(raw["criteria"]):
        fw_id, cid = ref.split(":", 1)
        if frameworks[fw_id].criterion(cid).kind != "knowledge":
            raise ContentError(
                path,
                f"{where}.criteria[{j}]",
                f"{ref} is a performance criterion (questions evidence knowledge criteria only)",
            )


def _check_los(raw: dict[str, Any], where: str, path: Path) -> None:
    from incidentfolio.frameworks import load_frameworks

    frameworks = load_frameworks()
    for j, ref in enumerate(raw["los"]):
        fw_id, lo = ref.split(":", 1)
        if fw_id not in frameworks:
            raise ContentError(path, f"{where}.los[{j}]", f"unknown framework {fw_id}")
        if lo not in {o.id for o in frameworks[fw_id].learning_outcomes}:
            raise ContentError(
                path, f"{where}.los[{j}]", f"framework {fw_id} has no learning outcome {lo}"
            )
    for ref in raw["criteria"]:
        fw_id, cid = ref.split(":", 1)
        needed = f"{fw_id}:{frameworks[fw_id].criterion(cid).lo}"
        if needed not in raw["los"]:
            raise ContentError(
                path, f"{where}.los", f"must list {needed}, the learning outcome of {ref}"
            )


def _misconception(entry_id: str | None, where: str, path: Path) -> str | None:
    if entry_id is None:
        return None
    from incidentfolio.misconceptions import load_catalogue

    catalogue = load_catalogue()
    if entry_id not in catalogue:
        raise ContentError(path, where, f"unknown misconception {entry_id}")
    if catalogue[entry_id].kind != "misconception":
        kind = catalogue[entry_id].kind.replace("_", " ")
        raise ContentError(path, where, f"{entry_id} is a {kind}, not a misconception")
    return entry_id


def _unique_ids(rows: list[dict[str, Any]], where: str, path: Path) -> None:
    seen: set[str] = set()
    for j, row in enumerate(rows):
        if row["id"] in seen:
            raise ContentError(path, f"{where}[{j}].id", f"duplicate id {row['id']}")
        seen.add(row["id"])


def _options(raw: dict[str, Any], kind: str, where: str, path: Path) -> tuple[Option, ...]:
    rows = raw["options"]
    _unique_ids(rows, f"{where}.options", path)
    right = sum(1 for o in rows if o["correct"])
    if kind == "single" and right != 1:
        raise ContentError(
            path,
            f"{where}.options",
            f"a single question needs exactly one correct option, not {right}",
        )
    if kind == "multiple" and right == 0:
        raise ContentError(path, f"{where}.options", "a multiple question needs a correct option")
    options = []
    for j, o in enumerate(rows):
        at = f"{where}.options[{j}].misconception"
        if o["correct"] and "misconception" in o:
            raise ContentError(path, at, "a correct option cannot reveal a misconception")
        options.append(
            Option(
                id=o["id"],
                text=_squash(o["text"]),
                correct=o["correct"],
                feedback=_squash(o["feedback"]),
                misconception=_misconception(o.get("misconception"), at, path),
            )
        )
    return tuple(options)


def _items(raw: dict[str, Any], kind: str, where: str, path: Path) -> tuple[Item, ...]:
    rows = raw["items"]
    _unique_ids(rows, f"{where}.items", path)
    categories = raw.get("categories", [])
    items = []
    for j, row in enumerate(rows):
        at = f"{where}.items[{j}]"
        if kind == "ordering":
            for name in ("answer", "feedback", "misconception"):
                if name in row:
                    raise ContentError(
                        path, f"{at}.{name}", "is not used by the items of an ordering question"
                    )
        else:
            for name in ("answer", "feedback"):
                if name not in row:
                    raise ContentError(path, at, f"a classification item needs {name}")
            if row["answer"] not in categories:
                raise ContentError(
                    path,
                    f"{at}.answer",
                    f"{row['answer']!r} is not one of the categories: {', '.join(categories)}",
                )
        items.append(
            Item(
                id=row["id"],
                text=_squash(row["text"]),
                answer=row.get("answer"),
                feedback=_squash(row.get("feedback", "")),
                misconception=_misconception(row.get("misconception"), f"{at}.misconception", path),
            )
        )
    return tuple(items)


def _numeric(raw: dict[str, Any], base: dict[str, Any], where: str, path: Path) -> Question:
    answer = raw["answer"]
    if isinstance(answer, list):
        raise ContentError(path, f"{where}.answer", "must be a number for a numeric question")
    tolerance = raw["tolerance"]
    errors = []
    for j, e in enumerate(raw.get("common_errors", [])):
        at = f"{where}.common_errors[{j}]"
        if abs(e["answer"] - answer) <= tolerance:
            raise ContentError(
                path, f"{at}.answer", f"{e['answer']} is within the tolerance of the answer"
            )
        errors.append(
            CommonError(
                answer=e["answer"],
                feedback=_squash(e["feedback"]),
                misconception=_misconception(e.get("misconception"), f"{at}.misconception", path),
            )
        )
    return Question(
        **base,
        answer=answer,
        tolerance=tolerance,
        unit=raw["unit"].strip(),
        hint=_squash(raw.get("hint", "")),
        common_errors=tuple(errors),
    )


def load_bank(path: Path) -> list[Question]:
    """Load and validate one bank file."""
    return questions_from_data(load_data(path), path)


@cache
def _bank() -> tuple[dict[str, str], dict[str, Question]]:
    titles: dict[str, str] = {}
    found: dict[str, Question] = {}
    where: dict[str, Path] = {}
    for path in question_files():
        data = load_data(path)
        for i, question in enumerate(questions_from_data(data, path)):
            if question.id in found:
                raise ContentError(
                    path,
                    f"questions[{i}].id",
                    f"question id {question.id} is also used in {where[question.id].name}",
                )
            found[question.id] = question
            where[question.id] = path
        titles[data["topic"]] = _squash(data["title"])
    return titles, found


def load_questions() -> dict[str, Question]:
    """Every shipped question by id (cached), topics in ``TOPICS`` order, then file order.

    An id used in two files is a content error.
    """
    return _bank()[1]


def topic_titles() -> dict[str, str]:
    """The shipped topics and their titles, in ``TOPICS`` order."""
    return dict(_bank()[0])


def questions_for(
    *, topic: str | None = None, framework: str | None = None, lo: str | None = None
) -> list[Question]:
    """Shipped questions filtered by topic, framework and learning outcome, in bank order.

    ``framework`` keeps questions with a criterion or a learning outcome in that framework.
    ``lo`` is ``"k503-0421:LO1"``, or ``"LO1"`` together with ``framework`` (or alone: that
    outcome in any framework); a question counts for an outcome its ``los`` lists.
    An unknown topic, framework or learning outcome is an IncidentfolioError.
    """
    from incidentfolio.frameworks import load_frameworks

    bank = load_questions()
    if topic is not None and topic not in topic_titles():
        raise IncidentfolioError(
            f"unknown topic {topic!r} (expected one of: {', '.join(topic_titles())})"
        )
    frameworks = load_frameworks()
    if framework is not None and framework not in frameworks:
        raise IncidentfolioError(
            f"unknown framework {framework!r} (expected one of: {', '.join(frameworks)})"
        )
    wanted_lo: set[str] | None = None
    if lo is not None:
        fw_part, _, lo_id = lo.rpartition(":")
        if fw_part and fw_part not in frameworks:
            raise IncidentfolioError(f"unknown framework {fw_part!r} in {lo!r}")
        if fw_part and framework is not None and fw_part != framework:
            raise IncidentfolioError(f"learning outcome {lo} is not in framework {framework}")
        scope = [fw_part or framework] if (fw_part or framework) else list(frameworks)
        wanted_lo = {
            f"{fw}:{lo_id}"
            for fw in scope
            if lo_id in {o.id for o in frameworks[fw].learning_outcomes}  # type: ignore[index]
        }
        if not wanted_lo:
            raise IncidentfolioError(f"no framework has a learning outcome {lo!r}")
    out = []
    for q in bank.values():
        if topic is not None and q.topic != topic:
            continue
        if framework is not None and not any(
            ref.split(":", 1)[0] == framework for ref in (*q.criteria, *q.los)
        ):
            continue
        if wanted_lo is not None and not wanted_lo & set(q.los):
            continue
        out.append(q)
    return out


# --- marking ------------------------------------------------------------------------------


def mark(question: Question, response: object) -> Mark:
    """Mark one response to ``question``. Never raises: an unusable response scores 0."""
    try:
        return _MARKERS[question.kind](question, response)
    except Exception:  # a safety net: the markers below are written not to raise
        return Mark(question.id, False, 0.0, "This answer could not be marked; try again.")


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, tuple, dict)) and not value)


def _unanswered(question: Question) -> Mark:
    return Mark(question.id, False, 0.0, "No answer was given.")


def _ids(value: object) -> list[str] | None:
    """Option or item ids from a list (or one id as text); None if not usable."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v.strip() for v in value if isinstance(v, str)]
    return None


def _show(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quoted(text: str) -> str:
    """Text in curly quotes, unless it is already quoted."""
    return text if text[:1] in "\u201c\"'" else f"\u201c{text}\u201d"


def _mark_single(q: Question, response: object) -> Mark:
    if _blank(response):
        return _unanswered(q)
    choice = response.strip() if isinstance(response, str) else response
    if isinstance(choice, (list, tuple)) and len(choice) == 1 and isinstance(choice[0], str):
        choice = choice[0].strip()  # a one-item list from a multi-select widget
    option = q.option(choice) if isinstance(choice, str) else None
    if option is None:
        return Mark(q.id, False, 0.0, f"{_show(response)} is not one of the options.")
    found = (option.misconception,) if option.misconception else ()
    return Mark(q.id, option.correct, 1.0 if option.correct else 0.0, option.feedback, found)


def _mark_multiple(q: Question, response: object) -> Mark:
    chosen = _ids(response)
    if chosen is None:
        return Mark(q.id, False, 0.0, f"{_show(response)} is not a list of options.")
    picked = [o for o in q.options if o.id in chosen]
    right = [o for o in picked if o.correct]
    wrong = [o for o in picked if not o.correct]
    total = sum(1 for o in q.options if o.correct)
    missed = total - len(right)
    score = max(0.0, (len(right) - len(wrong)) / total)
    if not picked:
        return (
            _unanswered(q) if not chosen else Mark(q.id, False, 0.0, "None of those are options.")
        )
    if not wrong and not missed:
        return Mark(q.id, True, 1.0, " ".join(o.feedback for o in right))
    parts = [f"{len(right)} of your choices {'is' if len(right) == 1 else 'are'} right"
             f" and {len(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong."]  # fmt: skip
    parts += [f"{_quoted(o.text)}: {o.feedback}" for o in wrong]
    if missed:
        parts.append(f"You missed {missed} correct answer{'s' if missed > 1 else ''}.")
    found = tuple(dict.fromkeys(o.misconception for o in wrong if o.misconception))
    return Mark(q.id, False, score, " ".join(parts), found)


def _at(seq: list[str], i: int) -> str | None:
    return seq[i] if i < len(seq) else None


def _mark_ordering(q: Question, response: object) -> Mark:
    # Positions are kept as given: an empty position (None) must not shift the later items.
    order = (
        [v.strip() if isinstance(v, str) else None for v in response]
        if isinstance(response, (list, tuple))
        else None
    )
    if not order or all(v is None for v in order):
        return (
            _unanswered(q)
            if _blank(response)
            else Mark(q.id, False, 0.0, f"{_show(response)} is not a list of items in order.")
        )
    expected = list(q.answer)  # type: ignore[arg-type]
    if order == expected:
        return Mark(q.id, True, 1.0, q.feedback)
    found = (q.misconception,) if q.misconception else ()
    length = max(len(order), len(expected))
    at = next(i for i in range(length) if _at(order, i) != _at(expected, i))
    if at >= len(order) or order[at] is None:
        first = f"Position {at + 1} is empty: place every item exactly once."
    else:
        item = q.item(order[at])
        if item is None:
            first = f"Position {at + 1} holds {_show(order[at])}, which is not one of the items."
        else:
            first = f"The first item out of place is {_quoted(item.text)} (position {at + 1})."
    if len(order) != len(set(order)) or set(order) != set(expected):
        first += " Use each item exactly once."
    return Mark(q.id, False, 0.0, f"{first} {q.feedback}".strip(), found)


def _mark_classification(q: Question, response: object) -> Mark:
    if _blank(response):
        return _unanswered(q)
    if not isinstance(response, Mapping):
        return Mark(q.id, False, 0.0, f"{_show(response)} does not assign items to categories.")
    right, unsorted, notes, found = 0, 0, [], []
    for item in q.items:
        given = response.get(item.id)
        given = given.strip() if isinstance(given, str) else ""
        if given == item.answer:
            right += 1
        elif given:
            notes.append(f"{_quoted(item.text)}: not \u201c{given[:80]}\u201d. {item.feedback}")
            if item.misconception:
                found.append(item.misconception)
        else:
            unsorted += 1
    if right == len(q.items):
        return Mark(q.id, True, 1.0, f"All {right} sorted correctly.")
    parts = [f"{right} of {len(q.items)} sorted correctly.", *notes]
    if unsorted:
        parts.append(f"{unsorted} {'item was' if unsorted == 1 else 'items were'} not sorted.")
    return Mark(q.id, False, right / len(q.items), " ".join(parts), tuple(dict.fromkeys(found)))


_NUMBER = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-z%]+\.?)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_number(value: object) -> float | None:
    """A finite number from a number or from text such as ``"14"``, ``"1,200"``, ``"72 %"``,
    ``"240 seconds"`` or ``"76,5"`` (a unit word may follow); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if not isinstance(value, str) or len(value) > 100:
        return None
    text = value.strip().lower().replace("\u2212", "-")
    head = text.split(" ", 1)[0] if " " in text else text
    if _THOUSANDS.match(head):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    number = float(match.group(1))
    return number if math.isfinite(number) else None


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance + 1e-9 * max(1.0, abs(b))


def format_number(value: float) -> str:
    """``20.0`` → ``20``; other numbers as Python writes them."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else str(value)


def _mark_numeric(q: Question, response: object) -> Mark:
    if _blank(response):
        return _unanswered(q)
    value = parse_number(response)
    if value is None:
        return Mark(q.id, False, 0.0, f"{_show(response)} is not a number.")
    answer = float(q.answer)  # type: ignore[arg-type]
    if _close(value, answer, q.tolerance):
        return Mark(q.id, True, 1.0, q.feedback)
    for error in q.common_errors:
        if _close(value, error.answer, q.tolerance):
            found = (error.misconception or q.misconception,)
            return Mark(
                q.id, False, 0.0, f"{error.feedback} {q.feedback}", tuple(filter(None, found))
            )
    hint = f" {q.hint}" if q.hint else ""
    found = (q.misconception,) if q.misconception else ()
    return Mark(q.id, False, 0.0, f"{format_number(value)} is not right.{hint} {q.feedback}", found)


_MARKERS = {
    "single": _mark_single,
    "multiple": _mark_multiple,
    "ordering": _mark_ordering,
    "classification": _mark_classification,
    "numeric": _mark_numeric,
}


def correct_response(question: Question) -> object:
    """A response that scores full marks (for a "show me" button, and for tests)."""
    if question.kind == "single":
        return next(o.id for o in question.options if o.correct)
    if question.kind == "multiple":
        return [o.id for o in question.options if o.correct]
    if question.kind == "ordering":
        return list(question.answer)  # type: ignore[arg-type]
    if question.kind == "classification":
        return {i.id: i.answer for i in question.items}
    return question.answer


def describe_response(question: Question, response: object) -> str:
    """The response as one line of text, in the question's words; never raises."""
    try:
        text = _describe(question, response)
    except Exception:
        text = _show(response, _TEXT_LIMIT)
    return _one_line(text or NO_ANSWER, _TEXT_LIMIT)


def _describe(q: Question, response: object) -> str:
    if _blank(response):
        return NO_ANSWER
    if q.kind == "numeric":
        value = parse_number(response)
        if value is None:
            return _show(response, _TEXT_LIMIT)
        return f"{format_number(value)} {q.unit}".strip()
    if q.kind == "classification":
        if not isinstance(response, Mapping):
            return _show(response, _TEXT_LIMIT)
        return "; ".join(
            f"{i.text} \u2192 {response.get(i.id) if isinstance(response.get(i.id), str) else '?'}"
            for i in q.items
        )
    chosen = _ids(response)
    if chosen is None:
        return _show(response, _TEXT_LIMIT)
    lookup = q.option if q.kind in ("single", "multiple") else q.item
    texts = [(found.text if (found := lookup(c)) else _show(c)) for c in chosen]
    return (" \u2192 " if q.kind == "ordering" else "; ").join(texts)


def _one_line(text: str, limit: int) -> str:
    text = _squash(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def mark_quiz(questions: Iterable[Question], responses: Mapping[str, object]) -> QuizResult:
    """Mark each question against ``responses[question.id]`` (missing means unanswered)."""
    if not isinstance(responses, Mapping):
        responses = {}
    marks, prompts, answers = [], [], []
    for q in questions:
        response = responses.get(q.id)
        marks.append(mark(q, response))
        prompts.append(q.prompt)
        answers.append(describe_response(q, response))
    return QuizResult(
        marks=tuple(marks),
        score=sum(m.score for m in marks),
        max_score=float(len(marks)),
        prompts=tuple(prompts),
        answers=tuple(answers),
    )


# --- evidence -----------------------------------------------------------------------------


def _number_out(value: float) -> int | float:
    value = float(round(value, 2))
    return int(value) if value.is_integer() else value


def knowledge_check_body(check_id: str, result: QuizResult, taken_at: str) -> dict[str, Any]:
    """A ``knowledge_check`` evidence body for a marked check, with every answer.

    ``taken_at`` is an ISO 8601 date and time with its time zone. The body passes
    ``evidence_types.check_body("knowledge_check", body)`` when ``result`` has questions.
    """
    answers = []
    for i, m in enumerate(result.marks):
        prompt = result.prompts[i] if i < len(result.prompts) else ""
        answer = result.answers[i] if i < len(result.answers) else ""
        row: dict[str, Any] = {
            "question": _one_line(prompt or m.question_id, _TEXT_LIMIT),
            "answer": _one_line(answer or NO_ANSWER, _TEXT_LIMIT),
            "correct": bool(m.correct),
        }
        if m.feedback.strip():
            row["feedback"] = m.feedback.strip()[:_LONGTEXT_LIMIT]
        answers.append(row)
    return {
        "check_id": _one_line(str(check_id), _TEXT_LIMIT),
        "score": _number_out(result.score),
        "max_score": _number_out(result.max_score),
        "taken_at": taken_at.isoformat() if hasattr(taken_at, "isoformat") else taken_at,
        "answers": answers,
    }


def _criterion_key(ref: str) -> tuple[str, tuple[int, ...]]:
    fw_id, _, cid = ref.partition(":")
    return fw_id, tuple(int(p) for p in cid.split(".") if p.isdigit())


def suggested_criteria(questions: Iterable[Question]) -> list[str]:
    """The knowledge criteria the questions cover, sorted; never a performance criterion."""
    from incidentfolio.frameworks import load_frameworks

    frameworks = load_frameworks()
    found: set[str] = set()
    for q in questions:
        for ref in q.criteria:
            fw_id, _, cid = ref.partition(":")
            fw = frameworks.get(fw_id)
            criterion = next((c for c in fw.criteria if c.id == cid), None) if fw else None
            if criterion is not None and criterion.kind == "knowledge":
                found.add(ref)
    return sorted(found, key=_criterion_key)
