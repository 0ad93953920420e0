"""The "Build my portfolio" app: the candidate's page for the whole portfolio."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from incidentfolio.portfolio import resolve_portfolio_path
from widgets.base import AppView
from widgets.portfolio.common import PortfolioContext, esc

STATE_KEY = "portfolio-app"


def header_html(ctx: PortfolioContext) -> str:
    """Who this portfolio belongs to, how complete it is, and the declaration's state."""
    from incidentfolio.coverage import coverage

    with ctx.store(create=True) as store:
        profile = store.profile()
        if profile is None:
            return (
                '<div class="if-portfolio-header"><p>No portfolio yet: fill in <strong>Profile'
                "</strong> to start.</p></div>"
            )
        declaration = store.declaration()
        covered = coverage(store)
    parts = "; ".join(f"{esc(c.framework)} {c.tally.covered_pct} % covered" for c in covered)
    if declaration is None:
        state = '<p class="if-portfolio-declaration">Declaration: not signed yet.</p>'
    elif declaration["stale"]:
        state = (
            '<p class="if-portfolio-stale" role="alert"><strong>Your declaration is out of date'
            "</strong>: the evidence changed after you signed it. Sign it again in "
            "<em>Check and declare</em> before you hand in.</p>"
        )
    else:
        state = (
            f'<p class="if-portfolio-declaration">Declaration signed '
            f"{esc(declaration['declared_at'][:16].replace('T', ' '))} UTC.</p>"
        )
    return (
        f'<div class="if-portfolio-header"><p><strong>{esc(profile.candidate_name)}</strong> '
        f"(candidate {esc(profile.candidate_number)}) · {parts}</p>{state}</div>"
    )


class PortfolioBuilder(AppView):
    """Profile, evidence, adding and mapping, coverage, check and declare, hand-in, feedback."""

    css_class = "if-portfolio"

    def __init__(self, folder: Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from widgets.portfolio.check_declare import CheckDeclareSection
        from widgets.portfolio.coverage_view import CoverageSection
        from widgets.portfolio.editor import EditorSection
        from widgets.portfolio.evidence_list import EvidenceListSection
        from widgets.portfolio.feedback_view import FeedbackSection
        from widgets.portfolio.hand_in import HandInSection
        from widgets.portfolio.mapping import MappingSection
        from widgets.portfolio.profile import ProfileSection

        self.ctx = PortfolioContext(Path(folder) if folder else resolve_portfolio_path())
        self.header = w.HTML()
        self.header.add_class("if-portfolio-summary")
        self.profile = ProfileSection(self.ctx)
        self.editor = EditorSection(self.ctx)
        self.evidence = EvidenceListSection(self.ctx, on_edit=self.guarded(self._edit))
        self.mapping = MappingSection(self.ctx)
        self.coverage = CoverageSection(self.ctx)
        self.check = CheckDeclareSection(self.ctx)
        self.hand_in = HandInSection(self.ctx)
        self.feedback = FeedbackSection(self.ctx)
        self.sections = [
            ("Profile", self.profile),
            ("My evidence", self.evidence),
            ("Add evidence", self.editor),
            ("Map to criteria", self.mapping),
            ("Coverage", self.coverage),
            ("Check and declare", self.check),
            ("Hand in", self.hand_in),
            ("Feedback", self.feedback),
        ]
        self.tabs = w.Tab(children=[s for _, s in self.sections])
        self.tabs.titles = tuple(title for title, _ in self.sections)
        self.tabs.add_class("if-portfolio-tabs")
        self.ctx.on_change(self.guarded(self._refresh_header))
        self.children = [self.header, self.tabs, self.message]
        self._refresh_header()
        self._restore_tab()
        self.tabs.observe(self.guarded(self._remember_tab), names="selected_index")

    def _refresh_header(self) -> None:
        self.header.value = header_html(self.ctx)

    def _edit(self, item_id: str) -> None:
        self.editor.edit(item_id)
        self.tabs.selected_index = [s for _, s in self.sections].index(self.editor)

    def _restore_tab(self) -> None:
        with self.ctx.store(create=True) as store:
            state = store.draft(STATE_KEY) or {}
            has_profile = store.profile() is not None
        index = state.get("tab") if has_profile else 0
        if isinstance(index, int) and 0 <= index < len(self.sections):
            self.tabs.selected_index = index

    def _remember_tab(self, change: dict[str, Any]) -> None:
        with self.ctx.store(create=True) as store:
            store.save_draft(STATE_KEY, {"tab": change["new"]})
