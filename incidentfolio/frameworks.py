"""Criteria frameworks: learning outcomes and assessment criteria that evidence maps to."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError


@dataclass(frozen=True)
class LearningOutcome:
    id: str
    title: str


@dataclass(frozen=True)
class Criterion:
    """One assessment criterion, e.g. k503-0421 1.3 "Record the contact … in an incident log"."""

    id: str
    lo: str
    statement: str
    kind: str  # "knowledge" | "performance"
    evidence_types: tuple[str, ...]
    min_evidence_types: int
    marking_points: tuple[str, ...]
    misconceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    """A validated framework; criteria keep the file's order, ids are unique."""

    id: str
    title: str
    level: str
    provisional: bool
    awarding_notes: str
    learning_outcomes: tuple[LearningOutcome, ...]
    criteria: tuple[Criterion, ...]
    source: Path

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise IncidentfolioError(f"framework {self.id} has no criterion {criterion_id}")

    def criteria_for(self, lo_id: str) -> list[Criterion]:
        return [c for c in self.criteria if c.lo == lo_id]


def load_framework(path: Path) -> Framework:
    """Load one framework file, checking its schema and that ids and LO references agree."""
    return framework_from_data(load_data(path), path)


def framework_from_data(data: object, path: Path) -> Framework:
    """Validate already-parsed framework data read from ``path``."""
    validate(data, "framework", path)
    los = tuple(LearningOutcome(**lo) for lo in data["learning_outcomes"])
    lo_ids = [lo.id for lo in los]
    if len(set(lo_ids)) != len(lo_ids):
        raise ContentError(path, "learning_outcomes", "learning outcome ids must be unique")
    seen: set[str] = set()
    criteria = []
    for i, raw in enumerate(data["criteria"]):
        where = f"criteria[{i}]"
        if raw["id"] in seen:
            raise ContentError(path, f"{where}.id", f"duplicate criterion id {raw['id']}")
        seen.add(raw["id"])
        if raw["lo"] not in lo_ids:
            raise ContentError(path, f"{where}.lo", f"{raw['lo']} is not a learning outcome here")
        if raw["min_evidence_types"] > len(raw["evidence_types"]):
            raise ContentError(
                path, f"{where}.min_evidence_types", "is more than the evidence types accepted"
            )
        criteria.append(
            Criterion(
                id=raw["id"],
                lo=raw["lo"],
                statement=raw["statement"].strip(),
                kind=raw["kind"],
                evidence_types=tuple(raw["evidence_types"]),
                min_evidence_types=raw["min_evidence_types"],
                marking_points=tuple(m.strip() for m in raw["marking_points"]),
                misconceptions=tuple(raw.get("misconceptions", ())),
            )
        )
    empty = [lo for lo in lo_ids if not any(c.lo == lo for c in criteria)]
    if empty:
        raise ContentError(path, "learning_outcomes", f"{', '.join(empty)} has no criteria")
    return Framework(
        id=data["id"],
        title=data["title"],
        level=data["level"],
        provisional=data["provisional"],
        awarding_notes=data["awarding_notes"].strip(),
        learning_outcomes=los,
        criteria=tuple(criteria),
        source=path,
    )


def framework_files() -> list[Path]:
    """The shipped framework files."""
    return sorted((paths.templates_dir() / "frameworks").glob("*.yaml"))


@cache
def load_frameworks() -> dict[str, Framework]:
    """All shipped frameworks by id (cached); a duplicate id is a content error."""
    return _add_unique({}, framework_files())


def _add_unique(found: dict[str, Framework], files: list[Path]) -> dict[str, Framework]:
    """Load ``files`` into ``found``; an id already there is a content error."""
    for path in files:
        fw = load_framework(path)
        if fw.id in found:
            raise ContentError(
                path, "id", f"framework id {fw.id} is also used by {found[fw.id].source}"
            )
        found[fw.id] = fw
    return found


def imported_frameworks_dir(portfolio_dir: Path) -> Path:
    """Where ``frameworks --import-matrix`` keeps a portfolio's imported frameworks."""
    return portfolio_dir / "frameworks"


def imported_framework_files(portfolio_dir: Path) -> list[Path]:
    """The portfolio's imported framework files (none if the folder does not exist)."""
    folder = imported_frameworks_dir(portfolio_dir)
    try:
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    except OSError as exc:
        raise ContentError(folder, "(file)", f"cannot read: {exc.strerror or exc}") from exc


def load_all_frameworks(portfolio_dir: Path | None) -> dict[str, Framework]:
    """Shipped frameworks, then the portfolio's imported ones (not cached: imports change).

    An imported id that repeats a shipped or another imported one is a content error.
    """
    found = dict(load_frameworks())
    if portfolio_dir is None:
        return found
    return _add_unique(found, imported_framework_files(portfolio_dir))


def check_criterion_refs(refs: list[str] | tuple[str, ...], path: Path) -> None:
    """Each ``framework:criterion`` reference in a content file's ``criteria`` must exist."""
    frameworks = load_frameworks()
    for i, ref in enumerate(refs):
        fw_id, cid = ref.split(":", 1)
        if fw_id not in frameworks:
            raise ContentError(path, f"criteria[{i}]", f"unknown framework {fw_id}")
        if cid not in {c.id for c in frameworks[fw_id].criteria}:
            raise ContentError(path, f"criteria[{i}]", f"framework {fw_id} has no criterion {cid}")
