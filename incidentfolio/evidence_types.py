"""Evidence types: the template each kind of portfolio evidence follows, and body checks.

A template (``portfolio_templates/evidence/<type>.yaml``) says what a candidate writes for
one kind of evidence (a reflection, a witness testimony, a post-incident review…): its
fields, guidance on what good evidence looks like, and the criteria it usually evidences.

``check_body(evidence_type, body)`` accepts any JSON-like value (what a form, a YAML file
or a store row holds) and returns problems naming field paths such as ``actions[2].owner``;
it never raises. ``advice`` returns softer wording and completeness hints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError
from incidentfolio.incident_log import (
    LOG_FIELDS,
    MISSING,
    OBJECTS,
    RECORD_LISTS,
    Problem,
    _kind,
    _naive_time,
    _show,
    _show_key,
    check_log,
    normalise_phone,
    parse_time,
)

EVIDENCE_TYPES = (
    "incident_log",
    "escalation_decision",
    "communication_record",
    "reflection",
    "witness_testimony",
    "colleague_support",
    "post_incident_review",
    "kpi_analysis",
    "policy_contribution",
    "knowledge_check",
    "observation",
    "professional_discussion",
    "notebook",
)
FIELD_KINDS = (
    "text",  # one line
    "longtext",
    "date",  # ISO date, 2026-03-14
    "datetime",  # ISO 8601 with a time zone
    "choice",  # one of options
    "choices",  # several of options
    "list",  # of text
    "records",  # list of mappings described by subfields
    "group",  # one mapping described by subfields
    "boolean",
    "phone",  # UK default region
    "email",
    "contact",  # a telephone number or an email address
    "number",
)
TEXT_LIMIT = 1000
LIST_ITEM_LIMIT = 2000
LONGTEXT_LIMIT = 20000
MAX_DEPTH = 40  # a body nests 3 levels at most; deeper input is refused before any check

_OPTION_KINDS = ("choice", "choices")
_NESTED_KINDS = ("records", "group")
_MIN_ITEMS_KINDS = ("list", "choices", "records")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    """One field of an evidence body (or of each record / group inside one)."""

    id: str
    label: str
    prompt: str
    kind: str
    required: bool
    help: str = ""
    options: tuple[str, ...] = ()
    min_items: int = 0
    subfields: tuple[Field, ...] = ()
    advised: bool = False  # optional, but ``advice`` mentions it when it is left empty


@dataclass(frozen=True)
class DiscouragedPhrase:
    """Wording to avoid in this evidence type, and what to write instead."""

    phrase: str
    advice: str


@dataclass(frozen=True)
class EvidenceTemplate:
    """A validated evidence-type template; fields keep the file's order."""

    type: str
    title: str
    summary: str
    guidance: str
    usual_criteria: tuple[str, ...]
    fields: tuple[Field, ...]
    discouraged_phrases: tuple[DiscouragedPhrase, ...]
    source: Path

    def field(self, field_id: str) -> Field:
        """The top-level field with this id."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise IncidentfolioError(f"evidence type {self.type} has no field {field_id}")

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Ids of the top-level fields a body must fill in."""
        return tuple(f.id for f in self.fields if f.required)


# --- loading templates ---------------------------------------------------------------------


def evidence_dir() -> Path:
    """``portfolio_templates/evidence/``: one template per evidence type."""
    return paths.templates_dir() / "evidence"


def load_template(path: Path) -> EvidenceTemplate:
    """Load one template file, checking its schema and cross-references."""
    return template_from_data(load_data(path), path)


@cache
def load_templates() -> dict[str, EvidenceTemplate]:
    """Every shipped template by type, in ``EVIDENCE_TYPES`` order (cached)."""
    folder = evidence_dir()
    return {name: load_template(folder / f"{name}.yaml") for name in EVIDENCE_TYPES}


