"""Coverage: per framework, which criteria the evidence reaches, what is missing and how to fill it.

Shows a matrix (criteria grouped by learning outcome, status in words *and* colour), the
core's heat-map as a PNG with a text description beside it, percentages per learning
outcome and overall, and the gaps with "what would evidence this" hints: the evidence types
the criterion accepts and the shipped practice scenarios that can evidence it.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as w

from incidentfolio.coverage import HEATMAP_STYLE, STATUS_LABELS, coverage, heatmap
from widgets.portfolio.common import PortfolioContext, Section, esc, labelled

if TYPE_CHECKING:
    from incidentfolio.coverage import CriterionCoverage, FrameworkCoverage, Judgement

PRACTICE_APP = "./incident_logging.ipynb"
SCENARIOS_SHOWN = 5
NO_PROFILE = (
    "Set up your profile first (name, candidate number and the frameworks you are working "
    "towards): coverage is worked out for those frameworks."
)


# --- small renderers shared with the feedback section ---------------------------------------


def status_badge(status: str) -> str:
    """A status in words, coloured as in the heat-map (the words carry the meaning)."""
    style = HEATMAP_STYLE.get(status, {"face": "#FFFFFF", "text": "#000000"})
    label = STATUS_LABELS.get(status, status.replace("_", " "))
    return (
        f'<span class="if-status if-status-{esc(status)}" style="background:{style["face"]};'
        f"color:{style['text']};border:1px solid #333;border-radius:3px;padding:0 0.35em;"
        f'white-space:nowrap">{esc(label)}</span>'
    )


def when(stamp: str | None) -> str:
    """An ISO 8601 time as ``20 Mar 2025, 09:12 UTC`` (the text as given if unreadable)."""
    if not stamp:
        return ""
    text = stamp[:-1] + "+00:00" if stamp.endswith("Z") else stamp
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        return moment.strftime("%d %b %Y, %H:%M")
    return moment.astimezone(timezone.utc).strftime("%d %b %Y, %H:%M UTC")


def judgement_text(j: Judgement | None) -> str:
    """The assessor's status and comment (escaped HTML), or that nobody has judged it yet."""
    if j is None:
        return '<span class="if-muted">not judged yet</span>'
    comment = f": “{esc(j.comment)}”" if j.comment.strip() else ""
    return (
        f"{status_badge(j.status)}{comment} "
        f'<span class="if-muted">({esc(j.assessor)}, {esc(when(j.judged_at))})</span>'
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _type_titles() -> dict[str, str]:
    from incidentfolio.evidence_types import load_templates

    return {t: template.title for t, template in load_templates().items()}


def _scenarios_by_ref() -> dict[str, list[tuple[str, str]]]:
    """``framework:criterion`` → (scenario id, title) of every shipped scenario evidencing it."""
    from incidentfolio.scenarios import load_scenarios

    found: dict[str, list[tuple[str, str]]] = {}
    for scenario in sorted(load_scenarios().values(), key=lambda s: s.title.casefold()):
        for ref in scenario.criteria:
            found.setdefault(ref, []).append((scenario.id, scenario.title))
    return found


def practice_link(scenario_id: str, title: str) -> str:
    """A link to the practice app with this scenario chosen (relative to the Voilà page)."""
    href = f"{PRACTICE_APP}?scenario={quote(scenario_id, safe='')}"
    return f'<a class="if-portfolio-practice-link" href="{esc(href)}">{esc(title)}</a>'


def sufficiency_text(c: CriterionCoverage, titles: dict[str, str]) -> str:
    """``enough: 2 of 2 types`` or ``needs 2 types (has 1: Reflection)``."""
    have = len(c.counted_types)
    need = c.min_evidence_types
    if c.covered and c.sufficient:
        return f"enough: {have} of {_plural(need, 'type')}"
    if not c.covered:
        return f"needs {_plural(need, 'type')}"
    named = ", ".join(titles.get(t, t) for t in c.counted_types)
    extra = f": {esc(named)}" if named else ""
    ignored = ""
    if c.other_types:
        other = ", ".join(titles.get(t, t) for t in c.other_types)
        ignored = f"; not counted here: {esc(other)}"
    return f"needs {_plural(need, 'type')} (has {have}{extra}{ignored})"


# --- the page parts ------------------------------------------------------------------------


def render_summary(cov: FrameworkCoverage) -> str:
    """Overall and per-LO percentages, in words."""
    t = cov.tally
    los = "".join(
        f"<li><strong>{esc(lo.id)}</strong> {esc(lo.title)}: "
        f"<strong>{lo.tally.covered_pct} % covered</strong> ({lo.tally.covered} of "
        f"{lo.tally.total}), {lo.tally.sufficient_pct} % with enough evidence types, "
        f"{lo.tally.met_pct} % met</li>"
        for lo in cov.learning_outcomes
    )
    return (
        f'<div class="if-coverage-summary" role="status">'
        f"<p><strong>{esc(cov.framework)}</strong> {esc(cov.title)}</p>"
        f'<p class="if-coverage-overall"><strong>Overall: {t.covered_pct} % covered</strong> '
        f"({t.covered} of {t.total} {'criterion' if t.total == 1 else 'criteria'} "
        "have evidence mapped), "
        f"{t.sufficient_pct} % with enough evidence types, {t.met_pct} % met by the assessor"
        f"</p><ul>{los}</ul></div>"
    )


def render_matrix(cov: FrameworkCoverage, titles: dict[str, str]) -> str:
    """Criteria by learning outcome: status, evidence, sufficiency and assessor feedback."""
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Criterion", "Status", "Evidence mapped", "Evidence types", "Assessor")
    )
    groups = []
    for lo in cov.learning_outcomes:
        rows = [
            f'<tr class="if-coverage-lo"><th scope="rowgroup" colspan="5">{esc(lo.id)} '
            f"{esc(lo.title)}: {lo.tally.covered_pct} % covered</th></tr>"
        ]
        for c in lo.criteria:
            evidence = (
                ", ".join(
                    f"{esc(i)} ({esc(titles.get(t, t))})"
                    for i, t in zip(c.items, c.item_types, strict=True)
                )
                or "none"
            )
            rows.append(
                f'<tr class="if-coverage-row if-coverage-{esc(c.status)}">'
                f'<th scope="row"><span class="if-criterion-id">{esc(c.id)}</span> '
                f"{esc(c.statement)} <small>({esc(c.kind)})</small></th>"
                f"<td>{status_badge(c.status)}</td><td>{evidence}</td>"
                f"<td>{sufficiency_text(c, titles)}</td><td>{judgement_text(c.judgement)}</td></tr>"
            )
        groups.append(f"<tbody>{''.join(rows)}</tbody>")
    return (
        f'<table class="if-coverage-table"><caption>Criteria of {esc(cov.framework)} by '
        f"learning outcome (status in words; colours as in the heat-map)</caption>"
        f"<thead><tr>{head}</tr></thead>{''.join(groups)}</table>"
    )


