"""Practice scenarios: the contact the learner reads, and the hidden truth scoring uses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError


@dataclass(frozen=True)
class Turn:
    """One line of the contact. A turn with ``ask`` is revealed only when the learner asks."""

    speaker: str
    text: str
    ask_topic: str | None = None
    ask_question: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. ``truth`` and ``model_log`` keep the file's structure."""

    id: str
    title: str
    sector: str
    channel: str
    difficulty: str
    summary: str
    turns: tuple[Turn, ...]
    truth: dict[str, Any]
    criteria: tuple[str, ...]
    assessor_notes: str
    model_log: dict[str, Any]
    source: Path

    @property
    def contact_type(self) -> str:
        return self.truth["contact_type"]

    @property
    def is_incident(self) -> bool:
        return self.contact_type == "incident"

    @property
    def priority(self) -> str | None:
        return self.truth.get("priority")

    @property
    def vulnerable(self) -> bool:
        return "vulnerability" in self.truth

    @property
    def multi_agency(self) -> bool:
        return bool(self.truth.get("multi_agency"))

    @property
    def hidden_incident(self) -> bool:
        """Presented as something routine (e.g. a complaint) but really an incident."""
        presented = self.truth.get("presented_as")
        return self.is_incident and presented not in (None, "incident")

    def criteria_in(self, framework_id: str) -> list[str]:
        """This scenario's criterion ids within one framework (``1.3``, not ``k503-0421:1.3``)."""
        return [
            ref.split(":", 1)[1] for ref in self.criteria if ref.split(":", 1)[0] == framework_id
        ]

    def summary_row(self) -> dict[str, Any]:
        """The facts ``incidentfolio scenarios --json`` shows (no hidden answers beyond counts)."""
        return {
            "id": self.id,
            "title": self.title,
            "sector": self.sector,
            "channel": self.channel,
            "difficulty": self.difficulty,
            "contact_type": self.contact_type,
            "presented_as": self.truth.get("presented_as", self.contact_type),
            "priority": self.priority,
            "vulnerable": self.vulnerable,
            "multi_agency": self.multi_agency,
            "criteria": list(self.criteria),
        }


def scenario_from_data(data: object, path: Path) -> Scenario:
    """Validate parsed scenario data: schema, then references and priority consistency."""
    validate(data, "scenario", path)
    raw: dict[str, Any] = data  # type: ignore[assignment]
    if path.suffix and path.stem != raw["id"]:
        raise ContentError(path, "id", f"{raw['id']} does not match the file name {path.stem}")
    truth = raw["truth"]
    _check_truth(truth, path)
    _check_criteria(raw["criteria"], path)
    _check_turns(raw["turns"], path)
    _check_model_log(raw["model_log"], path)
    return Scenario(
        id=raw["id"],
        title=raw["title"],
        sector=raw["sector"],
        channel=raw["channel"],
        difficulty=raw["difficulty"],
        summary=raw["summary"].strip(),
        turns=tuple(
            Turn(
                t["speaker"],
                t["text"].strip(),
                t.get("ask", {}).get("topic"),
                t.get("ask", {}).get("question"),
                t.get("note"),
            )
            for t in raw["turns"]
        ),
        truth=truth,
        criteria=tuple(raw["criteria"]),
        assessor_notes=raw["assessor_notes"].strip(),
        model_log=raw["model_log"],
        source=path,
    )


