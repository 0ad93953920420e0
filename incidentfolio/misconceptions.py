"""The misconception and marking-point catalogue, and where the product reaches each entry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError


@dataclass(frozen=True)
class Reach:
    """One place an entry surfaces: ``kind`` is finding, criterion, tree or knowledge_check."""

    kind: str
    target: str


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    kind: str  # misconception | marking_point
    seed: str
    seed_hash: str
    statement: str
    correction: str
    criteria: tuple[str, ...]
    reaches: tuple[Reach, ...]


def catalogue_from_data(data: object, path: Path) -> dict[str, CatalogueEntry]:
    """Validate parsed catalogue data; ids and seed hashes are unique, findings exist."""
    from incidentfolio.scoring_rules import load_rules

    validate(data, "misconceptions", path)
    findings = load_rules().findings
    entries: dict[str, CatalogueEntry] = {}
    hashes: set[str] = set()
    for i, raw in enumerate(data["entries"]):  # type: ignore[index]
        where = f"entries[{i}]"
        if raw["id"] in entries:
            raise ContentError(path, f"{where}.id", f"duplicate id {raw['id']}")
        if raw["seed_hash"] in hashes:
            raise ContentError(path, f"{where}.seed_hash", "another entry covers this line")
        hashes.add(raw["seed_hash"])
        reaches = tuple(Reach(*next(iter(r.items()))) for r in raw["reaches"])
        for j, reach in enumerate(reaches):
            if reach.kind == "finding" and reach.target not in findings:
                raise ContentError(path, f"{where}.reaches[{j}]", f"no finding {reach.target}")
        entries[raw["id"]] = CatalogueEntry(
            id=raw["id"],
            kind=raw["kind"],
            seed=raw["seed"],
            seed_hash=raw["seed_hash"],
            statement=" ".join(raw["statement"].split()),
            correction=" ".join(raw["correction"].split()),
            criteria=tuple(raw["criteria"]),
            reaches=reaches,
        )
    return entries


@cache
def load_catalogue() -> dict[str, CatalogueEntry]:
    """The shipped catalogue by id (cached)."""
    path = paths.templates_dir() / "misconceptions.yaml"
    return catalogue_from_data(load_data(path), path)


def entries_for_finding(code: str) -> list[CatalogueEntry]:
    """Catalogue entries a scoring finding reaches (for feedback next to the finding)."""
    return [e for e in load_catalogue().values() if Reach("finding", code) in e.reaches]


def describe(entry_id: str) -> dict[str, Any]:
    entry = load_catalogue()[entry_id]
    return {"id": entry.id, "statement": entry.statement, "correction": entry.correction}