def template_from_data(data: object, path: Path) -> EvidenceTemplate:
    """Validate already-parsed template data read from ``path``.

    Beyond the schema: the type matches the file name, field ids are unique at each level,
    choice fields have options, records and groups have subfields, and each usual criterion
    exists and lists this evidence type among the ones it accepts.
    """
    path = Path(path)
    validate(data, "evidence_template", path)
    assert isinstance(data, dict)  # validate() checked it
    kind = data["type"]
    if kind != path.stem:
        raise ContentError(
            path, "type", f"{kind} does not match the file name {path.name} (name it {kind}.*)"
        )
    summary = data["summary"].strip()
    if "\n" in summary:
        raise ContentError(path, "summary", "must be one line")
    fields = _fields_from_data(data["fields"], "fields", path, nested=False)
    if kind == "incident_log":
        _check_log_fields(fields, path)
    refs = tuple(data["usual_criteria"])
    _check_usual_criteria(kind, refs, path)
    phrases: list[DiscouragedPhrase] = []
    for i, raw in enumerate(data.get("discouraged_phrases", [])):
        phrase = " ".join(raw["phrase"].split())
        if any(p.phrase.casefold() == phrase.casefold() for p in phrases):
            raise ContentError(path, f"discouraged_phrases[{i}].phrase", f"duplicate {phrase!r}")
        phrases.append(DiscouragedPhrase(phrase, " ".join(raw["advice"].split())))
    return EvidenceTemplate(
        type=kind,
        title=data["title"].strip(),
        summary=summary,
        guidance=" ".join(data["guidance"].split()),
        usual_criteria=refs,
        fields=fields,
        discouraged_phrases=tuple(phrases),
        source=path,
    )


def _fields_from_data(
    raw_fields: list[dict[str, Any]], where: str, path: Path, *, nested: bool
) -> tuple[Field, ...]:
    seen: set[str] = set()
    out = []
    for i, raw in enumerate(raw_fields):
        here = f"{where}[{i}]"
        fid, kind = raw["id"], raw["kind"]
        if fid in seen:
            raise ContentError(path, f"{here}.id", f"duplicate field id {fid}")
        seen.add(fid)
        options = tuple(raw.get("options", ()))
        if kind in _OPTION_KINDS and not options:
            raise ContentError(path, here, f"a {kind} field needs options")
        if options and kind not in _OPTION_KINDS:
            raise ContentError(
                path, f"{here}.options", f"only choice and choices fields take options, not {kind}"
            )
        if nested and kind in _NESTED_KINDS:
            raise ContentError(
                path,
                f"{here}.kind",
                "a field inside records or a group cannot be records or a group",
            )
        if kind in _NESTED_KINDS and "subfields" not in raw:
            raise ContentError(path, here, f"a {kind} field needs subfields")
        if "subfields" in raw and kind not in _NESTED_KINDS:
            raise ContentError(
                path,
                f"{here}.subfields",
                f"only records and group fields take subfields, not {kind}",
            )
        min_items = raw.get("min_items", 0)
        if min_items and kind not in _MIN_ITEMS_KINDS:
            raise ContentError(
                path,
                f"{here}.min_items",
                f"only list, choices and records fields take min_items, not {kind}",
            )
        if kind == "choices" and min_items > len(options):
            raise ContentError(
                path, f"{here}.min_items", f"is more than the {len(options)} options"
            )
        if raw.get("advised") and raw["required"]:
            raise ContentError(path, f"{here}.advised", "a required field cannot also be advised")
        subfields = (
            _fields_from_data(raw["subfields"], f"{here}.subfields", path, nested=True)
            if "subfields" in raw
            else ()
        )
        out.append(
            Field(
                id=fid,
                label=raw["label"].strip(),
                prompt=" ".join(raw["prompt"].split()),
                kind=kind,
                required=raw["required"],
                help=" ".join(raw.get("help", "").split()),
                options=options,
                min_items=min_items,
                subfields=subfields,
                advised=raw.get("advised", False),
            )
        )
    return tuple(out)


