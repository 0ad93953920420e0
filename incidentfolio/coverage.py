"""Coverage: how far the portfolio's live evidence reaches across each framework's criteria.

For every criterion of a framework in the candidate's profile, :func:`coverage` reports the
live (not deleted) items mapped to it, their evidence types, whether that is *sufficient*
(at least ``min_evidence_types`` distinct types that the criterion accepts) and a status:

``no_evidence``      nothing is mapped yet;
``evidence_mapped``  evidence is mapped and no assessor has judged the criterion yet;
``met`` / ``not_yet_met`` / ``refer``
                     the assessor's newest judgement from the ``feedback`` table wins,
                     whatever is mapped now.

A criterion counts as *covered* when at least one item is mapped to it. Percentages are
rounded down, so ``100 %`` is only ever shown when every criterion qualifies.
:func:`heatmap` draws one framework as a grid of criteria per learning outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from incidentfolio.errors import StoreError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from incidentfolio.frameworks import Framework
    from incidentfolio.store import Item, Store

STATUSES = ("no_evidence", "evidence_mapped", "met", "not_yet_met", "refer")
ASSESSOR_STATUSES = ("met", "not_yet_met", "refer")
STATUS_LABELS = {
    "no_evidence": "no evidence",
    "evidence_mapped": "evidence mapped",
    "met": "met",
    "not_yet_met": "not yet met",
    "refer": "refer",
}


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, rounded down (0 when ``whole`` is 0)."""
    return (100 * part) // whole if whole > 0 else 0


@dataclass(frozen=True)
class Judgement:
    """The assessor's newest judgement on one criterion (from imported feedback)."""

    status: str
    assessor: str
    comment: str
    judged_at: str
    submission: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "assessor": self.assessor,
            "comment": self.comment,
            "judged_at": self.judged_at,
            "submission": self.submission,
        }


@dataclass(frozen=True)
class CriterionCoverage:
    """One criterion: what is mapped to it, how sufficient that is and its status."""

    framework: str
    id: str
    lo: str
    kind: str
    statement: str
    min_evidence_types: int
    accepted_types: tuple[str, ...]
    items: tuple[str, ...]  # mapped live item ids, in item order
    item_types: tuple[str, ...]  # the type of each mapped item, same order as ``items``
    judgement: Judgement | None = None

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.id}"

    @property
    def types(self) -> tuple[str, ...]:
        """Distinct evidence types mapped, sorted."""
        return tuple(sorted(set(self.item_types)))

    @property
    def counted_types(self) -> tuple[str, ...]:
        """Distinct mapped types that this criterion accepts (what sufficiency counts)."""
        return tuple(t for t in self.types if t in self.accepted_types)

    @property
    def other_types(self) -> tuple[str, ...]:
        """Mapped types this criterion does not list as acceptable evidence."""
        return tuple(t for t in self.types if t not in self.accepted_types)

    @property
    def covered(self) -> bool:
        return bool(self.items)

    @property
    def sufficient(self) -> bool:
        return len(self.counted_types) >= self.min_evidence_types

    @property
    def status(self) -> str:
        if self.judgement is not None:
            return self.judgement.status
        return "evidence_mapped" if self.items else "no_evidence"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lo": self.lo,
            "kind": self.kind,
            "statement": self.statement,
            "status": self.status,
            "covered": self.covered,
            "sufficient": self.sufficient,
            "items": [
                {"id": i, "type": t} for i, t in zip(self.items, self.item_types, strict=True)
            ],
            "types": list(self.types),
            "counted_types": list(self.counted_types),
            "min_evidence_types": self.min_evidence_types,
            "accepted_types": list(self.accepted_types),
            "judgement": self.judgement.as_dict() if self.judgement else None,
        }


@dataclass(frozen=True)
class Tally:
    """Counts over a set of criteria (a learning outcome or a whole framework)."""

    total: int
    covered: int
    sufficient: int
    met: int

    @staticmethod
    def of(criteria: list[CriterionCoverage] | tuple[CriterionCoverage, ...]) -> Tally:
        return Tally(
            total=len(criteria),
            covered=sum(c.covered for c in criteria),
            sufficient=sum(c.sufficient for c in criteria),
            met=sum(c.status == "met" for c in criteria),
        )

    @property
    def covered_pct(self) -> int:
        return percent(self.covered, self.total)

    @property
    def sufficient_pct(self) -> int:
        return percent(self.sufficient, self.total)

    @property
    def met_pct(self) -> int:
        return percent(self.met, self.total)

    def summary(self) -> str:
        """``covered: 94 % (17/18), sufficient: 50 %, met: 0 %``."""
        return (
            f"covered: {self.covered_pct} % ({self.covered}/{self.total}), "
            f"sufficient: {self.sufficient_pct} %, met: {self.met_pct} %"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "covered": self.covered,
            "sufficient": self.sufficient,
            "met": self.met,
            "covered_pct": self.covered_pct,
            "sufficient_pct": self.sufficient_pct,
            "met_pct": self.met_pct,
        }