def describe_heatmap(cov: FrameworkCoverage) -> str:
    """A text description of the heat-map: every criterion's status, by learning outcome."""
    parts = []
    for lo in cov.learning_outcomes:
        cells = "; ".join(
            f"{c.id} {c.status_label}"
            + (" (too few evidence types)" if c.covered and not c.sufficient else "")
            for c in lo.criteria
        )
        parts.append(f"{lo.id} ({lo.tally.covered_pct} % covered): {cells}.")
    return (
        f"Heat-map of {cov.framework}, one row per learning outcome and one cell per "
        f"criterion, {cov.tally.summary()}. " + " ".join(parts)
    )


def gaps(cov: FrameworkCoverage) -> list[CriterionCoverage]:
    """Criteria still to work on: no or too little evidence, or judged not met / refer."""
    return [
        c
        for c in cov.criteria
        if c.status != "met"
        and (not c.covered or not c.sufficient or c.status in ("not_yet_met", "refer"))
    ]


def render_gaps(
    cov: FrameworkCoverage, titles: dict[str, str], scenarios: dict[str, list[tuple[str, str]]]
) -> str:
    """The gaps, each with why it is a gap and what would evidence it."""
    found = gaps(cov)
    if not found:
        return (
            '<div class="if-coverage-gaps"><h4>Gaps</h4><p>No gaps: every criterion of '
            f"{esc(cov.framework)} has enough evidence mapped.</p></div>"
        )
    entries = []
    for c in found:
        if c.status in ("not_yet_met", "refer"):
            why = f"the assessor judged it {status_badge(c.status)}"
            if c.judgement is not None and c.judgement.comment.strip():
                why += f": “{esc(c.judgement.comment)}”"
        elif not c.covered:
            why = f"no evidence yet; it needs {_plural(c.min_evidence_types, 'evidence type')}"
        else:
            why = f"too few evidence types: {sufficiency_text(c, titles)}"
        accepted = [t for t in c.accepted_types if t not in c.counted_types]
        wanted = ", ".join(esc(titles.get(t, t)) for t in accepted) or "any accepted type"
        lead = "Add evidence of another type" if c.covered else "Evidence it with"
        runs = scenarios.get(c.ref, [])
        if runs:
            links = [practice_link(sid, title) for sid, title in runs]
            shown = ", ".join(links[:SCENARIOS_SHOWN])
            more = ""
            if len(links) > SCENARIOS_SHOWN:
                rest = len(links) - SCENARIOS_SHOWN
                more = (
                    f"<details><summary>{_plural(rest, 'more scenario')}</summary>"
                    f"{', '.join(links[SCENARIOS_SHOWN:])}</details>"
                )
            practice = f"<br>Practise it with a scenario: {shown}{more}"
        else:
            practice = "<br>No shipped practice scenario covers it."
        entries.append(
            f'<li class="if-coverage-gap"><strong>{esc(c.id)}</strong> {esc(c.statement)} '
            f"{status_badge(c.status)}<br>Why it is a gap: {why}<br>What would evidence this: "
            f"{lead}: {wanted}.{practice}</li>"
        )
    return (
        f'<div class="if-coverage-gaps"><h4>Gaps ({len(found)})</h4>'
        f"<ul>{''.join(entries)}</ul></div>"
    )