def _check_log_fields(fields: tuple[Field, ...], path: Path) -> None:
    """An incident-log template may only name incident-log fields (its body IS a log)."""
    for i, f in enumerate(fields):
        if f.id not in LOG_FIELDS:
            raise ContentError(path, f"fields[{i}].id", f"{f.id} is not an incident log field")
        known = OBJECTS.get(f.id) or RECORD_LISTS.get(f.id, ({},))[0]
        for j, sub in enumerate(f.subfields):
            if sub.id not in known:
                raise ContentError(
                    path, f"fields[{i}].subfields[{j}].id", f"{sub.id} is not a field of {f.id}"
                )


def _check_usual_criteria(kind: str, refs: tuple[str, ...], path: Path) -> None:
    from incidentfolio.frameworks import check_criterion_refs, load_frameworks

    try:
        check_criterion_refs(refs, path)
    except ContentError as exc:  # it names the list ``criteria``; ours is ``usual_criteria``
        where = "usual_criteria" + exc.location.removeprefix("criteria")
        raise ContentError(path, where, exc.message) from None
    frameworks = load_frameworks()
    for i, ref in enumerate(refs):
        fw_id, cid = ref.split(":", 1)
        if kind not in frameworks[fw_id].criterion(cid).evidence_types:
            raise ContentError(
                path, f"usual_criteria[{i}]", f"{ref} does not accept {kind} evidence"
            )


# --- checking a body -----------------------------------------------------------------------


def check_body(evidence_type: object, body: object) -> list[Problem]:
    """Every problem with an evidence body; never raises on JSON-like input.

    Missing required fields are ``"is required"``; fields the template does not have are
    ``unknown``; values of the wrong type or format, choices outside the options and lists
    shorter than ``min_items`` are problems too. An incident-log body is checked by
    :func:`incidentfolio.incident_log.check_log` plus the template's required fields.
    """
    template = _template(evidence_type)
    if template is None:
        shown = (
            _kind(evidence_type)
            if isinstance(evidence_type, (dict, list))
            else _show(evidence_type)
        )
        return [
            Problem(
                "type",
                f"{shown} is not an evidence type (expected one of: {', '.join(EVIDENCE_TYPES)})",
            )
        ]
    if not isinstance(body, dict):
        return [Problem("(body)", f"must be a mapping of fields, not {_kind(body)}")]
    if _too_deep(body):
        return [Problem("(body)", f"is nested more than {MAX_DEPTH} levels deep")]
    if template.type == "incident_log":
        required = [
            Problem(f.id, "is required")
            for f in template.fields
            if f.required and _blank(body.get(f.id, MISSING))
        ]
        return required + check_log(body)
    problems = list(_check_fields("", template.fields, body))
    problems.extend(_CROSS_CHECKS.get(template.type, _no_cross_checks)(body))
    return problems


def _template(evidence_type: object) -> EvidenceTemplate | None:
    if not isinstance(evidence_type, str):
        return None
    return load_templates().get(evidence_type)


def _too_deep(data: object) -> bool:
    """Nested beyond ``MAX_DEPTH`` (measured without recursion, so any input is safe)."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _blank(value: object) -> bool:
    """Not given: missing, None, blank text, an empty list, or a mapping of blanks."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())  # iterative: arbitrary JSON may nest deeply
        elif not (
            item is MISSING
            or item is None
            or (isinstance(item, str) and not item.strip())
            or (isinstance(item, list) and not item)
        ):
            return False
    return True


def _check_fields(prefix: str, fields: tuple[Field, ...], data: dict) -> Iterator[Problem]:
    known = {f.id for f in fields}
    for f in fields:
        where = _join(prefix, f.id)
        value = data.get(f.id, MISSING)
        if _blank(value):
            if f.required:
                yield Problem(where, "is required")
            continue
        yield from _check_value(where, f, value)
    for key in data:
        if key not in known:
            yield Problem(_join(prefix, _show_key(str(key))), "unknown field", "unknown")


