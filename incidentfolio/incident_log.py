"""The incident log: what a candidate records about one contact, and field-level checks.

``check_log(data)`` accepts any JSON-like value (what a widget, a YAML file or a store row
holds) and returns a list of problems, each naming the field path; it never raises. The
scorer and the evidence store build on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

CHANNELS = ("phone", "email", "chat", "social", "radio", "monitoring")
CONTACT_TYPES = ("incident", "service_request", "enquiry", "complaint")
LEVELS = ("high", "medium", "low")
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
ROUTES = ("functional", "hierarchical")
VULNERABILITY_DRIVERS = ("health", "life_events", "resilience", "capability")
STATUSES = ("New", "Assigned", "In progress", "Escalated", "On hold", "Resolved", "Closed")

# The incident lifecycle: which status may follow which. Escalated and On hold are side
# states that return to active work; a resolved incident may be reopened before closure.
TRANSITIONS: dict[str, frozenset[str]] = {
    "New": frozenset({"Assigned", "In progress", "Escalated", "Resolved"}),
    "Assigned": frozenset({"In progress", "Escalated", "On hold", "Resolved"}),
    "In progress": frozenset({"Escalated", "On hold", "Resolved", "Assigned"}),
    "Escalated": frozenset({"Assigned", "In progress", "On hold", "Resolved"}),
    "On hold": frozenset({"Assigned", "In progress", "Escalated", "Resolved"}),
    "Resolved": frozenset({"Closed", "In progress"}),
    "Closed": frozenset(),
}

_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-HJKMNPR-Y0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})$",
    re.IGNORECASE,
)
_WORDS_REF = re.compile(r"^(///)?[a-z]+\.[a-z]+\.[a-z]+$")
_OS_GRID = re.compile(r"^[HJNOST][A-HJ-Z] ?(\d{2} ?\d{2}|\d{3} ?\d{3}|\d{4} ?\d{4}|\d{5} ?\d{5})$")

MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One problem with a log: the field path, what is wrong, and its kind."""

    field: str
    message: str
    kind: str = "value"  # "value" | "unknown" | "transition"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp with a time zone, or None if ``value`` is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def normalise_phone(value: object, region: str = "GB") -> str | None:
    """The number in E.164 form if it is a valid telephone number, else None."""
    import phonenumbers

    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_postcode(value: object) -> str | None:
    """A UK postcode in standard form (``LS6 2AB``), or None."""
    if not isinstance(value, str) or not _POSTCODE.match(value.strip()):
        return None
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def valid_grid_ref(value: object) -> bool:
    """A three-word location (``///index.home.raft``) or an OS grid reference."""
    return isinstance(value, str) and bool(
        _WORDS_REF.match(value.strip()) or _OS_GRID.match(value.strip().upper())
    )


def get_path(data: object, path: str) -> Any:
    """``get_path(log, "caller.name")``: the value there, or MISSING."""
    current = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return current


def is_blank(value: object) -> bool:
    return value is MISSING or value is None or (isinstance(value, str) and not value.strip())


# --- field checks: each returns an error message, or None when the value is fine ------------

Check = Callable[[object], "str | None"]


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    return "must not be longer than 20000 characters" if len(value) > 20000 else None


def _one_of(options: tuple[str, ...]) -> Check:
    def check(value: object) -> str | None:
        if not isinstance(value, str) or value not in options:
            return f"{_show(value)} is not one of: {', '.join(options)}"
        return None

    return check


def _time(value: object) -> str | None:
    if parse_time(value) is None:
        if isinstance(value, str) and _naive_time(value):
            return f"{_show(value)} has no time zone (write e.g. 2026-03-14T09:12:00+00:00)"
        return f"{_show(value)} is not an ISO 8601 date and time"
    return None


def _naive_time(value: str) -> bool:
    try:
        return datetime.fromisoformat(value.strip()).tzinfo is None
    except ValueError:
        return False


def _bool(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_kind(value)}"


def _phone(value: object) -> str | None:
    if isinstance(value, str) and normalise_phone(value) is None:
        return f"{_show(value)} is not a valid telephone number"
    return _text(value)


def _postcode(value: object) -> str | None:
    if isinstance(value, str) and normalise_postcode(value) is None:
        return f"{_show(value)} is not a UK postcode"
    return _text(value)


def _grid(value: object) -> str | None:
    if isinstance(value, str) and not valid_grid_ref(value):
        return f"{_show(value)} is neither a ///three.word.address nor an OS grid reference"
    return _text(value)


def _category(value: object) -> str | None:
    if isinstance(value, str) and not re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", value):
        return f"{_show(value)} is not a category id of the form group/name"
    return _text(value)


def _list_of(check: Check) -> Check:
    def inner(value: object) -> str | None:
        if not isinstance(value, list) or any(check(v) for v in value):
            return f"must be a list of {check.__doc__ or 'values'}"
        return None

    return inner


def _drivers(value: object) -> str | None:
    """vulnerability drivers"""
    return _one_of(VULNERABILITY_DRIVERS)(value)


def _plain_text(value: object) -> str | None:
    """text items"""
    return _text(value)


CALLER: dict[str, Check] = {"name": _text, "callback_number": _phone, "verified": _bool}
LOCATION: dict[str, Check] = {"text": _text, "postcode": _postcode, "grid_ref": _grid}
ACTION: dict[str, Check] = {"at": _time, "by": _text, "text": _text, "logged_at": _time}
ESCALATION: dict[str, Check] = {"to": _text, "route": _one_of(ROUTES), "at": _time, "why": _text,
                                "logged_at": _time}  # fmt: skip
