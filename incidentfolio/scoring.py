"""Scoring an incident log against a scenario's hidden truth.

``score(scenario, log)`` returns marks per criterion and findings. What each finding means,
costs and says lives in ``portfolio_templates/scoring.yaml``; this module only decides
*whether* a finding applies and fills in the details its message names.
"""

from __future__ import annotations

import copy
import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidentfolio.incident_log import (
    MISSING,
    PRIORITIES,
    check_log,
    get_path,
    is_blank,
    normalise_phone,
    normalise_postcode,
    parse_time,
    status_steps,
)
from incidentfolio.scenarios import Scenario
from incidentfolio.scoring_rules import ScoringRules, load_rules

TYPE_LABELS = {
    "incident": "an incident",
    "service_request": "a service request",
    "enquiry": "an enquiry",
    "complaint": "a complaint",
}
_TIMED_LISTS = ("actions", "escalations", "resources", "messages", "disclosures", "status_history")


@dataclass(frozen=True)
class Finding:
    """One thing the log got wrong, tied to criteria and the misconceptions it shows."""

    code: str
    severity: str
    message: str
    criteria: tuple[str, ...]
    misconceptions: tuple[str, ...]
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "criteria": list(self.criteria),
            "misconceptions": list(self.misconceptions),
        }


@dataclass(frozen=True)
class CriterionMarks:
    criterion: str
    awarded: int
    available: int


@dataclass(frozen=True)
class ScoreReport:
    """The result of scoring one log: totals, marks per criterion and findings."""

    scenario_id: str
    framework: str
    total: int
    max: int
    marks: tuple[CriterionMarks, ...]
    findings: tuple[Finding, ...]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "framework": self.framework,
            "total": self.total,
            "max": self.max,
            "marks": {
                m.criterion: {"awarded": m.awarded, "available": m.available} for m in self.marks
            },
            "findings": [f.as_dict() for f in self.findings],
        }


class _Fields(dict):
    """Message fields; a field a message names but the scorer did not fill shows as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def message_fields(template: str) -> set[str]:
    """The named fields a message template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass
