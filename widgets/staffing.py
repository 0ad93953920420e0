"""Staffing explorer: calls, handle time, target and shrinkage in; Erlang C staffing out.

The arithmetic lives in :mod:`incidentfolio.analytics.erlang`; this module only turns the
controls into a call to :func:`~incidentfolio.analytics.erlang.staffing` and the answer into
text, a table of agents against service level, and a plot drawn as an ``<img>`` with alt text
(an ipywidgets ``Image`` with a tooltip fails to render in Voilà).
"""

from __future__ import annotations

import base64
import html
import io
import math
from typing import Any

import ipywidgets as w

from incidentfolio.analytics import InvalidInputError
from incidentfolio.analytics.erlang import AgentsRow, StaffingResult, agents_table, staffing
from widgets.base import AppView

#: What each core parameter is called on screen, so messages name the control to change.
LABELS = {
    "calls": "Calls per period",
    "period_minutes": "Period (minutes)",
    "aht_seconds": "Average handle time (seconds)",
    "target": "Target",
    "target_percent": "Target: % of calls answered",
    "target_seconds": "Target: answered within (seconds)",
    "shrinkage": "Shrinkage",
    "agents": "Agents to try",
    "load": "The offered load",
}

#: Occupancy above this is often quoted as the point where agents start to burn out.
OCCUPANCY_CEILING = 0.90

_STYLE = {"description_width": "initial"}

#: Layout for the answer card and the table (scoped to the app's own classes).
CSS = """<style>
.if-staffing .if-staffing-card dl { display: grid; grid-template-columns: max-content 1fr;
  gap: 0.2rem 1rem; margin: 0.5rem 0; }
.if-staffing .if-staffing-card dt { font-weight: 600; float: none; width: auto; }
.if-staffing .if-staffing-card dd { margin: 0; }
.if-staffing .if-staffing-grid th, .if-staffing .if-staffing-grid td {
  padding: 0.15rem 0.75rem; text-align: right; }
.if-staffing .if-staffing-grid tr.if-current { font-weight: 600; outline: 2px solid; }
</style>"""


def pct(value: float, places: int = 1) -> str:
    """A fraction as a percentage for people: 0.8878 → '88.8 %'."""
    return f"{value * 100:.{places}f} %"


