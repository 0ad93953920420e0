"""The scoring rules file: findings, penalties, mandatory fields and contact vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError


@dataclass(frozen=True)
class FindingRule:
    """What one finding code means: severity, cost, criteria, misconceptions and message."""

    code: str
    severity: str
    penalty: int
    criteria: tuple[str, ...]
    misconceptions: tuple[str, ...]
    message: str
    demo: dict[str, Any] | None


@dataclass(frozen=True)
class Contact:
    """Someone a log can escalate to, notify or message."""

    id: str
    label: str
    kind: str  # functional | hierarchical | external | stakeholder


@dataclass(frozen=True)
class SensitivePattern:
    """Something that must never be written in a log, e.g. a card number."""

    id: str
    label: str
    pattern: re.Pattern[str]
    check: str | None = None  # "luhn": only digit runs that pass the card checksum count

    def found_in(self, text: str) -> bool:
        for match in self.pattern.finditer(text):
            if self.check != "luhn" or luhn_valid(re.sub(r"\D", "", match.group())):
                return True
        return False


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number passes."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return bool(digits) and total % 10 == 0


@dataclass(frozen=True)
class ScoringRules:
    framework: str
    criterion_marks: dict[str, int]
    late_entry_minutes: int
    mandatory_fields: dict[str, tuple[str, ...]]
    contacts: dict[str, Contact]
    opinion_markers: tuple[str, ...]
    attribution_markers: tuple[str, ...]
    sensitive_data: tuple[SensitivePattern, ...]
    findings: dict[str, FindingRule]
    source: Path

    def finding(self, code: str) -> FindingRule:
        return self.findings[code]


def rules_from_data(data: object, path: Path) -> ScoringRules:
    """Validate parsed scoring rules; every message must format with the scorer's fields."""
    validate(data, "scoring", path)
    raw: dict[str, Any] = data  # type: ignore[assignment]
    findings: dict[str, FindingRule] = {}
    for i, f in enumerate(raw["findings"]):
        if f["code"] in findings:
            raise ContentError(path, f"findings[{i}].code", f"duplicate finding {f['code']}")
        unknown = [c for c in f["criteria"] if c not in raw["criterion_marks"]]
        if unknown:
            raise ContentError(
                path, f"findings[{i}].criteria", f"{unknown[0]} has no marks in criterion_marks"
            )
        findings[f["code"]] = FindingRule(
            code=f["code"],
            severity=f["severity"],
            penalty=f["penalty"],
            criteria=tuple(f["criteria"]),
            misconceptions=tuple(f["misconceptions"]),
            message=f["message"],
            demo=f.get("demo"),
        )
    patterns = []
    for i, s in enumerate(raw["sensitive_data"]):
        try:
            patterns.append(
                SensitivePattern(s["id"], s["label"], re.compile(s["pattern"]), s.get("check"))
            )
        except re.error as exc:
            raise ContentError(
                path, f"sensitive_data[{i}].pattern", f"bad pattern: {exc}"
            ) from None
    contacts = {c["id"]: Contact(c["id"], c["label"], c["kind"]) for c in raw["contacts"]}
    return ScoringRules(
        framework=raw["framework"],
        criterion_marks=dict(raw["criterion_marks"]),
        late_entry_minutes=raw["thresholds"]["late_entry_minutes"],
        mandatory_fields={k: tuple(v) for k, v in raw["mandatory_fields"].items()},
        contacts=contacts,
        opinion_markers=tuple(m.lower() for m in raw["opinion_markers"]),
        attribution_markers=tuple(m.lower() for m in raw["attribution_markers"]),
        sensitive_data=tuple(patterns),
        findings=findings,
        source=path,
    )


@cache
def load_rules() -> ScoringRules:
    """The shipped scoring rules (cached)."""
    path = paths.templates_dir() / "scoring.yaml"
    return rules_from_data(load_data(path), path)