RESOURCE: dict[str, Check] = {"resource": _text, "rationale": _text, "at": _time,
                              "logged_at": _time}  # fmt: skip
MESSAGE: dict[str, Check] = {"at": _time, "to": _text, "channel": _one_of(CHANNELS), "text": _text,
                             "read_back": _bool, "logged_at": _time}  # fmt: skip
DISCLOSURE: dict[str, Check] = {"to": _text, "data": _text, "at": _time}
STATUS_CHANGE: dict[str, Check] = {"status": _one_of(STATUSES), "at": _time}
CLOSURE: dict[str, Check] = {"code": _text, "at": _time, "confirmed_with_reporter": _bool}

# Record lists: field name → (fields of each record, fields each record must have).
RECORD_LISTS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    "actions": (ACTION, ("at", "text")),
    "escalations": (ESCALATION, ("to", "route", "at")),
    "resources": (RESOURCE, ("resource",)),
    "messages": (MESSAGE, ("at", "to", "channel", "text")),
    "disclosures": (DISCLOSURE, ("to", "data")),
    "status_history": (STATUS_CHANGE, ("status", "at")),
}
OBJECTS: dict[str, dict[str, Check]] = {
    "caller": CALLER,
    "location": LOCATION,
    "closure": CLOSURE,
}
SCALARS: dict[str, Check] = {
    "reference": _text,
    "received_at": _time,
    "logged_by": _text,
    "channel": _one_of(CHANNELS),
    "contact_type": _one_of(CONTACT_TYPES),
    "category": _category,
    "description": _text,
    "impact": _one_of(LEVELS),
    "urgency": _one_of(LEVELS),
    "priority": _one_of(PRIORITIES),
    "priority_override_reason": _text,
    "major_incident": _bool,
    "vulnerability": _list_of(_drivers),
    "hazards": _list_of(_plain_text),
    "advice_given": _list_of(_plain_text),
    "external_references": _list_of(_plain_text),
    "status": _one_of(STATUSES),
    "notes": _text,
}
LOG_FIELDS = (*SCALARS, *OBJECTS, *RECORD_LISTS)


def check_log(data: object) -> list[Problem]:
    """Every problem with the fields of an incident log; never raises on JSON-like input.

    Missing fields are not problems here: which fields are mandatory depends on the
    contact, and the scorer and the store each decide that.
    """
    if not isinstance(data, dict):
        return [Problem("(log)", f"must be a mapping of fields, not {_kind(data)}")]
    problems = []
    for key, value in data.items():
        name = str(key)
        if name in SCALARS:
            problems.extend(_checked(name, value, SCALARS[name]))
        elif name in OBJECTS:
            problems.extend(_check_object(name, value, OBJECTS[name]))
        elif name in RECORD_LISTS:
            fields, required = RECORD_LISTS[name]
            problems.extend(_check_records(name, value, fields, required))
        else:
            problems.append(Problem(_show_key(name), "unknown field", "unknown"))
    problems.extend(_check_lifecycle(data))
    return problems


def _checked(path: str, value: object, check: Check) -> Iterator[Problem]:
    if value is None:
        return
    message = check(value)
    if message:
        yield Problem(path, message)


def _check_object(path: str, value: object, fields: dict[str, Check]) -> Iterator[Problem]:
    if value is None:
        return
    if not isinstance(value, dict):
        yield Problem(path, f"must be a mapping, not {_kind(value)}")
        return
    for key, item in value.items():
        name = str(key)
        if name not in fields:
            yield Problem(f"{path}.{_show_key(name)}", "unknown field", "unknown")
        else:
            yield from _checked(f"{path}.{name}", item, fields[name])


def _check_records(
    path: str, value: object, fields: dict[str, Check], required: tuple[str, ...]
) -> Iterator[Problem]:
    if value is None:
        return
    if not isinstance(value, list):
        yield Problem(path, f"must be a list, not {_kind(value)}")
        return
    for i, record in enumerate(value):
        where = f"{path}[{i}]"
        yield from _check_object(where, record, fields)
        if isinstance(record, dict):
            for name in required:
                if is_blank(record.get(name, MISSING)):
                    yield Problem(f"{where}.{name}", "is missing")


def _check_lifecycle(data: dict) -> Iterator[Problem]:
    history = data.get("status_history")
    if not isinstance(history, list):
        return
    statuses = [h.get("status") for h in history if isinstance(h, dict)]
    statuses = [s for s in statuses if isinstance(s, str) and s in STATUSES]
    if statuses and statuses[0] != "New":
        yield Problem("status_history[0].status", f"must start at New, not {statuses[0]}")
    for i, (before, after) in enumerate(pairwise(statuses), start=1):
        if after not in TRANSITIONS[before]:
            yield Problem(
                f"status_history[{i}].status", f"{before} → {after} is not allowed", "transition"
            )
    status = data.get("status")
    if statuses and isinstance(status, str) and status in STATUSES and status != statuses[-1]:
        yield Problem("status", f"is {status} but the history ends at {statuses[-1]}")


def status_steps(data: object) -> list[tuple[int, str, str]]:
    """(index, before, after) for every disallowed step in a log's status history."""
    if not isinstance(data, dict) or not isinstance(data.get("status_history"), list):
        return []
    steps = [
        (i, h.get("status"))
        for i, h in enumerate(data["status_history"])
        if isinstance(h, dict) and h.get("status") in STATUSES
    ]
    return [
        (i, before, after)
        for (_, before), (i, after) in pairwise(steps)
        if after not in TRANSITIONS[before]
    ]


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number" if not (isinstance(value, float) and math.isnan(value)) else "NaN"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _show_key(name: str) -> str:
    return name if name and len(name) <= 40 and name.isprintable() else repr(name[:40])