def png_bytes(fig: Any) -> bytes:
    """A matplotlib figure as PNG bytes (works with a bare ``Figure``, no pyplot needed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def figure_img(fig: Any, alt: str, *, css_class: str = "if-figure") -> str:
    """An ``<img>`` holding the figure as a data URL, with real alt text (escaped)."""
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    return (
        f'<img class="{html.escape(css_class)}" src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt)}" style="max-width:100%;height:auto">'
    )


def plot_range(result: StaffingResult) -> range:
    """Agent numbers worth plotting: just above the load up to a few past the answer."""
    n = result.agents_on_phones
    first = max(math.floor(result.offered_load_erlangs) + 1, n - 8)
    return range(first, n + 7)


def service_level_figure(result: StaffingResult, rows: list[AgentsRow]) -> Any:
    """Service level against agents on the phones, with the target as a dashed line."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.add_subplot()
    xs = [r.agents for r in rows]
    ys = [r.service_level * 100 for r in rows]
    ax.plot(xs, ys, marker="o", color="#1f4e79", label="Service level (Erlang C)")
    ax.axhline(
        result.target_percent,
        color="#b03a2e",
        linestyle="--",
        label=f"Target {result.target_percent:g} % in {result.target_seconds:g} s",
    )
    answer = next(r for r in rows if r.agents == result.agents_on_phones)
    ax.plot(
        [answer.agents],
        [answer.service_level * 100],
        marker="s",
        markersize=11,
        markerfacecolor="none",
        markeredgecolor="#000000",
        markeredgewidth=2,
        linestyle="none",
        label=f"Answer: {answer.agents} agents",
    )
    ax.set_xticks(xs)
    ax.set_ylim(0, 102)
    ax.set_xlabel("Agents on the phones (N)")
    ax.set_ylabel(f"% answered within {result.target_seconds:g} s")
    ax.set_title(f"Offered load {result.offered_load_erlangs:.2f} Erlangs", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def describe_plot(result: StaffingResult, rows: list[AgentsRow]) -> str:
    """The plot in words, for anyone who cannot see it."""
    first, last = rows[0], rows[-1]
    return (
        f"Line chart of service level against agents on the phones, from {first.agents} to "
        f"{last.agents} agents. Service level rises from {pct(first.service_level)} with "
        f"{first.agents} agents to {pct(last.service_level)} with {last.agents}. A dashed line "
        f"marks the {result.target_percent:g} % target; the first number of agents at or above "
        f"it is {result.agents_on_phones}, with {pct(result.service_level)}."
    )


def render_result(result: StaffingResult) -> str:
    """The answer as a definition list: load, agents, schedule and the queue figures."""
    met = "meets" if result.meets_target else "misses"
    rows = [
        (
            "Offered load",
            f"{result.calls:g} calls × {result.aht_seconds:g} s ÷ "
            f"({result.period_minutes:g} min × 60) = {result.offered_load_erlangs:.2f} Erlangs",
        ),
        ("Agents on the phones", f"{result.agents_on_phones}"),
        (
            "Agents to schedule",
            f"{result.agents_to_schedule} ({result.agents_on_phones} ÷ (1 − "
            f"{pct(result.shrinkage, 0)} shrinkage), rounded up)",
        ),
        (
            "Service level",
            f"{pct(result.service_level)} answered within {result.target_seconds:g} s "
            f"({met} the {result.target_percent:g} % target)",
        ),
        ("Average speed of answer (ASA)", f"{result.asa_seconds:.1f} s"),
        ("Occupancy", pct(result.occupancy)),
        ("Chance a call waits, P(wait)", pct(result.p_wait)),
    ]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    note = ""
    if result.occupancy > OCCUPANCY_CEILING:
        note = (
            '<p class="if-note">Occupancy is above 90 %: agents would have almost no time '
            "between calls, which is often quoted as the point where people burn out.</p>"
        )
    return (
        f'<div class="if-staffing-card" role="status" aria-live="polite">'
        f"<h3>{result.agents_on_phones} agents on the phones, "
        f"{result.agents_to_schedule} to schedule</h3><dl>{items}</dl>{note}</div>"
    )


def render_table(result: StaffingResult, rows: list[AgentsRow]) -> str:
    """Agents against service level around the answer; the answer row is marked in words."""
    body = []
    for r in rows:
        meets = "yes" if r.service_level >= result.target_percent / 100 else "no"
        mark = " (answer)" if r.agents == result.agents_on_phones else ""
        cls = ' class="if-current"' if mark else ""
        body.append(
            f'<tr{cls}><th scope="row">{r.agents}{mark}</th><td>{pct(r.occupancy)}</td>'
            f"<td>{pct(r.p_wait)}</td><td>{pct(r.service_level)}</td><td>{meets}</td>"
            f"<td>{r.asa_seconds:.1f} s</td></tr>"
        )
    return (
        '<table class="if-staffing-grid"><caption>Agents on the phones against service level '
        f"(target {result.target_percent:g} % within {result.target_seconds:g} s)</caption>"
        '<thead><tr><th scope="col">Agents</th><th scope="col">Occupancy</th>'
        '<th scope="col">P(wait)</th><th scope="col">Service level</th>'
        '<th scope="col">Meets target?</th><th scope="col">ASA</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def render_try(result: StaffingResult, row: AgentsRow) -> str:
    """What a chosen number of agents would give, compared with the target."""
    verdict = (
        "meets the target"
        if row.service_level >= result.target_percent / 100
        else "misses the target"
    )
    return (
        f'<p class="if-staffing-try-result" role="status">With {row.agents} agents on the '
        f"phones: service level {pct(row.service_level)} within {result.target_seconds:g} s "
        f"({verdict}), ASA {row.asa_seconds:.1f} s, occupancy {pct(row.occupancy)}, "
        f"P(wait) {pct(row.p_wait)}.</p>"
    )


def _friendly(exc: InvalidInputError) -> InvalidInputError:
    """The core's message with the on-screen name of the control instead of the parameter."""
    return InvalidInputError(LABELS.get(exc.parameter, exc.parameter), exc.problem)


def _number(value: int, label: str) -> w.IntText:
    """A labelled whole-number box that reports its value on Enter or leaving, not per key."""
    return w.IntText(
        value=value,
        description=label,
        style=_STYLE,
        layout=w.Layout(width="22rem"),
        continuous_update=False,
    )


def _slider(value: int, low: int, high: int, label: str) -> w.IntSlider:
    """A labelled slider (arrow keys move it) that reports its value when released."""
    return w.IntSlider(
        value=value,
        min=low,
        max=high,
        step=1,
        description=label,
        style=_STYLE,
        layout=w.Layout(width="22rem"),
        continuous_update=False,
    )


class StaffingExplorer(AppView):
    """The Learn app for Erlang C. CSS classes ``if-staffing`` and ``if-staffing-{calls,
    period,aht,target-percent,target-seconds,shrinkage,agents,result,table,plot,plot-alt,try}``.

    The defaults are worked example A of the domain brief: 100 calls in 30 minutes with a
    180-second AHT is 10 Erlangs; 80/20 needs 14 agents, 20 scheduled at 30 % shrinkage.
    """

    css_class = "if-staffing"

    def __init__(
        self,
        calls: int = 100,
        period_minutes: int = 30,
        aht_seconds: int = 180,
        target_percent: int = 80,
        target_seconds: int = 20,
        shrinkage_percent: int = 30,
    ) -> None:
        super().__init__()
        self.calls = _number(calls, LABELS["calls"])
        self.period = _number(period_minutes, LABELS["period_minutes"])
        self.aht = _number(aht_seconds, LABELS["aht_seconds"])
        self.target_percent = _slider(target_percent, 50, 99, LABELS["target_percent"])
        self.target_seconds = _number(target_seconds, LABELS["target_seconds"])
        self.shrinkage = _slider(
            shrinkage_percent, 0, 60, f"{LABELS['shrinkage']} (% of paid time)"
        )
        self.agents = _number(0, f"{LABELS['agents']} (0 = none)")
        self.result = w.HTML(layout=w.Layout(margin="0 0 0 1.5rem", flex="1 1 20rem"))
        self.table = w.HTML()
        self.plot = w.HTML()
        self.plot_alt = w.HTML()
        self.try_result = w.HTML()
        self.parts = {
            "calls": self.calls,
            "period": self.period,
            "aht": self.aht,
            "target-percent": self.target_percent,
            "target-seconds": self.target_seconds,
            "shrinkage": self.shrinkage,
            "agents": self.agents,
            "result": self.result,
            "table": self.table,
            "plot": self.plot,
            "plot-alt": self.plot_alt,
            "try": self.try_result,
        }
        for part, control in self.parts.items():
            control.add_class(f"if-staffing-{part}")
        update = self.guarded(self._update)
        inputs = [
            self.calls,
            self.period,
            self.aht,
            self.target_percent,
            self.target_seconds,
            self.shrinkage,
            self.agents,
        ]
        for control in inputs:
            control.observe(update, names="value")
        controls = w.VBox(
            [
                w.HTML("<h3>Demand and target</h3>"),
                *inputs[:6],
                w.HTML(
                    "<p>Type a number of agents to see what it would give "
                    "(leave it at 0 to skip):</p>"
                ),
                self.agents,
            ],
            layout=w.Layout(width="23rem", flex="0 0 auto"),
        )
        self.children = [
            w.HTML(CSS),
            w.HBox([controls, self.result], layout=w.Layout(flex_flow="row wrap")),
            self.message,
            self.try_result,
            self.table,
            self.plot,
            self.plot_alt,
        ]
        update()

    def current(self) -> StaffingResult:
        """The Erlang C answer for the values now in the controls (raises on bad input)."""
        return staffing(
            calls=self.calls.value,
            period_minutes=self.period.value,
            aht_seconds=self.aht.value,
            target=(self.target_percent.value, self.target_seconds.value),
            shrinkage=self.shrinkage.value / 100,
        )

    def _clear(self) -> None:
        for part in (self.result, self.table, self.plot, self.plot_alt, self.try_result):
            part.value = ""

    def _update(self, _change: object = None) -> None:
        try:
            result = self.current()
        except InvalidInputError as exc:
            self._clear()
            raise _friendly(exc) from exc
        self.result.value = render_result(result)
        self.table.value = render_table(result, result.neighbours(below=3, above=3))
        rows = agents_table(
            result.offered_load_erlangs,
            result.aht_seconds,
            result.target_seconds,
            plot_range(result),
        )
        described = describe_plot(result, rows)
        self.plot.value = figure_img(
            service_level_figure(result, rows),
            alt="Service level against agents; described in words below",
            css_class="if-staffing-figure",
        )
        self.plot_alt.value = (
            f'<p class="if-alt-text"><strong>Chart description.</strong> '
            f"{html.escape(described)}</p>"
        )
        self.try_result.value = ""
        if self.agents.value:
            try:
                row = agents_table(
                    result.offered_load_erlangs,
                    result.aht_seconds,
                    result.target_seconds,
                    [self.agents.value],
                )
                if not row:
                    raise InvalidInputError(
                        "agents",
                        f"must be more than the offered load of "
                        f"{result.offered_load_erlangs:.2f} Erlangs (got {self.agents.value}); "
                        "with that few agents the queue grows without limit",
                    )
            except InvalidInputError as exc:
                raise _friendly(exc) from exc
            self.try_result.value = render_try(result, row[0])