def _check_truth(truth: dict[str, Any], path: Path) -> None:
    from incidentfolio.categories import load_categories
    from incidentfolio.priority import load_priority_matrix
    from incidentfolio.scoring_rules import load_rules

    categories = load_categories()
    kind = truth["contact_type"]
    for i, cid in enumerate([truth["category"], *truth.get("category_accept", [])]):
        where = "truth.category" if i == 0 else f"truth.category_accept[{i - 1}]"
        if cid not in categories:
            raise ContentError(path, where, f"unknown category {cid}")
        if categories[cid].contact_type != kind:
            raise ContentError(
                path, where, f"{cid} is a {categories[cid].contact_type} category, not {kind}"
            )
    if kind == "incident":
        for name in ("impact", "urgency", "priority", "location", "escalation", "comms"):
            if name not in truth:
                raise ContentError(path, f"truth.{name}", "is required for an incident")
        matrix = load_priority_matrix()
        expected = matrix.cell(truth["impact"], truth["urgency"]).code
        override = truth.get("priority_override")
        if truth["priority"] != expected and not override:
            raise ContentError(
                path,
                "truth.priority",
                f"{truth['priority']} differs from the matrix ({truth['impact']} impact, "
                f"{truth['urgency']} urgency gives {expected}) and no priority_override says why",
            )
        if truth.get("risk_to_life") and truth["priority"] != "P1":
            raise ContentError(path, "truth.priority", "a risk to life must be P1")
    else:
        for name in ("impact", "urgency", "priority", "priority_override", "risk_to_life"):
            if name in truth:
                raise ContentError(path, f"truth.{name}", f"does not apply to a {kind}")
    contacts = load_rules().contacts
    escalation = truth.get("escalation", {})
    if escalation.get("required"):
        for name in ("to", "route", "latest_minute"):
            if not escalation.get(name):
                raise ContentError(path, f"truth.escalation.{name}", "is needed when required")
        if escalation.get("earliest_minute", 0) > escalation["latest_minute"]:
            raise ContentError(path, "truth.escalation.earliest_minute", "is after latest_minute")
    for i, who in enumerate(escalation.get("to", [])):
        if who not in contacts or contacts[who].kind == "stakeholder":
            raise ContentError(
                path, f"truth.escalation.to[{i}]", f"{who} is not an escalation contact"
            )
    for i, note in enumerate(truth.get("notify", [])):
        if note["who"] not in contacts:
            raise ContentError(path, f"truth.notify[{i}].who", f"unknown contact {note['who']}")
    ids = [r["id"] for r in truth.get("resources", [])]
    options = [r["id"] for r in truth.get("resource_options", [])]
    if len(set(ids + options)) != len(ids + options):
        raise ContentError(path, "truth.resources", "resource ids must be unique")
    if truth.get("multi_agency") and ("methane" not in truth or len(truth.get("agencies", [])) < 2):
        raise ContentError(path, "truth.multi_agency", "needs a methane message and 2+ agencies")


def _check_criteria(refs: list[str], path: Path) -> None:
    from incidentfolio.frameworks import check_criterion_refs

    check_criterion_refs(refs, path)
    if not {"k503-0421:1.3", "k503-0421:1.4"} <= set(refs):
        raise ContentError(path, "criteria", "every scenario evidences k503-0421:1.3 and 1.4")


def _check_turns(turns: list[dict[str, Any]], path: Path) -> None:
    topics = [t["ask"]["topic"] for t in turns if "ask" in t]
    if len(set(topics)) != len(topics):
        raise ContentError(path, "turns", "each ask topic may be used once")
    if not any("ask" in t for t in turns):
        raise ContentError(path, "turns", "needs at least one detail the learner must ask for")


def _check_model_log(log: dict[str, Any], path: Path) -> None:
    from incidentfolio.incident_log import check_log

    problems = check_log(log)
    if problems:
        raise ContentError(path, f"model_log.{problems[0].field}", problems[0].message)


def scenario_files() -> list[Path]:
    return sorted(paths.scenarios_dir().glob("*.yaml"))


@cache
def load_scenarios() -> dict[str, Scenario]:
    """All shipped scenarios by id (cached, in file-name order)."""
    return {s.id: s for s in (scenario_from_data(load_data(p), p) for p in scenario_files())}


def get_scenario(scenario_id: str) -> Scenario:
    """One scenario by id, or a domain error naming the unknown id."""
    found = load_scenarios()
    if scenario_id not in found:
        raise IncidentfolioError(
            f"no scenario {scenario_id!r} (see `incidentfolio scenarios` for the list)"
        )
    return found[scenario_id]
