"""Feedback: import the assessor's judgements file and read each criterion's judgement."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from incidentfolio.coverage import judgements
from incidentfolio.errors import IncidentfolioError, StoreError
from incidentfolio.store.submission import import_feedback
from widgets.portfolio.common import PortfolioContext, Section, button, esc
from widgets.portfolio.coverage_view import status_badge, when

if TYPE_CHECKING:
    from incidentfolio.coverage import Judgement
    from incidentfolio.store import Store

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
NO_PROFILE = "Set up your profile first: feedback is imported into your portfolio."


def _safe_name(name: str) -> str:
    """The upload's file name without any folder part (never trusted as a path)."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "judgements.json"


def render_feedback(store: Store) -> str:
    """One table per framework: criterion, status in words, the assessor's comment, date."""
    judged = judgements(store)
    if not judged:
        return (
            '<p class="if-note">No feedback imported yet. When your assessor sends you a '
            "judgements file, choose it above and press “Import feedback”.</p>"
        )
    known = store.frameworks()
    profile = store.profile()
    order = list(profile.frameworks) if profile else []
    order += sorted({fw for fw, _ in judged} - set(order))
    tables = []
    for fw in order:
        framework = known.get(fw)
        criteria = (
            [(c.id, c.statement) for c in framework.criteria]
            if framework is not None
            else sorted((crit, "") for f, crit in judged if f == fw)
        )
        found: list[tuple[str, str, Judgement]] = [
            (cid, statement, judged[(fw, cid)])
            for cid, statement in criteria
            if (fw, cid) in judged
        ]
        title = f"{fw} {framework.title}" if framework is not None else fw
        if not found:
            tables.append(
                f'<h4>{esc(title)}</h4><p class="if-note">No criterion of {esc(fw)} has been '
                "judged yet.</p>"
            )
            continue
        rows = "".join(
            f'<tr class="if-feedback-{esc(j.status)}"><th scope="row">'
            f'<span class="if-criterion-id">{esc(cid)}</span> {esc(statement)}</th>'
            f"<td>{status_badge(j.status)}</td><td>{esc(j.comment) or '(no comment)'}"
            f"<br><small>{esc(j.assessor)}</small></td><td>{esc(when(j.judged_at))}</td></tr>"
            for cid, statement, j in found
        )
        tables.append(
            f'<table class="if-feedback-table"><caption>{esc(title)}: {len(found)} of '
            f"{len(criteria)} criteria judged</caption><thead><tr>"
            '<th scope="col">Criterion</th><th scope="col">Status</th>'
            '<th scope="col">Assessor feedback</th><th scope="col">Date</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(tables)


class FeedbackSection(Section):
    """Feedback. CSS classes ``if-portfolio-feedback`` and
    ``if-portfolio-feedback-{upload,import,summary,table}``."""

    part = "feedback"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.upload = w.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description="Choose the judgements file (.json)",
            tooltip="The judgements file your assessor sent you",
            layout=w.Layout(width="auto"),
        )
        self.import_button = button("Import feedback", "feedback-import", style="primary")
        self.summary = w.HTML()
        self.table = w.HTML()
        self.upload.add_class("if-portfolio-feedback-upload")
        self.summary.add_class("if-portfolio-feedback-summary")
        self.table.add_class("if-portfolio-feedback-table")
        self.import_button.on_click(self.guarded(self._on_import))
        self.children = [
            w.HTML(
                "<h3>Feedback</h3><p>Import the judgements file from your assessor to see, for "
                "each criterion, whether it is met, not yet met or referred, and why.</p>"
            ),
            w.HBox([self.upload, self.import_button], layout=w.Layout(flex_flow="row wrap")),
            self.message,
            self.summary,
            self.table,
        ]
        self.guarded(self.refresh)()

    def refresh(self) -> None:
        """Show every judgement recorded in the portfolio."""
        with self.ctx.store(create=True) as store:
            if store.profile() is None:
                self.table.value = f'<p class="if-note">{esc(NO_PROFILE)}</p>'
                return
            self.table.value = render_feedback(store)

    def _on_import(self, _button: object = None) -> None:
        files = list(self.upload.value or ())
        if not files:
            raise StoreError("Choose the judgements file (.json) your assessor sent you first.")
        upload = files[0]
        name = _safe_name(upload.get("name", ""))
        content = bytes(upload.get("content", b""))
        if not name.lower().endswith(".json"):
            raise StoreError(f"{name} is not a judgements file: choose the .json file")
        if len(content) > MAX_UPLOAD_BYTES:
            raise StoreError(
                f"{name} is {len(content)} bytes; a judgements file is at most "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        with tempfile.TemporaryDirectory(prefix="incidentfolio-feedback-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            try:
                with self.ctx.store() as store:
                    if store.profile() is None:
                        raise StoreError(NO_PROFILE)
                    result = import_feedback(store, path)
            except IncidentfolioError as exc:  # name the upload, not the temporary copy
                raise StoreError(str(exc).replace(str(path), name)) from None
        self.upload.value = ()
        skipped = f" ({result.already} already recorded were skipped)" if result.already else ""
        self.summary.value = (
            f'<p class="if-feedback-imported" role="status"><strong>Imported {esc(name)}:</strong> '
            f"{esc(result.summary())}{esc(skipped)}; feedback on submission "
            f"{esc(result.submission)}.</p>"
        )
        self.refresh()  # this section's own change listener is skipped while it is busy
        self.ctx.changed()