def _check_value(where: str, field: Field, value: object) -> Iterator[Problem]:
    kind = field.kind
    if kind in _NESTED_KINDS:
        yield from _check_nested(where, field, value)
        return
    if kind in ("choices", "list"):
        if not isinstance(value, list):
            yield Problem(where, f"must be a list, not {_kind(value)}")
            return
        chosen: set[str] = set()
        for i, item in enumerate(value):
            if kind == "choices":
                message = _choice_message(item, field.options)
                if message is None and item in chosen:
                    message = f"{_show(item)} is listed twice"
                elif message is None:
                    chosen.add(item)  # type: ignore[arg-type]
            else:
                message = _text_message(item, LIST_ITEM_LIMIT, one_line=False)
                if message is None and not item.strip():  # type: ignore[union-attr]
                    message = "is blank"
            if message:
                yield Problem(f"{where}[{i}]", message)
        yield from _check_min_items(where, field, value)
        return
    message = _SCALAR_CHECKS[kind](value, field)
    if message:
        yield Problem(where, message)


def _check_nested(where: str, field: Field, value: object) -> Iterator[Problem]:
    if field.kind == "group":
        if not isinstance(value, dict):
            yield Problem(where, f"must be a mapping, not {_kind(value)}")
        else:
            yield from _check_fields(where, field.subfields, value)
        return
    if not isinstance(value, list):
        yield Problem(where, f"must be a list, not {_kind(value)}")
        return
    for i, record in enumerate(value):
        if isinstance(record, dict):
            yield from _check_fields(f"{where}[{i}]", field.subfields, record)
        else:
            yield Problem(f"{where}[{i}]", f"must be a mapping, not {_kind(record)}")
    yield from _check_min_items(where, field, value)


def _check_min_items(where: str, field: Field, value: list) -> Iterator[Problem]:
    if field.min_items and len(value) < field.min_items:
        yield Problem(where, f"needs at least {field.min_items} items, not {len(value)}")


def _text_message(value: object, limit: int, *, one_line: bool) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    if one_line and "\n" in value.strip():
        return "must be one line"
    return f"must not be longer than {limit} characters" if len(value) > limit else None


