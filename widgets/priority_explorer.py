"""Priority matrix explorer: pick impact and urgency, see the priority, targets and why."""

from __future__ import annotations

import html

import ipywidgets as w

from incidentfolio.priority import PriorityMatrix, PriorityResult, load_priority_matrix, priority
from widgets.base import AppView


def render_result(result: PriorityResult) -> str:
    """The result card: priority, target times, the reasoning and a worked example."""
    p = result.priority
    e = html.escape
    example = ""
    if result.example:
        example = (
            f'<p class="if-example"><strong>Worked example.</strong> {e(result.example)} '
            f"Impact {e(result.impact.label.lower())}, urgency {e(result.urgency.label.lower())}: "
            f"{e(result.matrix_priority.label)}.</p>"
        )
    return (
        f'<div class="if-priority-card if-pri-{e(p.code)}" role="status" aria-live="polite">'
        f'<h3><span class="if-priority-code">{e(p.code)}</span> {e(p.name)}</h3>'
        f"<dl><dt>Respond</dt><dd>{e(p.response)}</dd>"
        f"<dt>Resolve</dt><dd>{e(p.resolution)}</dd>"
        f"<dt>Typical</dt><dd>{e(p.typical)}</dd></dl>"
        f'<p class="if-priority-why"><strong>Why.</strong> {e(result.explanation)}</p>'
        f"{example}</div>"
    )


def render_matrix(matrix: PriorityMatrix, result: PriorityResult) -> str:
    """The whole matrix as a table, the chosen cell marked in words as well as colour."""
    e = html.escape
    head = "".join(f'<th scope="col">{e(u.label)} urgency</th>' for u in matrix.urgency_levels)
    rows = []
    for imp in matrix.impact_levels:
        cells = []
        for urg in matrix.urgency_levels:
            label = matrix.cell(imp.id, urg.id).label
            if (imp.id, urg.id) == (result.impact.id, result.urgency.id):
                cells.append(f'<td class="if-current">{e(label)} (your choice)</td>')
            else:
                cells.append(f"<td>{e(label)}</td>")
        rows.append(f'<tr><th scope="row">{e(imp.label)} impact</th>{"".join(cells)}</tr>')
    return (
        f'<table class="if-priority-table"><caption>{e(matrix.title)}</caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="if-note">{e(matrix.note)}</p>'
    )


def _level_help(matrix: PriorityMatrix) -> str:
    e = html.escape
    items = "".join(
        f"<li><strong>{e(lv.label)} {axis}</strong>: {e(lv.meaning)}</li>"
        for axis, levels in (("impact", matrix.impact_levels), ("urgency", matrix.urgency_levels))
        for lv in levels
    )
    return f'<ul class="if-level-help">{items}</ul>'


class PriorityExplorer(AppView):
    """The Learn app. CSS classes: ``if-priority-{impact,urgency,life,result,matrix}``."""

    css_class = "if-priority"

    def __init__(self, impact: str = "medium", urgency: str = "medium") -> None:
        super().__init__()
        self.matrix = load_priority_matrix()
        style = {"description_width": "initial"}
        self.impact = w.RadioButtons(
            options=[(lv.label, lv.id) for lv in self.matrix.impact_levels],
            value=impact,
            description="Impact: how widely are people hurt?",
            style=style,
        )
        self.urgency = w.RadioButtons(
            options=[(lv.label, lv.id) for lv in self.matrix.urgency_levels],
            value=urgency,
            description="Urgency: how fast does the harm grow?",
            style=style,
        )
        self.life = w.Checkbox(
            value=False,
            description="Someone's life or safety is at risk",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.result = w.HTML(layout=w.Layout(margin="0 0 0 1.5rem"))
        self.table = w.HTML()
        for control, part in (
            (self.impact, "impact"),
            (self.urgency, "urgency"),
            (self.life, "life"),
            (self.result, "result"),
            (self.table, "matrix"),
        ):
            control.add_class(f"if-priority-{part}")
        update = self.guarded(self._update)
        for control in (self.impact, self.urgency, self.life):
            control.observe(update, names="value")
        controls = w.VBox([self.impact, self.urgency, self.life])
        self.children = [
            w.HBox([controls, self.result], layout=w.Layout(flex_flow="row wrap")),
            self.message,
            self.table,
            w.HTML(_level_help(self.matrix)),
        ]
        update()

    def _update(self, _change: object = None) -> None:
        outcome = priority(self.impact.value, self.urgency.value, risk_to_life=self.life.value)
        self.result.value = render_result(outcome)
        self.table.value = render_matrix(self.matrix, outcome)
