"""Sufficiency lint: what an assessor would send back, found before the portfolio is submitted.

``lint(store)`` returns findings sorted errors first, then by subject (item id,
``FRAMEWORK:criterion`` or ``portfolio``), code and message. Each rule, its severity and why:

Errors — the portfolio cannot be judged as it stands:

``no_evidence``              a criterion of a profile framework has nothing mapped to it.
``knowledge_only``           a performance criterion is evidenced only by knowledge items
                             (knowledge_check, professional_discussion): performance must be
                             shown in real or realistic work.
``too_few_types``            fewer distinct evidence types *that the criterion accepts* than its
                             ``min_evidence_types`` (types it does not list are not counted).
``reflection_no_action_plan`` a reflection whose action-plan stage is missing or blank: the
                             cycle is incomplete without it.
``witness_incomplete``       a witness testimony without the witness's role or the date observed:
                             an assessor cannot weigh or verify it.
``unflagged_personal_data``  an item that looks like it holds personal data (a titled name such
                             as "Mrs Khan", a UK phone number, an e-mail address, a UK postcode,
                             an NHS-number-like or a payment-card-like number) but is not flagged
                             as personal data. The finding names the kind, never the data.
``stale_declaration``        evidence changed after the authenticity declaration was signed.

Warnings — worth fixing, but an assessor may accept the portfolio:

``narrow_breadth``           the incident logs, escalation decisions and communication records
                             cover fewer than 3 different incident categories.
``over_mapped``              an item mapped to more than 8 criteria (a sign of thin justifying).
``reused_justification``     the same justification text used verbatim for several mappings.
``no_declaration``           the authenticity declaration has not been signed yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from incidentfolio.coverage import coverage, declaration_state

if TYPE_CHECKING:
    from incidentfolio.store import Item, Store

SEVERITIES = ("error", "warning")
KNOWLEDGE_TYPES = frozenset({"knowledge_check", "professional_discussion"})
INCIDENT_LIKE_TYPES = ("incident_log", "escalation_decision", "communication_record")
MIN_INCIDENT_CATEGORIES = 3
MAX_MAPPINGS_PER_ITEM = 8

_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+[A-Z][A-Za-z'’-]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][A-HJKMNPR-Y0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b"
)
_NHS_LIKE = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")
_CARD_LIKE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


@dataclass(frozen=True)
class LintFinding:
    """One problem: ``severity`` is ``error`` or ``warning``; ``code`` names the rule."""

    severity: str
    code: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "subject": self.subject,
            "message": self.message,
        }


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts ``1.9`` before ``1.10`` and ``EV-0002`` before ``EV-0010``."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text))


def sort_key(f: LintFinding) -> tuple[Any, ...]:
    """Errors first, then subject (naturally ordered), code and message."""
    rank = SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES)
    return (rank, f.subject == "portfolio", _natural(f.subject), f.code, f.message)


def lint(store: Store) -> list[LintFinding]:
    """Every finding for the portfolio in ``store``, sorted deterministically.

    Raises StoreError when the portfolio has no profile (or a profile framework is missing).
    """
    items = store.items()
    findings = [
        *_criterion_rules(store),
        *_breadth_rule(items),
        *_item_rules(items),
        *_reused_justifications(items),
        *_declaration_rules(store),
    ]
    return sorted(findings, key=sort_key)


def counts(findings: list[LintFinding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(f.severity == "error" for f in findings)
    return errors, len(findings) - errors


def summary_line(findings: list[LintFinding]) -> str:
    """``2 errors, 1 warning``."""
    errors, warnings = counts(findings)
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


# --- criteria ------------------------------------------------------------------------------


def _criterion_rules(store: Store) -> Iterator[LintFinding]:
    for fw in coverage(store):
        for c in fw.criteria:
            if not c.covered:
                yield LintFinding(
                    "error",
                    "no_evidence",
                    c.ref,
                    f"no evidence is mapped to this {c.kind} criterion (it needs "
                    f"{_types_needed(c.min_evidence_types)} of: {', '.join(c.accepted_types)})",
                )
                continue
            if c.kind == "performance" and set(c.item_types) <= KNOWLEDGE_TYPES:
                yield LintFinding(
                    "error",
                    "knowledge_only",
                    c.ref,
                    f"this performance criterion is evidenced only by knowledge items "
                    f"({', '.join(c.types)}); add evidence of doing it, e.g. "
                    f"{_examples(c.accepted_types)}",
                )
            if not c.sufficient:
                ignored = (
                    f"; not counted because this criterion does not accept them: "
                    f"{', '.join(c.other_types)}"
                    if c.other_types
                    else ""
                )
                yield LintFinding(
                    "error",
                    "too_few_types",
                    c.ref,
                    f"evidenced by {len(c.counted_types)} accepted evidence type"
                    f"{'s' if len(c.counted_types) != 1 else ''}"
                    f"{' (' + ', '.join(c.counted_types) + ')' if c.counted_types else ''}, "
                    f"needs {c.min_evidence_types} of: {', '.join(c.accepted_types)}{ignored}",
                )


def _types_needed(n: int) -> str:
    return f"{n} evidence type{'s' if n != 1 else ''}"


def _examples(types: tuple[str, ...]) -> str:
    doing = [t for t in types if t not in KNOWLEDGE_TYPES]
    return ", ".join(doing[:3]) or ", ".join(types)


# --- breadth -------------------------------------------------------------------------------


def incident_categories(items: list[Item]) -> dict[str, list[str]]:
    """Incident category → ids of the incident-like items that show it.

    An incident log's own ``category`` counts first; otherwise the category of its source
    scenario. A source scenario that is not shipped counts as ``scenario:ID``. Categories of
    non-incident contacts (requests, enquiries, complaints) do not count.
    """
    from incidentfolio.categories import load_categories
    from incidentfolio.scenarios import load_scenarios

    categories = load_categories()
    scenarios = load_scenarios()
    found: dict[str, list[str]] = {}
    for item in items:
        if item.type not in INCIDENT_LIKE_TYPES:
            continue
        key = None
        own = item.body.get("category") if item.type == "incident_log" else None
        if isinstance(own, str) and own.strip():
            key = own.strip()
        elif item.source_scenario:
            scenario = scenarios.get(item.source_scenario)
            key = scenario.truth["category"] if scenario else f"scenario:{item.source_scenario}"
        if key is None:
            continue
        known = categories.get(key)
        if known is not None and known.contact_type != "incident":
            continue
        found.setdefault(key, []).append(item.id)
    return found


def _breadth_rule(items: list[Item]) -> Iterator[LintFinding]:
    found = incident_categories(items)
    if len(found) < MIN_INCIDENT_CATEGORIES:
        shown = f": {', '.join(sorted(found))}" if found else ""
        yield LintFinding(
            "warning",
            "narrow_breadth",
            "portfolio",
            f"incident logs, escalation decisions and communication records cover "
            f"{len(found)} incident categor{'y' if len(found) == 1 else 'ies'}{shown}; "
            f"show at least {MIN_INCIDENT_CATEGORIES} different kinds of incident",
        )


# --- items ---------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _item_rules(items: list[Item]) -> Iterator[LintFinding]:
    for item in items:
        if item.type == "reflection" and _blank(item.body.get("action_plan")):
            yield LintFinding(
                "error",
                "reflection_no_action_plan",
                item.id,
                "the reflection has no action plan: say what you will do differently and by when",
            )
        if item.type == "witness_testimony":
            missing = [
                label
                for key, label in (("witness_role", "role"), ("date_observed", "date observed"))
                if _blank(item.body.get(key))
            ]
            if missing:
                yield LintFinding(
                    "error",
                    "witness_incomplete",
                    item.id,
                    f"the witness testimony has no witness {' or '.join(missing)}",
                )
        if not item.personal_data:
            kinds = personal_data_kinds(_item_text(item))
            if kinds:
                yield LintFinding(
                    "error",
                    "unflagged_personal_data",
                    item.id,
                    f"looks like it contains personal data ({', '.join(kinds)}) but is not "
                    "flagged as personal data: anonymise it or flag it",
                )
        if len(item.mappings) > MAX_MAPPINGS_PER_ITEM:
            yield LintFinding(
                "warning",
                "over_mapped",
                item.id,
                f"mapped to {len(item.mappings)} criteria (more than {MAX_MAPPINGS_PER_ITEM}): "
                "keep the criteria it shows best and justify each one",
            )


def _item_text(item: Item) -> str:
    from incidentfolio.evidence_types import body_text

    parts = [item.title, body_text(item.type, item.body)]
    parts.extend(m.justification for m in item.mappings)
    parts.extend(m.anchor for m in item.mappings if m.anchor)
    return "\n".join(parts)


def personal_data_kinds(text: str) -> list[str]:
    """The kinds of personal data that ``text`` seems to hold (never the data itself)."""
    import phonenumbers

    kinds = []
    if _TITLED_NAME.search(text):
        kinds.append("a name with a title")
    try:
        has_phone = any(True for _ in phonenumbers.PhoneNumberMatcher(text, "GB"))
    except Exception:  # the matcher must never stop a lint run
        has_phone = False
    if has_phone:
        kinds.append("a UK phone number")
    if _EMAIL.search(text):
        kinds.append("an e-mail address")
    if _POSTCODE.search(text):
        kinds.append("a UK postcode")
    if any(nhs_number_ok(m.group()) for m in _NHS_LIKE.finditer(text)):
        kinds.append("an NHS-number-like number")
    if any(luhn_ok(m.group()) for m in _CARD_LIKE.finditer(text)):
        kinds.append("a payment-card-like number")
    return kinds


def nhs_number_ok(text: str) -> bool:
    """10 digits passing the NHS number modulus-11 check (separators ignored)."""
    digits = [int(ch) for ch in text if ch.isdigit()]
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def luhn_ok(text: str) -> bool:
    """13–19 digits passing the Luhn check (separators ignored)."""
    digits = [int(ch) for ch in text if ch.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _reused_justifications(items: list[Item]) -> Iterator[LintFinding]:
    uses: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        for m in item.mappings:
            uses.setdefault(_normal(m.justification), []).append((item.id, m.ref))
    for pairs in uses.values():
        if len(pairs) < 2:
            continue
        where = ", ".join(f"{item_id} → {ref}" for item_id, ref in pairs)
        yield LintFinding(
            "warning",
            "reused_justification",
            pairs[0][0],
            f"the same justification is used for {len(pairs)} mappings ({where}); say how "
            "each item shows each criterion",
        )


# --- declaration ---------------------------------------------------------------------------


def _declaration_rules(store: Store) -> Iterator[LintFinding]:
    state = declaration_state(store)
    if state.state == "none":
        yield LintFinding(
            "warning",
            "no_declaration",
            "portfolio",
            "the authenticity declaration has not been signed: run `incidentfolio declare` "
            "before you submit",
        )
    elif state.state == "stale":
        n = state.changes_since
        yield LintFinding(
            "error",
            "stale_declaration",
            "portfolio",
            f"the evidence changed {n} time{'s' if n != 1 else ''} after the declaration of "
            f"{state.declared_at}: run `incidentfolio declare` again",
        )