def _choice_message(value: object, options: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or value not in options:
        return f"{_show(value)} is not one of: {', '.join(options)}"
    return None


def parse_date(value: object) -> date | None:
    """An ISO date written as text (``2026-03-14``), or None if ``value`` is not one."""
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _date(value: object, field: Field) -> str | None:
    if parse_date(value) is None:
        return f"{_show(value)} is not an ISO date (write e.g. 2026-03-14)"
    return None


def _datetime(value: object, field: Field) -> str | None:
    if parse_time(value) is None:
        if isinstance(value, str) and _naive_time(value):
            return f"{_show(value)} has no time zone (write e.g. 2026-03-14T09:12:00+00:00)"
        return f"{_show(value)} is not an ISO 8601 date and time"
    return None


def _phone(value: object, field: Field) -> str | None:
    if isinstance(value, str) and normalise_phone(value) is None:
        return f"{_show(value)} is not a valid telephone number"
    return _text_message(value, TEXT_LIMIT, one_line=True)


def _is_email(value: str) -> bool:
    return len(value) <= 254 and bool(_EMAIL.match(value.strip()))


def _email(value: object, field: Field) -> str | None:
    if isinstance(value, str) and not _is_email(value):
        return f"{_show(value)} is not an email address"
    return _text_message(value, TEXT_LIMIT, one_line=True)


def _contact(value: object, field: Field) -> str | None:
    if isinstance(value, str) and not _is_email(value) and normalise_phone(value) is None:
        return f"{_show(value)} is neither a telephone number nor an email address"
    return _text_message(value, TEXT_LIMIT, one_line=True)


def _finite(value: object) -> float | None:
    """``value`` if it is a finite number (not true/false), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _number(value: object, field: Field) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, not {_kind(value)}"
    return None if math.isfinite(value) else "must be a finite number"


def _boolean(value: object, field: Field) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_kind(value)}"


_SCALAR_CHECKS = {
    "text": lambda v, f: _text_message(v, TEXT_LIMIT, one_line=True),
    "longtext": lambda v, f: _text_message(v, LONGTEXT_LIMIT, one_line=False),
    "date": _date,
    "datetime": _datetime,
    "choice": lambda v, f: _choice_message(v, f.options),
    "boolean": _boolean,
    "phone": _phone,
    "email": _email,
    "contact": _contact,
    "number": _number,
}


# --- checks across fields, per type (run only on values that passed their own checks) -----


def _no_cross_checks(body: dict) -> list[Problem]:
    return []


def _witness_checks(body: dict) -> list[Problem]:
    problems = []
    if body.get("signature_statement") is False:
        problems.append(
            Problem(
                "signature_statement",
                "must be true: the witness confirms the account before it counts as evidence",
            )
        )
    seen, signed = parse_date(body.get("date_observed")), parse_date(body.get("signed_on"))
    if seen and signed and signed < seen:
        problems.append(Problem("signed_on", f"is before date_observed ({seen.isoformat()})"))
    return problems


def _knowledge_check_checks(body: dict) -> list[Problem]:
    score, top = _finite(body.get("score")), _finite(body.get("max_score"))
    problems = []
    if top is not None and top <= 0:
        problems.append(Problem("max_score", "must be more than 0"))
    if score is not None and score < 0:
        problems.append(Problem("score", "must not be negative"))
    elif score is not None and top is not None and top > 0 and score > top:
        problems.append(Problem("score", f"is more than max_score ({_show(top)})"))
    return problems


def _pir_checks(body: dict) -> list[Problem]:
    timeline = body.get("timeline")
    if not isinstance(timeline, list):
        return []
    problems = []
    previous = None
    for i, entry in enumerate(timeline):
        moment = parse_time(entry.get("at")) if isinstance(entry, dict) else None
        if moment is None:
            continue
        if previous is not None and moment < previous:
            problems.append(Problem(f"timeline[{i}].at", "is earlier than the entry before it"))
        previous = moment
    return problems


def _escalation_checks(body: dict) -> list[Problem]:
    if not _blank(body.get("tree_path", MISSING)) and _blank(body.get("tree_id", MISSING)):
        return [Problem("tree_path", "needs tree_id (which decision tree the path is in)")]
    return []


_CROSS_CHECKS = {
    "witness_testimony": _witness_checks,
    "knowledge_check": _knowledge_check_checks,
    "post_incident_review": _pir_checks,
    "escalation_decision": _escalation_checks,
}


# --- advice, skeletons and plain text ------------------------------------------------------


def advice(evidence_type: object, body: object) -> list[Problem]:
    """Wording and completeness hints (kind ``"advice"``); never raises.

    Reports each discouraged phrase (e.g. blame words in a post-incident review) found in
    any text of the body, and each advised field left empty.
    """
    template = _template(evidence_type)
    if template is None or not isinstance(body, dict):
        return []
    found = []
    patterns = [
        (p, re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, p.phrase.split())), re.I))
        for p in template.discouraged_phrases
    ]
    if patterns:
        for where, text in _strings(body):
            for phrase, pattern in patterns:
                if pattern.search(text):
                    found.append(
                        Problem(where, f"contains {phrase.phrase!r}: {phrase.advice}", "advice")
                    )
    for f in template.fields:
        if f.advised and _blank(body.get(f.id, MISSING)):
            message = f"is empty; it is advised. {f.help}" if f.help else "is empty; it is advised"
            found.append(Problem(f.id, message.strip(), "advice"))
    return found


def _strings(data: object) -> Iterator[tuple[str, str]]:
    """(path, text) for every string inside ``data``, without recursion."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where or "(body)", value
        elif isinstance(value, dict):
            items = [(_join(where, _show_key(str(k))), v) for k, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{where}[{i}]", v) for i, v in enumerate(value)]))


def empty_body(evidence_type: str) -> dict[str, Any]:
    """A skeleton body a form can start from: every field, nothing filled in.

    Lists, choices and records start as ``[]``, groups as mappings of their subfields and
    everything else as ``None``; ``check_body`` reports only the required fields on it.
    """
    template = _template(evidence_type)
    if template is None:
        expected = ", ".join(EVIDENCE_TYPES)
        raise IncidentfolioError(
            f"unknown evidence type {evidence_type!r} (expected one of: {expected})"
        )
    return {f.id: _empty(f) for f in template.fields}


def _empty(field: Field) -> Any:
    if field.kind in ("list", "choices", "records"):
        return []
    if field.kind == "group":
        return {sub.id: _empty(sub) for sub in field.subfields}
    return None


def body_text(evidence_type: object, body: object) -> str:
    """All the text of a body as labelled plain text, for searching and export.

    Fields come in the template's order under their labels; empty fields are left out.
    Never raises: values of the wrong shape are written out as they are, and a body of an
    unknown type is written out with its keys as labels.
    """
    if not isinstance(body, dict):
        return "" if _blank(body) else _plain(body)
    template = _template(evidence_type)
    fields = template.fields if template else ()
    lines: list[str] = []
    for f in fields:
        value = body.get(f.id, MISSING)
        if not _blank(value):
            lines.extend(_render(f.label, value, f))
    listed = {f.id for f in fields}
    for key, value in body.items():
        if key in listed or _blank(value):
            continue
        if template is None or (template.type == "incident_log" and key in LOG_FIELDS):
            lines.extend(_render(_label_from_key(str(key)), value, None))
    return "\n".join(lines)


def _label_from_key(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "(blank)"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return ""
    return "\n".join(line for label, v in _items(value) for line in _render(label, v, None))


def _items(value: object) -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return [(_label_from_key(str(k)), v) for k, v in value.items() if not _blank(v)]
    if isinstance(value, list):
        return [(f"{i}.", v) for i, v in enumerate(value, start=1) if not _blank(v)]
    return [("", value)]


def _render(label: str, value: object, field: Field | None, depth: int = 0) -> list[str]:
    """``Label: value`` lines; nested values are indented below their label."""
    pad = "  " * depth
    if depth > 20:  # arbitrary JSON can nest deeply; export stays readable and finite
        return [f"{pad}{label} …"]
    if isinstance(value, (dict, list)):
        subs = {s.id: s for s in field.subfields} if field else {}
        lines = [f"{pad}{label}" + ("" if label.endswith((".", "-")) else ":")]
        if isinstance(value, list) and field and field.kind in ("list", "choices"):
            for item in value:
                if not _blank(item):
                    lines.extend(_render("-", _option(item, field), None, depth + 1))
            return lines
        if isinstance(value, list):
            for number, item in enumerate(value, start=1):
                if _blank(item):
                    continue
                record_field = field if field and field.kind == "records" else None
                mark = f"{number}." if isinstance(item, (dict, list)) else "-"
                lines.extend(_render(mark, item, _as_group(record_field), depth + 1))
            return lines
        for key, item in value.items():
            if _blank(item):
                continue
            sub = subs.get(key)
            name = sub.label if sub else _label_from_key(str(key))
            lines.extend(_render(name, item, sub, depth + 1))
        return lines
    text = _plain(_option(value, field) if field else value)
    sep = "" if label.endswith((":", "-", ".")) else ":"
    if "\n" in text:
        return [f"{pad}{label}{sep}", *(f"{pad}  {line}" for line in text.splitlines())]
    return [f"{pad}{label}{sep} {text}"]


def _as_group(field: Field | None) -> Field | None:
    return (
        Field(field.id, field.label, "", "group", False, subfields=field.subfields)
        if field
        else None
    )


def _option(value: object, field: Field | None) -> object:
    """Choice option ids read as words (``active_listening`` → ``active listening``)."""
    if field and field.kind in _OPTION_KINDS and isinstance(value, str) and value in field.options:
        return value.replace("_", " ")
    return value