@dataclass(frozen=True)
class LOCoverage:
    """One learning outcome and the tally of its criteria."""

    id: str
    title: str
    criteria: tuple[CriterionCoverage, ...]

    @property
    def tally(self) -> Tally:
        return Tally.of(self.criteria)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "criteria": [c.id for c in self.criteria],
        } | self.tally.as_dict()


@dataclass(frozen=True)
class DeclarationState:
    """``none``, ``current`` or ``stale`` (with how many changes were made since)."""

    state: str
    declared_at: str | None = None
    ledger_seq: int | None = None
    changes_since: int = 0

    def describe(self) -> str:
        """One line for people."""
        if self.state == "none":
            return "declaration: none (sign it with `incidentfolio declare`)"
        when = f"signed {self.declared_at} over ledger entry {self.ledger_seq}"
        if self.state == "current":
            return f"declaration: current ({when})"
        changes = f"{self.changes_since} change{'s' if self.changes_since != 1 else ''}"
        return f"declaration: stale ({when}; {changes} since: run `incidentfolio declare` again)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "declared_at": self.declared_at,
            "ledger_seq": self.ledger_seq,
            "changes_since": self.changes_since,
        }


@dataclass(frozen=True)
class FrameworkCoverage:
    """Coverage of one framework by the portfolio's live evidence."""

    framework: str
    title: str
    learning_outcomes: tuple[LOCoverage, ...]
    criteria: tuple[CriterionCoverage, ...]
    declaration: DeclarationState

    @property
    def tally(self) -> Tally:
        return Tally.of(self.criteria)

    def header(self) -> str:
        """``k503-0421 Title — covered: 100 % (18/18), sufficient: 100 %, met: 0 %``."""
        return f"{self.framework} {self.title} — {self.tally.summary()}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "title": self.title,
            "summary": self.tally.as_dict(),
            "learning_outcomes": [lo.as_dict() for lo in self.learning_outcomes],
            "criteria": [c.as_dict() for c in self.criteria],
            "declaration": self.declaration.as_dict(),
        }


def declaration_state(store: Store) -> DeclarationState:
    """Whether the authenticity declaration is missing, current or stale."""
    record = store.declaration()
    if record is None:
        return DeclarationState("none")
    return DeclarationState(
        "stale" if record["stale"] else "current",
        declared_at=record["declared_at"],
        ledger_seq=record["ledger_seq"],
        changes_since=int(record["changes_since"]),
    )


def judgements(store: Store) -> dict[tuple[str, str], Judgement]:
    """The newest assessor judgement per (framework, criterion); later rows break ties."""
    rows = store.conn.execute(
        "SELECT framework, criterion, status, assessor, comment, judged_at, submission "
        "FROM feedback ORDER BY judged_at, id"
    ).fetchall()
    found: dict[tuple[str, str], Judgement] = {}
    for r in rows:
        if r["status"] in ASSESSOR_STATUSES:
            found[(r["framework"], r["criterion"])] = Judgement(
                r["status"], r["assessor"], r["comment"], r["judged_at"], r["submission"]
            )
    return found


def profile_frameworks(store: Store, framework_id: str | None = None) -> list[Framework]:
    """The profile's frameworks (or just ``framework_id``, which must be one of them)."""
    profile = store.require_profile()
    chosen = list(profile.frameworks)
    if framework_id is not None:
        if framework_id not in chosen:
            raise StoreError(
                f"framework {framework_id} is not in this portfolio's profile "
                f"(its frameworks: {', '.join(chosen)})"
            )
        chosen = [framework_id]
    known = store.frameworks()
    missing = [fw for fw in chosen if fw not in known]
    if missing:
        raise StoreError(
            f"framework {missing[0]} is in the profile but its definition was not found "
            "(see `incidentfolio frameworks`)"
        )
    return [known[fw] for fw in chosen]


