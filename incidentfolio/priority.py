"""Impact × urgency → priority (P1–P5) with target times and a plain-words explanation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError


@dataclass(frozen=True)
class Level:
    """One impact or urgency level, e.g. ``high`` — "the whole service … is affected"."""

    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class PriorityLevel:
    """A priority code with its target times, e.g. P1 Critical, respond within 15 minutes."""

    code: str
    name: str
    response: str
    response_max_minutes: int
    resolution: str
    resolution_max_minutes: int
    typical: str

    @property
    def rank(self) -> int:
        """1 for P1 (most urgent) upwards."""
        return int(self.code[1:])

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class PriorityResult:
    """The answer to "what priority is this?" with the reasoning a learner should see."""

    priority: PriorityLevel
    impact: Level
    urgency: Level
    matrix_priority: PriorityLevel
    overridden_for_life: bool
    explanation: str
    example: str | None

    @property
    def code(self) -> str:
        return self.priority.code


@dataclass(frozen=True)
class PriorityMatrix:
    """A validated matrix: levels listed most severe first, a cell for every pair."""

    id: str
    title: str
    note: str
    impact_levels: tuple[Level, ...]
    urgency_levels: tuple[Level, ...]
    cells: dict[tuple[str, str], str]
    priorities: dict[str, PriorityLevel]
    life_override: str
    examples: dict[tuple[str, str], str]

    def level(self, axis: str, level_id: str) -> Level:
        """Look up an impact or urgency level by id, with a clear error for unknown ones."""
        levels = self.impact_levels if axis == "impact" else self.urgency_levels
        for level in levels:
            if level.id == level_id:
                return level
        choices = ", ".join(lv.id for lv in levels)
        raise IncidentfolioError(f"unknown {axis} {level_id!r} (choose one of: {choices})")

    def cell(self, impact: str, urgency: str) -> PriorityLevel:
        return self.priorities[self.cells[(impact, urgency)]]

    def as_rows(self) -> list[list[str]]:
        """The matrix as text rows: a header row, then one row per impact level."""
        header = ["Impact \\ Urgency", *(u.label for u in self.urgency_levels)]
        rows = [header]
        for imp in self.impact_levels:
            rows.append([imp.label, *(self.cell(imp.id, u.id).label for u in self.urgency_levels)])
        return rows


def _parse(data: dict, source: Path) -> PriorityMatrix:
    impacts = tuple(Level(**lv) for lv in data["impact_levels"])
    urgencies = tuple(Level(**lv) for lv in data["urgency_levels"])
    priorities = {p["code"]: PriorityLevel(**p) for p in data["priorities"]}
    if len(priorities) != len(data["priorities"]):
        raise ContentError(source, "priorities", "priority codes must be unique")
    cells: dict[tuple[str, str], str] = {}
    for imp in impacts:
        row = data["matrix"].get(imp.id)
        if row is None:
            raise ContentError(source, f"matrix.{imp.id}", "missing row for this impact level")
        for urg in urgencies:
            code = row.get(urg.id)
            if code is None:
                raise ContentError(source, f"matrix.{imp.id}.{urg.id}", "missing cell")
            if code not in priorities:
                raise ContentError(
                    source, f"matrix.{imp.id}.{urg.id}", f"{code} is not a defined priority"
                )
            cells[(imp.id, urg.id)] = code
    _check_monotone(cells, impacts, urgencies, priorities, source)
    examples: dict[tuple[str, str], str] = {}
    for i, ex in enumerate(data["examples"]):
        key = (ex["impact"], ex["urgency"])
        if key not in cells:
            raise ContentError(source, f"examples[{i}]", f"no matrix cell {key[0]}/{key[1]}")
        examples[key] = ex["text"].strip()
    return PriorityMatrix(
        id=data["id"],
        title=data["title"],
        note=data.get("note", "").strip(),
        impact_levels=impacts,
        urgency_levels=urgencies,
        cells=cells,
        priorities=priorities,
        life_override=data["life_override"].strip(),
        examples=examples,
    )


def _check_monotone(cells, impacts, urgencies, priorities, source) -> None:
    """Levels are listed most severe first, so moving down a row or column never raises P."""
    for i, imp in enumerate(impacts):
        for j, urg in enumerate(urgencies):
            here = priorities[cells[(imp.id, urg.id)]].rank
            for nxt, axis in (
                ((impacts[i + 1].id, urg.id) if i + 1 < len(impacts) else None, "impact"),
                ((imp.id, urgencies[j + 1].id) if j + 1 < len(urgencies) else None, "urgency"),
            ):
                if nxt and priorities[cells[nxt]].rank < here:
                    raise ContentError(
                        source,
                        f"matrix.{nxt[0]}.{nxt[1]}",
                        f"lower {axis} gives a more urgent priority than {imp.id}/{urg.id}",
                    )


def load_priority_matrix(path: Path | None = None) -> PriorityMatrix:
    """Load and validate a matrix file (default: the shipped one, cached)."""
    if path is None:
        return _default_matrix()
    return matrix_from_data(load_data(path), path)


def matrix_from_data(data: object, path: Path) -> PriorityMatrix:
    """Validate already-parsed matrix data read from ``path``."""
    validate(data, "priority_matrix", path)
    return _parse(data, path)  # type: ignore[arg-type]


@cache
def _default_matrix() -> PriorityMatrix:
    return load_priority_matrix(paths.templates_dir() / "priority_matrix.yaml")


def priority(
    impact: str,
    urgency: str,
    *,
    risk_to_life: bool = False,
    matrix: PriorityMatrix | None = None,
) -> PriorityResult:
    """Priority for an impact and urgency level, e.g. ``priority("high", "high").code == "P1"``.

    A risk to life always gives the most urgent priority, whatever the matrix cell says.
    """
    m = matrix or load_priority_matrix()
    imp = m.level("impact", impact)
    urg = m.level("urgency", urgency)
    from_matrix = m.cell(imp.id, urg.id)
    top = min(m.priorities.values(), key=lambda p: p.rank)
    overridden = risk_to_life and from_matrix.rank != top.rank
    result = top if risk_to_life else from_matrix
    why = (
        f"Impact is {imp.label.lower()} ({imp.meaning}) and urgency is "
        f"{urg.label.lower()} ({urg.meaning}), so the matrix gives {from_matrix.label}."
    )
    if overridden:
        why += f" But there is a risk to life, so it becomes {top.label}. {m.life_override}"
    elif risk_to_life:
        why += f" There is also a risk to life: {m.life_override}"
    return PriorityResult(
        priority=result,
        impact=imp,
        urgency=urg,
        matrix_priority=from_matrix,
        overridden_for_life=overridden,
        explanation=why,
        example=m.examples.get((imp.id, urg.id)),
    )