class _Scorer:
    scenario: Scenario
    log: dict[str, Any]
    rules: ScoringRules
    found: list[Finding] = field(default_factory=list)

    # --- helpers -----------------------------------------------------------------------------
    def add(self, code: str, field_path: str | None = None, **fields: Any) -> None:
        rule = self.rules.finding(code)
        message = rule.message.format_map(_Fields(field=field_path, **fields))
        self.found.append(
            Finding(code, rule.severity, message, rule.criteria, rule.misconceptions, field_path)
        )

    @property
    def truth(self) -> dict[str, Any]:
        return self.scenario.truth

    def value(self, path: str) -> Any:
        return get_path(self.log, path)

    def records(self, name: str) -> list[tuple[int, dict[str, Any]]]:
        items = self.log.get(name)
        if not isinstance(items, list):
            return []
        return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]

    def strings(self, name: str) -> list[str]:
        """The text items of a list field (anything else in it is an invalid_field finding)."""
        items = self.log.get(name)
        return [i for i in items if isinstance(i, str)] if isinstance(items, list) else []

    def received(self) -> datetime | None:
        return parse_time(self.log.get("received_at"))

    def minutes_after_receipt(self, value: object) -> int | None:
        start, moment = self.received(), parse_time(value)
        if start is None or moment is None:
            return None
        return round((moment - start).total_seconds() / 60)

    def text_of(self, value: object) -> str:
        return value.strip() if isinstance(value, str) else ""

    # --- checks ------------------------------------------------------------------------------
    def run(self) -> None:
        for problem in check_log(self.log):
            if problem.kind != "transition":
                self.add("invalid_field", problem.field, detail=problem.message)
        self.check_fields()
        self.check_classification()
        if self.scenario.is_incident:
            self.check_priority()
        self.check_escalation()
        self.check_notify()
        if "comms" in self.truth:
            self.check_messages()
        self.check_resources()
        self.check_advice()
        self.check_data_protection()
        self.check_vulnerability()
        self.check_timeline()
        self.check_opinion()
        self.check_status()

    def check_fields(self) -> None:
        kind = "incident" if self.scenario.is_incident else "other"
        required = self.truth.get("required_fields", {})
        for path in dict.fromkeys([*self.rules.mandatory_fields[kind], *required]):
            if is_blank(self.value(path)):
                self.add("missing_field", path)
        for path, expected in required.items():
            logged = self.value(path)
            if not is_blank(logged) and not _same(logged, expected):
                self.add("incorrect_detail", path, logged=logged, expected=expected)

    def check_classification(self) -> None:
        logged = self.log.get("contact_type")
        expected = self.scenario.contact_type
        if isinstance(logged, str) and logged in TYPE_LABELS and logged != expected:
            self.add(
                "misclassified_contact",
                "contact_type",
                expected_label=TYPE_LABELS[expected],
                logged_label=TYPE_LABELS[logged],
                detail=self.truth["explanation"].strip(),
            )
        category = self.log.get("category")
        accepted = [self.truth["category"], *self.truth.get("category_accept", [])]
        if isinstance(category, str) and category.strip() and category not in accepted:
            from incidentfolio.categories import load_categories

            expected_cat = load_categories()[self.truth["category"]]
            self.add(
                "wrong_category",
                "category",
                logged=category,
                expected=expected_cat.id,
                expected_label=expected_cat.label,
            )

    def check_priority(self) -> None:
        from incidentfolio.priority import load_priority_matrix

        logged = self.log.get("priority")
        if logged not in PRIORITIES:
            return
        expected = self.truth["priority"]
        details = {"logged": logged, "expected": expected,
                   "impact": self.truth["impact"], "urgency": self.truth["urgency"]}  # fmt: skip
        if self.truth.get("risk_to_life") and logged != "P1":
            self.add("risk_to_life_not_p1", "priority", **details)
        elif int(logged[1]) > int(expected[1]):
            self.add("under_prioritised", "priority", **details)
        elif int(logged[1]) < int(expected[1]):
            self.add("over_prioritised", "priority", **details)
        impact, urgency = self.log.get("impact"), self.log.get("urgency")
        matrix = load_priority_matrix()
        if impact in ("high", "medium", "low") and urgency in ("high", "medium", "low"):
            own = matrix.cell(impact, urgency).code
            if own != logged and is_blank(self.log.get("priority_override_reason", MISSING)):
                self.add(
                    "priority_inconsistent",
                    "priority",
                    impact=impact,
                    urgency=urgency,
                    expected=own,
                    logged=logged,
                )

    def check_escalation(self) -> None:
        truth = self.truth.get("escalation", {"required": False, "threshold": ""})
        allowed = truth.get("to", [])
        escalations = [
            (i, r, self.minutes_after_receipt(r.get("at"))) for i, r in self.records("escalations")
        ]
        for i, record, _ in escalations:
            if is_blank(record.get("why", MISSING)):
                self.add("escalation_without_reason", f"escalations[{i}]")
        label = self.contact_label
        if not truth["required"]:
            for i, record, _ in escalations:
                if not isinstance(record.get("to"), str) or record["to"] not in allowed:
                    self.add(
                        "escalation_not_needed",
                        f"escalations[{i}].to",
                        target=label(record.get("to")),
                        detail=truth["threshold"].strip(),
                    )
            return
        expected = " or ".join(label(who) for who in allowed)
        latest = truth["latest_minute"]
        if not escalations:
            self.add("not_escalated", "escalations", expected=expected,
                     detail=truth["threshold"].strip(), limit=latest)  # fmt: skip
            return
        matched = [(i, r, m) for i, r, m in escalations if r.get("to") in allowed]
        if not matched:
            i, record, _ = escalations[0]
            self.add(
                "wrong_escalation_level",
                f"escalations[{i}].to",
                target=label(record.get("to")),
                route=truth.get("route", "the agreed"),
                expected=expected,
            )
            return
        i, record, minute = matched[0]
        if minute is None:
            return  # an unreadable time is already an invalid_field finding
        target = label(record.get("to"))
        if minute > latest:
            self.add("escalated_too_late", f"escalations[{i}].at", target=target, minutes=minute,
                     limit=latest, detail=truth["threshold"].strip())  # fmt: skip
        elif minute < truth.get("earliest_minute", 0):
            self.add("escalated_too_soon", f"escalations[{i}].at", target=target, minutes=minute,
                     detail=truth["threshold"].strip())  # fmt: skip

    def check_notify(self) -> None:
        sent = [
            (r.get("to"), self.minutes_after_receipt(r.get("at")))
            for name in ("messages", "escalations")
            for _, r in self.records(name)
        ]
        for note in self.truth.get("notify", []):
            in_time = any(
                who == note["who"] and minute is not None and minute <= note["within_minutes"]
                for who, minute in sent
            )
            if not in_time:
                contact = self.rules.contacts[note["who"]]
                self.add("stakeholder_not_updated", "messages", target=contact.label,
                         limit=note["within_minutes"], detail=note["why"].strip())  # fmt: skip

    def check_messages(self) -> None:
        comms = self.truth["comms"]
        messages = self.records("messages")
        for i, msg in messages:
            channel = msg.get("channel")
            if self.is_stakeholder(msg.get("to")):
                continue  # updates to stakeholders go wherever those people are
            if isinstance(channel, str) and channel not in comms["channels"]:
                self.add("wrong_channel", f"messages[{i}].channel", logged=channel,
                         expected=" or ".join(comms["channels"]))  # fmt: skip
        used = {m.get("channel") for _, m in messages if isinstance(m.get("channel"), str)}
        if comms.get("backup_required") and len(used) == 1:
            self.add("single_channel", "messages", logged=next(iter(used)))
        for i, msg in messages:
            if self.is_stakeholder(msg.get("to")):
                continue
            target = self.contact_label(msg.get("to"))
            if comms.get("read_back_required") and msg.get("read_back") is not True:
                self.add("no_read_back", f"messages[{i}]", target=target)
            if self.contact_kind(msg.get("to")) == "hierarchical":
                continue  # managers are briefed; responders are the ones who must not guess
            missing = self.missing_from_message(self.text_of(msg.get("text")),
                                                comms.get("must_include", []))  # fmt: skip
            if missing:
                self.add("ambiguous_message", f"messages[{i}].text", target=target,
                         detail=" and ".join(missing))  # fmt: skip

    def contact_kind(self, who: object) -> str | None:
        contact = self.rules.contacts.get(who) if isinstance(who, str) else None
        return contact.kind if contact else None

    def is_stakeholder(self, who: object) -> bool:
        return self.contact_kind(who) == "stakeholder"

    def contact_label(self, who: object) -> str:
        contact = self.rules.contacts.get(who) if isinstance(who, str) else None
        return contact.label if contact else str(who)

    def missing_from_message(self, text: str, wanted: list[str]) -> list[str]:
        folded = " ".join(text.casefold().split())
        digits = re.sub(r"\D", "", text)
        missing = []
        for item in wanted:
            if item == "reference":
                ref = self.text_of(self.log.get("reference")).casefold()
                if not ref or ref not in folded:
                    missing.append("the incident reference")
            elif item == "location":
                postcode = normalise_postcode(self.value("location.postcode"))
                place = self.text_of(self.value("location.text")).casefold()
                compact = folded.replace(" ", "").upper()
                found = (postcode and postcode.replace(" ", "") in compact) or (
                    place and " ".join(place.split()) in folded
                )
                if not found:
                    missing.append("the exact location")
            elif item == "hazards":
                hazards = self.strings("hazards")
                if not hazards or not any(h.casefold() in folded for h in hazards):
                    missing.append("the hazards")
            elif item == "callback_number":
                number = re.sub(r"\D", "", self.text_of(self.value("caller.callback_number")))
                if not number or number[-9:] not in digits:
                    missing.append("the callback number")
        return missing

    def check_resources(self) -> None:
        wanted = {r["id"]: r for r in self.truth.get("resources", [])}
        options = {r["id"]: r for r in self.truth.get("resource_options", [])}
        deployed = set()
        for i, record in self.records("resources"):
            rid = record.get("resource")
            rid = rid if isinstance(rid, str) else repr(rid)  # any JSON value must be safe here
            deployed.add(rid)
            label = (wanted.get(rid) or options.get(rid) or {"label": str(rid)})["label"]
            if rid not in wanted:
                self.add("inappropriate_resource", f"resources[{i}].resource", resource=label)
            if is_blank(record.get("rationale", MISSING)):
                self.add("no_deployment_rationale", f"resources[{i}]", resource=label)
        for rid, resource in wanted.items():
            if rid not in deployed:
                self.add("resource_missing", "resources", resource=resource["label"],
                         detail=resource["why"].strip())  # fmt: skip

    def check_advice(self) -> None:
        advice = self.truth.get("advice", {})
        given = " ".join(" ".join(a.casefold().split()) for a in self.strings("advice_given"))
        for item in advice.get("must_give", []):
            if not any(k.casefold() in given for k in item["keywords"]):
                self.add("safety_advice_missing", "advice_given", detail=item["text"].strip())
        for item in advice.get("must_not_give", []):
            if any(k.casefold() in given for k in item["keywords"]):
                self.add("advice_not_allowed", "advice_given", detail=item["text"].strip())

    def check_data_protection(self) -> None:
        verified = self.value("caller.verified") is True
        if not verified:
            for i, record in self.records("disclosures"):
                self.add("pd_disclosed_unverified", f"disclosures[{i}]",
                         detail=self.text_of(record.get("data")) or "personal data")  # fmt: skip
        for path, text in self.free_text():
            for sensitive in self.rules.sensitive_data:
                if sensitive.found_in(text):
                    self.add("sensitive_data_recorded", path, detail=sensitive.label)

    def free_text(self) -> list[tuple[str, str]]:
        out = [(name, self.log[name]) for name in ("description", "notes")
               if isinstance(self.log.get(name), str)]  # fmt: skip
        for name, key in (("actions", "text"), ("messages", "text"), ("escalations", "why")):
            out += [(f"{name}[{i}].{key}", r[key]) for i, r in self.records(name)
                    if isinstance(r.get(key), str)]  # fmt: skip
        advice = self.log.get("advice_given")
        if isinstance(advice, list):
            out += [(f"advice_given[{i}]", a) for i, a in enumerate(advice) if isinstance(a, str)]
        return out

    def check_vulnerability(self) -> None:
        vulnerability = self.truth.get("vulnerability")
        if vulnerability and not self.log.get("vulnerability"):
            self.add("vulnerability_not_recorded", "vulnerability",
                     detail=vulnerability["note"].strip())  # fmt: skip

    def check_timeline(self) -> None:
        start = self.received()
        if start is None:
            return
        late = self.rules.late_entry_minutes
        for name in _TIMED_LISTS:
            previous = None
            for i, record in self.records(name):
                moment = parse_time(record.get("at"))
                if moment is None:
                    continue
                where = f"{name}[{i}].at"
                shown = record.get("at")
                if moment < start:
                    self.add("timestamps_out_of_order", where, logged=shown,
                             detail="before the contact was received")  # fmt: skip
                elif previous is not None and moment < previous:
                    self.add("timestamps_out_of_order", where, logged=shown,
                             detail="earlier than the entry before it")  # fmt: skip
                previous = moment
                written = parse_time(record.get("logged_at"))
                if written is not None:
                    lag = round((written - moment).total_seconds() / 60)
                    if lag > late:
                        self.add("late_entry", f"{name}[{i}]", minutes=lag, limit=late)

    def check_opinion(self) -> None:
        texts = [("description", self.log.get("description"))]
        texts += [(f"actions[{i}].text", r.get("text")) for i, r in self.records("actions")]
        for path, text in texts:
            if not isinstance(text, str):
                continue
            for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
                lowered = sentence.casefold()
                marker = next(
                    (m for m in self.rules.opinion_markers
                     if re.search(rf"\b{re.escape(m)}\b", lowered)),
                    None,
                )  # fmt: skip
                if marker and not any(a in lowered for a in self.rules.attribution_markers):
                    self.add("opinion_as_fact", path, detail=sentence.strip()[:80])

    def check_status(self) -> None:
        for i, before, after in status_steps(self.log):
            self.add("invalid_status_transition", f"status_history[{i}].status",
                     logged=before, expected=after)  # fmt: skip
        if self.log.get("status") == "Closed":
            if self.value("closure.confirmed_with_reporter") is not True:
                self.add("closed_without_confirmation", "closure.confirmed_with_reporter")
            if is_blank(self.value("closure.code")):
                self.add("missing_field", "closure.code")


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _folded(text: str) -> str:
    """Text compared loosely: case, runs of spaces and curly quotes do not matter."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def _same(logged: object, expected: object) -> bool:
    if isinstance(logged, str) and isinstance(expected, str):
        for normalise in (normalise_phone, normalise_postcode):
            a, b = normalise(logged), normalise(expected)
            if a and b:
                return a == b
        return " ".join(logged.casefold().split()) == " ".join(expected.casefold().split())
    return logged == expected


def score(scenario: Scenario, log: object, *, rules: ScoringRules | None = None) -> ScoreReport:
    """Score ``log`` (any JSON-like value) against ``scenario``; never raises on bad input."""
    rules = rules or load_rules()
    scorer = _Scorer(scenario, log if isinstance(log, dict) else {}, rules)
    if isinstance(log, dict):
        scorer.run()
    else:
        scorer.add("invalid_log", None, detail=check_log(log)[0].message)
    order = {code: n for n, code in enumerate(rules.findings)}
    findings = sorted(scorer.found, key=lambda f: (order[f.code], f.field or "", f.message))
    in_scope = [c for c in scenario.criteria_in(rules.framework) if c in rules.criterion_marks]
    lost = dict.fromkeys(in_scope, 0)
    for finding in findings:
        penalty = rules.finding(finding.code).penalty
        for criterion in finding.criteria:
            if criterion in lost:
                lost[criterion] += penalty
    marks = tuple(
        CriterionMarks(c, max(0, rules.criterion_marks[c] - lost[c]), rules.criterion_marks[c])
        for c in sorted(in_scope, key=lambda c: tuple(int(p) for p in c.split(".")))
    )
    return ScoreReport(
        scenario_id=scenario.id,
        framework=rules.framework,
        total=sum(m.awarded for m in marks),
        max=sum(m.available for m in marks),
        marks=marks,
        findings=tuple(findings),
    )


# --- worked examples: a model log with one mistake introduced --------------------------------

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _split_path(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _PATH_PART.findall(path)]


def apply_changes(log: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``log`` with ``set``/``delete``/``append`` changes applied at dotted paths.

    Used for the worked examples in ``scoring.yaml`` (a model log with one mistake made).
    """
    result = copy.deepcopy(log)
    for change in changes:
        op = next(k for k in ("set", "delete", "append") if k in change)
        *parents, last = _split_path(change[op])
        target: Any = result
        for part in parents:
            target = target[part]
        if op == "set":
            target[last] = copy.deepcopy(change["value"])
        elif op == "delete":
            del target[last]
        elif isinstance(target, dict):
            target.setdefault(last, []).append(copy.deepcopy(change["value"]))
        else:
            target[last].append(copy.deepcopy(change["value"]))
    return result