def framework_coverage(
    framework: Framework,
    items: list[Item],
    judged: dict[tuple[str, str], Judgement],
    declaration: DeclarationState,
) -> FrameworkCoverage:
    """Coverage of one framework by ``items`` (live items with their live mappings)."""
    mapped: dict[str, list[Item]] = {}
    for item in items:
        for m in item.mappings:
            if m.framework == framework.id:  # at most one live mapping per criterion
                mapped.setdefault(m.criterion, []).append(item)
    criteria = tuple(
        CriterionCoverage(
            framework=framework.id,
            id=c.id,
            lo=c.lo,
            kind=c.kind,
            statement=c.statement,
            min_evidence_types=c.min_evidence_types,
            accepted_types=tuple(c.evidence_types),
            items=tuple(i.id for i in mapped.get(c.id, [])),
            item_types=tuple(i.type for i in mapped.get(c.id, [])),
            judgement=judged.get((framework.id, c.id)),
        )
        for c in framework.criteria
    )
    los = tuple(
        LOCoverage(lo.id, lo.title, tuple(c for c in criteria if c.lo == lo.id))
        for lo in framework.learning_outcomes
    )
    return FrameworkCoverage(framework.id, framework.title, los, criteria, declaration)


def coverage(store: Store, framework_id: str | None = None) -> list[FrameworkCoverage]:
    """Coverage for each framework in the profile, or only ``framework_id``.

    Raises StoreError when there is no profile or ``framework_id`` is not one of its
    frameworks (the message lists the profile's frameworks).
    """
    frameworks = profile_frameworks(store, framework_id)
    items = store.items()
    judged = judgements(store)
    declaration = declaration_state(store)
    return [framework_coverage(fw, items, judged, declaration) for fw in frameworks]


# --- the heatmap ---------------------------------------------------------------------------

# Okabe–Ito colours (safe for the common colour-vision deficiencies), each with its own
# hatching and a text label in the cell, so no status depends on colour alone.
HEATMAP_STYLE: dict[str, dict[str, str]] = {
    "no_evidence": {"face": "#FFFFFF", "hatch": "//", "text": "#000000", "short": "none"},
    "evidence_mapped": {"face": "#56B4E9", "hatch": "", "text": "#000000", "short": "mapped"},
    "met": {"face": "#0072B2", "hatch": "", "text": "#FFFFFF", "short": "met"},
    "not_yet_met": {"face": "#E69F00", "hatch": "..", "text": "#000000", "short": "not yet"},
    "refer": {"face": "#D55E00", "hatch": "xx", "text": "#000000", "short": "refer"},
}


def _wrap(text: str, width: int = 30, lines: int = 3) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …"))


def heatmap(cov: FrameworkCoverage) -> Figure:
    """One framework as a grid: a row per learning outcome, a cell per criterion.

    Cells are coloured, hatched and labelled by status; a ``*`` after the criterion id marks
    mapped evidence that is not yet sufficient (too few distinct accepted types). Built on
    ``matplotlib.figure.Figure`` (no pyplot), so it works in any backend and thread.
    """
    import textwrap

    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    rows = cov.learning_outcomes
    ncols = max((len(lo.criteria) for lo in rows), default=1) or 1
    nrows = max(len(rows), 1)
    fig = Figure(figsize=(2.6 + 1.05 * ncols, 1.9 + 0.85 * nrows), layout="constrained")
    ax = fig.add_subplot()
    for r, lo in enumerate(rows):
        for col, c in enumerate(lo.criteria):
            style = HEATMAP_STYLE[c.status]
            ax.add_patch(
                Rectangle(
                    (col + 0.04, r + 0.06),
                    0.92,
                    0.88,
                    facecolor=style["face"],
                    edgecolor="#333333",
                    hatch=style["hatch"],
                    linewidth=1.0,
                )
            )
            mark = "*" if c.covered and not c.sufficient else ""
            ax.text(
                col + 0.5,
                r + 0.5,
                f"{c.id}{mark}\n{style['short']}",
                ha="center",
                va="center",
                fontsize=9,
                color=style["text"],
                fontweight="bold",
                bbox={"facecolor": style["face"], "edgecolor": "none", "pad": 1.0},
            )
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)
    ax.set_xticks([])
    ax.set_yticks([r + 0.5 for r in range(len(rows))])
    ax.set_yticklabels(
        [f"{lo.id} ({lo.tally.covered_pct} % covered)\n" + _wrap(lo.title) for lo in rows],
        fontsize=8,
    )
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    ax.set_title(
        f"{cov.framework}: {cov.tally.summary()}\n{textwrap.shorten(cov.title, 80)}", fontsize=10
    )
    handles = [
        Patch(
            facecolor=s["face"], edgecolor="#333333", hatch=s["hatch"], label=STATUS_LABELS[status]
        )
        for status, s in HEATMAP_STYLE.items()
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        fontsize=8,
        frameon=False,
        title="* = too few evidence types",
        title_fontsize=8,
    )
    return fig
