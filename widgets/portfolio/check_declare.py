"""Check and declare: the sufficiency lint and integrity check in plain words, and the
authenticity declaration (what is declared, over which ledger entry, and whether it is stale).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from incidentfolio.errors import StoreError
from incidentfolio.lint import lint
from incidentfolio.store.integrity import check_store
from incidentfolio.store.store import DECLARATION
from widgets.portfolio.common import PortfolioContext, Section, button, esc, labelled
from widgets.portfolio.coverage_view import when

if TYPE_CHECKING:
    from incidentfolio.lint import LintFinding
    from incidentfolio.store import Store
    from incidentfolio.store.integrity import CheckReport

NO_PROFILE = "Set up your profile first: the check and the declaration need it."
SEVERITY_WORDS = {"error": "Must fix", "warning": "Worth a look"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_results(report: CheckReport, findings: list[LintFinding]) -> str:
    """Integrity problems and lint findings in plain words: counts first, errors first."""
    lint_errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    errors = len(report.problems) + len(lint_errors)
    if errors == 0 and not warnings:
        headline = "All clear: nothing to fix and nothing to look at."
    else:
        headline = (
            f"{_plural(errors, 'thing')} you must fix and {_plural(len(warnings), 'thing')} "
            "worth a look."
        )
    if report.ok:
        integrity = (
            '<p class="if-check-integrity if-check-ok"><strong>Integrity check: passed.</strong> '
            "The portfolio is exactly what its ledger recorded.</p>"
        )
    else:
        problems = "".join(
            f'<li class="if-finding-error"><strong>Must fix (error):</strong> {esc(p)}</li>'
            for p in report.problems
        )
        integrity = (
            '<p class="if-check-integrity if-check-failed"><strong>Integrity check: failed with '
            f"{_plural(len(report.problems), 'problem')}.</strong> Something changed the "
            f"portfolio outside this app; tell your tutor.</p><ul>{problems}</ul>"
        )
    notes = "".join(f"<li>{esc(n)}</li>" for n in report.notes)
    if findings:
        rows = "".join(
            f'<li class="if-finding-{esc(f.severity)}"><strong>'
            f"{esc(SEVERITY_WORDS.get(f.severity, f.severity))} ({esc(f.severity)}):</strong> "
            f"{esc(f.subject)}: {esc(f.message)}</li>"
            for f in [*lint_errors, *warnings]
        )
        sufficiency = (
            f"<p><strong>Sufficiency check: {_plural(len(lint_errors), 'error')}, "
            f"{_plural(len(warnings), 'warning')}.</strong></p><ul>{rows}</ul>"
        )
    else:
        sufficiency = (
            "<p><strong>Sufficiency check: no errors, no warnings.</strong> Every criterion "
            "has enough evidence and nothing needs fixing.</p>"
        )
    return (
        f'<div class="if-check-report" role="status"><p class="if-check-headline">'
        f"<strong>{esc(headline)}</strong></p>{integrity}{sufficiency}"
        f"<details><summary>About this portfolio</summary><ul>{notes}</ul></details></div>"
    )


def render_state(record: dict[str, Any] | None) -> str:
    """The declaration's state; a stale one is an alert banner."""
    if record is None:
        return (
            '<div class="if-declaration-state if-declaration-none" role="status">'
            "<strong>Declaration: not signed yet.</strong> Sign it before you hand in.</div>"
        )
    signed = (
        f"signed by {esc(record['candidate_name'])} on {esc(when(record['declared_at']))} "
        f"over ledger entry {int(record['ledger_seq'])}"
    )
    if record["stale"]:
        n = int(record["changes_since"])
        return (
            '<div class="if-declaration-state if-portfolio-stale" role="alert" '
            'style="border:3px solid #D55E00;background:#FFF1E6;color:#000;padding:0.5em 0.75em;'
            'margin:0.5em 0">'
            f"<strong>⚠ Your declaration is out of date.</strong> It was {signed}, and the "
            f"evidence has changed {_plural(n, 'time')} since. Check your portfolio, then sign "
            "the declaration again before you hand in.</div>"
        )
    return (
        '<div class="if-declaration-state if-declaration-current" role="status">'
        f"<strong>✓ Declaration: current.</strong> It was {signed}; nothing has changed "
        "since.</div>"
    )


class CheckDeclareSection(Section):
    """Check and declare. CSS classes ``if-portfolio-check`` and ``if-portfolio-check-{run,
    results,state,statement,confirm,sign}``; a stale declaration is ``if-portfolio-stale``."""

    part = "check"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.state = w.HTML()
        self.run = button("Check my portfolio", "check-run", tooltip="Run the sufficiency "
                          "check and the integrity check")  # fmt: skip
        self.results = w.HTML()
        self.statement = w.HTML()
        self.confirm = labelled(
            w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto")),
            "I confirm that this declaration is true",
        )
        self.sign = button("Sign the declaration", "check-sign", style="primary")
        for control, name in (
            (self.state, "state"),
            (self.results, "results"),
            (self.statement, "statement"),
            (self.confirm, "confirm"),
        ):
            control.add_class(f"if-portfolio-check-{name}")
        self.run.on_click(self.guarded(self._on_run))
        self.sign.on_click(self.guarded(self._on_sign))
        self._checked = False
        self.children = [
            w.HTML(
                "<h3>Check and declare</h3><p>Check your portfolio for gaps and problems, then "
                "declare that the evidence is your own.</p>"
            ),
            self.state,
            self.run,
            self.results,
            w.HTML("<h4>Authenticity declaration</h4>"),
            self.statement,
            self.confirm,
            self.sign,
            self.message,
        ]
        self.guarded(self.refresh)()

    def refresh(self) -> None:
        """Show the declaration state and ledger head; earlier check results may be outdated."""
        if self._checked:
            self.results.value = (
                '<p class="if-note">Your portfolio changed after the last check: press '
                "“Check my portfolio” again.</p>"
            )
            self._checked = False
        self._show_declaration()

    def _show_declaration(self) -> None:
        with self.ctx.store(create=True) as store:
            if store.profile() is None:
                self.state.value = f'<p class="if-note">{esc(NO_PROFILE)}</p>'
                self.statement.value = _statement(store)
                return
            record = store.declaration()
            self.state.value = render_state(record)
            self.statement.value = _statement(store)

    def _on_run(self, _button: object = None) -> None:
        with self.ctx.store() as store:
            if store.profile() is None:
                raise StoreError(NO_PROFILE)
            report = check_store(store)
            findings = lint(store)
        self.results.value = render_results(report, findings)
        self._checked = True

    def _on_sign(self, _button: object = None) -> None:
        if not self.confirm.value:
            self.message.error("Tick “I confirm that this declaration is true” first, then sign.")
            return
        with self.ctx.store() as store:
            if store.profile() is None:
                raise StoreError(NO_PROFILE)
            record = store.declare()
        self.confirm.value = False
        self.refresh()  # this section's own change listener is skipped while it is busy
        self.message.info(f"Declaration signed over ledger entry {record['ledger_seq']}.")
        self.ctx.changed()


def _statement(store: Store) -> str:
    seq, head = store.ledger_head()
    return (
        '<blockquote class="if-declaration-statement" style="border-left:4px solid #0072B2;'
        f'margin:0.5em 0;padding:0.25em 0.75em">{esc(DECLARATION)}</blockquote>'
        f'<p class="if-ledger-head">You declare the portfolio exactly as recorded up to ledger '
        f"entry <strong>{seq}</strong> (fingerprint <code>{esc(head[:16])}…</code>).</p>"
    )
