"""Hand in: submit a snapshot to the exchange folder, and export an evidence bundle."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from incidentfolio.errors import StoreError
from incidentfolio.paths import default_exports_dir
from incidentfolio.serve import EXCHANGE_ENV_VAR
from incidentfolio.store.submission import submissions, submit
from widgets.portfolio.common import PortfolioContext, Section, button, esc, labelled
from widgets.portfolio.coverage_view import when

if TYPE_CHECKING:
    from incidentfolio.export.bundle import ExportResult

EXCHANGE_ENV = EXCHANGE_ENV_VAR  # set by `incidentfolio serve --exchange`
NO_PROFILE = "Set up your profile first: a submission names you and your frameworks."
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # larger zips are not offered as a download link


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def download_link(zip_path: Path) -> str:
    """A data: URI download of the zip when it is small enough, else a note with its path."""
    size = zip_path.stat().st_size
    if size > DOWNLOAD_LIMIT:
        return (
            f"<p>The zip is {esc(_size(size))}, too large to download here: copy it from "
            f"<code>{esc(zip_path)}</code>.</p>"
        )
    data = base64.b64encode(zip_path.read_bytes()).decode("ascii")
    return (
        f'<p><a class="if-portfolio-handin-download" download="{esc(zip_path.name)}" '
        f'href="data:application/zip;base64,{data}">Download {esc(zip_path.name)} '
        f"({esc(_size(size))})</a></p>"
    )


def render_bundle(result: ExportResult) -> str:
    """Where the bundle is, what is in it and how personal data was handled."""
    if result.personal_data_included:
        privacy = "Personal data is included: keep the bundle secure."
    else:
        privacy = f"Personal data was replaced by placeholders ({result.pseudonymised})."
    withheld = ""
    if result.withheld:
        names = ", ".join(esc(n) for n in result.withheld)
        withheld = (
            f"<p>Left out because a binary file cannot be checked for personal data: {names}.</p>"
        )
    zipped = ""
    if result.zip_path is not None:
        zipped = f"<p>Zip: <code>{esc(result.zip_path)}</code></p>{download_link(result.zip_path)}"
    noun = "item" if result.items == 1 else "items"
    return (
        f'<div class="if-handin-bundle" role="status"><p><strong>Bundle exported:</strong> '
        f"{result.items} evidence {noun}, {result.files} files, "
        f"{esc(_size(result.total_bytes))}.</p>"
        f"<p>Folder: <code>{esc(result.path)}</code> (open <code>index.html</code> in it)</p>"
        f"{zipped}<p>{esc(privacy)}</p>{withheld}</div>"
    )


def render_submissions(rows: list[dict[str, Any]]) -> str:
    """The submissions this portfolio made, newest first."""
    if not rows:
        return '<p class="if-note">You have not handed in this portfolio yet.</p>'
    items = "".join(
        f"<li><strong>{esc(r['id'])}</strong> on {esc(when(r['submitted_at']))} (ledger entry "
        f"{int(r['ledger_seq'])}) to <code>{esc(r['folder'])}</code></li>"
        for r in reversed(rows)
    )
    return f"<p>Handed in before:</p><ul>{items}</ul>"


class HandInSection(Section):
    """Hand in. CSS classes ``if-portfolio-handin`` and ``if-portfolio-handin-{folder,submit,
    result,history,export,progress,status,bundle}``."""

    part = "handin"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.folder = labelled(
            w.Text(
                value=os.environ.get(EXCHANGE_ENV, ""),
                placeholder="the folder your centre gave you, e.g. /srv/exchange",
                continuous_update=False,
                layout=w.Layout(width="min(40em, 100%)"),
            ),
            "Exchange folder",
            help_text="Where your submission is copied for the assessor to collect",
        )
        self.submit = button("Submit", "handin-submit", style="primary",
                             tooltip="Hand in a snapshot of your portfolio")  # fmt: skip
        self.result = w.HTML()
        self.history = w.HTML()
        self.out = labelled(
            w.Text(
                value=str(default_exports_dir(ctx.folder)),
                continuous_update=False,
                layout=w.Layout(width="min(40em, 100%)"),
            ),
            "Save bundles in",
            help_text="The folder the bundle (and its zip) is written to",
        )
        self.export = button("Export a bundle", "handin-export",
                             tooltip="Make a folder of web pages of your evidence")  # fmt: skip
        self.progress = w.IntProgress(
            value=0, min=0, max=1, description="Export progress",
            style={"description_width": "initial"}, layout=w.Layout(display="none"),
        )  # fmt: skip
        self.status = w.HTML()
        self.bundle = w.HTML()
        for control, name in (
            (self.folder, "folder"),
            (self.result, "result"),
            (self.history, "history"),
            (self.out, "out"),
            (self.progress, "progress"),
            (self.status, "status"),
            (self.bundle, "bundle"),
        ):
            control.add_class(f"if-portfolio-handin-{name}")
        self.submit.on_click(self.guarded(self._on_submit))
        self.export.on_click(self.guarded(self._on_export))
        self.children = [
            w.HTML(
                "<h3>Hand in</h3><p>Submit a snapshot of your portfolio to the exchange folder "
                "for your assessor. Sign the declaration first (<em>Check and declare</em>).</p>"
            ),
            self.folder,
            self.submit,
            self.result,
            self.history,
            w.HTML(
                "<h4>Evidence bundle</h4><p>Export your evidence as a folder of web pages with "
                "a criteria matrix, to keep or to send. Personal data is replaced by "
                "placeholders.</p>"
            ),
            self.out,
            self.export,
            self.progress,
            self.status,
            self.bundle,
            self.message,
        ]
        self.guarded(self.refresh)()

    def refresh(self) -> None:
        """Show the earlier submissions."""
        with self.ctx.store(create=True) as store:
            if store.profile() is None:
                self.history.value = f'<p class="if-note">{esc(NO_PROFILE)}</p>'
                return
            self.history.value = render_submissions(submissions(store))

    def _on_submit(self, _button: object = None) -> None:
        text = self.folder.value.strip()
        if not text:
            raise StoreError(
                "Type the exchange folder first (your centre tells you which one), then submit."
            )
        with self.ctx.store() as store:
            if store.profile() is None:
                raise StoreError(NO_PROFILE)
            done = submit(store, Path(text).expanduser())
        self.result.value = (
            f'<div class="if-handin-done" role="status"><strong>Handed in as {esc(done.id)}.'
            f"</strong> The snapshot ({len(done.manifest['files'])} files, "
            f"{esc(_size(done.total_bytes))}) is in <code>{esc(done.folder)}</code>.</div>"
        )
        self.refresh()  # this section's own change listener is skipped while it is busy
        self.ctx.changed()

    def _progress(self, done: int, total: int, _label: str) -> None:
        self.progress.max = max(total, 1)
        self.progress.value = min(done, total)

    def _on_export(self, _button: object = None) -> None:
        from incidentfolio.export.bundle import export_bundle

        text = self.out.value.strip()
        if not text:
            raise StoreError("Type the folder to save the bundle in first, then export.")
        self.bundle.value = ""
        self.progress.value, self.progress.max = 0, 1
        self.progress.layout.display = None
        self.status.value = '<p role="status">Exporting your evidence: this can take a minute…</p>'
        try:
            with self.ctx.store() as store:
                if store.profile() is None:
                    raise StoreError(NO_PROFILE)
                result = export_bundle(store, Path(text).expanduser(), make_zip=True,
                                       progress=False, on_progress=self._progress)  # fmt: skip
        except BaseException:
            self.status.value = '<p role="status">The export stopped; no bundle was written.</p>'
            self.progress.layout.display = "none"
            raise
        self.progress.value = self.progress.max
        self.status.value = f'<p role="status">Export finished in {result.seconds:.1f} seconds.</p>'
        self.bundle.value = render_bundle(result)