def heatmap_png(cov: FrameworkCoverage) -> bytes:
    """The core's heat-map for ``cov`` as PNG bytes."""
    figure = heatmap(cov)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


class CoverageSection(Section):
    """Coverage per framework. CSS classes ``if-portfolio-coverage`` and
    ``if-portfolio-coverage-{framework,summary,heatmap,heatmap-alt,matrix,gaps}``."""

    part = "coverage"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.framework = labelled(
            w.Dropdown(options=[]), "Framework", help_text="Which framework's coverage to show"
        )
        self.summary = w.HTML()
        # An <img> in HTML rather than an Image widget: it carries real alt text, and the
        # Image widget's view fails to render in Voilà when given a tooltip.
        self.heatmap = w.HTML(layout=w.Layout(display="none"))
        self.heatmap_alt = w.HTML()
        self.matrix = w.HTML()
        self.gaps = w.HTML()
        for control, name in (
            (self.framework, "framework"),
            (self.summary, "summary"),
            (self.heatmap, "heatmap"),
            (self.heatmap_alt, "heatmap-alt"),
            (self.matrix, "matrix"),
            (self.gaps, "gaps"),
        ):
            control.add_class(f"if-portfolio-coverage-{name}")
        self.framework.observe(self.guarded(self._on_framework), names="value")
        self.children = [
            w.HTML(
                "<h3>Coverage</h3><p>How far your evidence reaches across each framework's "
                "criteria, and what would fill the gaps.</p>"
            ),
            self.framework,
            self.message,
            self.summary,
            self.heatmap,
            self.heatmap_alt,
            self.matrix,
            self.gaps,
        ]
        self.guarded(self.refresh)()

    def refresh(self) -> None:
        """Re-read the profile's frameworks and show the chosen one's coverage."""
        with self.ctx.store(create=True) as store:
            profile = store.profile()
            if profile is None:
                self._show_nothing(NO_PROFILE)
                return
            known = store.frameworks()
            options = [
                (f"{fw} {known[fw].title}" if fw in known else fw, fw) for fw in profile.frameworks
            ]
            if list(self.framework.options) != options:
                chosen = self.framework.value
                self.framework.options = options
                ids = [fw for _, fw in options]
                self.framework.value = chosen if chosen in ids else ids[0]
            found = coverage(store, self.framework.value)
        self._show(found[0])

    def _on_framework(self, _change: object = None) -> None:
        if self.framework.value is None:
            return
        with self.ctx.store() as store:
            found = coverage(store, self.framework.value)
        self._show(found[0])

    def _show_nothing(self, note: str) -> None:
        self.framework.options = []
        self.summary.value = f'<p class="if-note">{esc(note)}</p>'
        self.heatmap.value = ""
        self.heatmap.layout.display = "none"
        self.heatmap_alt.value = ""
        self.matrix.value = ""
        self.gaps.value = ""

    def _show(self, cov: FrameworkCoverage) -> None:
        titles = _type_titles()
        self.summary.value = render_summary(cov)
        png = base64.b64encode(heatmap_png(cov)).decode("ascii")
        self.heatmap.value = (
            f'<img src="data:image/png;base64,{png}" style="max-width:100%;height:auto" '
            f'alt="Heat-map of {esc(cov.framework)} coverage; described in words below" '
            f'aria-describedby="if-heatmap-alt-{esc(cov.framework)}">'
        )
        self.heatmap.layout.display = None
        self.heatmap_alt.value = (
            f'<p class="if-alt-text" id="if-heatmap-alt-{esc(cov.framework)}">'
            f"<strong>Heat-map description.</strong> {esc(describe_heatmap(cov))}</p>"
        )
        self.matrix.value = render_matrix(cov, titles)
        self.gaps.value = render_gaps(cov, titles, _scenarios_by_ref())
