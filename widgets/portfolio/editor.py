"""Add or edit an evidence item: the template's form, attachments, a draft kept across reloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as w

from incidentfolio.errors import StoreError
from incidentfolio.evidence_types import EVIDENCE_TYPES, load_templates
from widgets.evidence_form import EvidenceForm
from widgets.portfolio.common import PortfolioContext, Section, button, esc

DRAFT_KEY = "portfolio-editor"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".pdf", ".txt", ".eml", ".csv", ".docx",
                    ".xlsx", ".odt", ".ipynb")  # fmt: skip


def _with_notebook(body: dict[str, Any], files: list[Path]) -> dict[str, Any]:
    """A notebook item's body filled from its uploaded .ipynb (what the form gives wins)."""
    from incidentfolio.evidence_input import notebook_body

    notebooks = [p for p in files if p.suffix.lower() == ".ipynb"]
    if not notebooks:
        raise StoreError("a notebook item needs its .ipynb file: attach it with 'Attach files'")
    return {**notebook_body(notebooks[0]), **body}


def check_upload(name: str, size: int) -> None:
    """Refuse uploads the portfolio should not keep, with a message naming the file."""
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise StoreError(
            f"{name}: {suffix or 'files without an extension'} cannot be attached "
            f"(allowed: {', '.join(ATTACHMENT_TYPES)})"
        )
    if size > MAX_UPLOAD_BYTES:
        raise StoreError(
            f"{name} is {size / 1_048_576:.1f} MB; attachments may be "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB at most"
        )


class EditorSection(Section):
    """Choose a type, fill its form, attach files, save. Editing saves a new version."""

    part = "editor"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        templates = load_templates()
        self.type = w.Dropdown(
            description="Evidence type",
            options=[(templates[t].title, t) for t in EVIDENCE_TYPES],
            style={"description_width": "12em"},
        )
        self.type.add_class("if-portfolio-editor-type")
        self.type.observe(self.guarded(self._type_changed), names="value")
        self.summary = w.HTML()
        self.heading = w.HTML()
        self.form_box = w.VBox()
        self.uploads = w.FileUpload(description="Attach files", multiple=True,
                                    accept=",".join(ATTACHMENT_TYPES))  # fmt: skip
        self.uploads.add_class("if-portfolio-editor-upload")
        self.upload_note = w.HTML(
            f'<div class="if-field-help">Screenshots of logs, e-mails or PDFs, up to '
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB each. Remove caller details first.</div>"
        )
        self.save = button("Save evidence", "editor-save", style="primary")
        self.save.on_click(self.guarded(self._save))
        self.cancel = button("Discard this draft", "editor-discard")
        self.cancel.on_click(self.guarded(self._discard))
        self.status = w.HTML()
        self.status.add_class("if-portfolio-editor-status")
        self.mode: dict[str, Any] = {"mode": "add"}
        self.form: EvidenceForm | None = None
        self.children = [self.heading, self.type, self.summary, self.form_box, self.uploads,
                         self.upload_note, w.HBox([self.save, self.cancel]), self.status,
                         self.message]  # fmt: skip
        self._restore()

    # --- drafts --------------------------------------------------------------------------
    def _restore(self) -> None:
        with self.ctx.store(create=True) as store:
            draft = store.draft(DRAFT_KEY)
        if draft and draft.get("evidence_type") in EVIDENCE_TYPES:
            self.mode = {"mode": draft.get("mode", "add"), "item_id": draft.get("item_id")}
            self._show_form(draft["evidence_type"], draft.get("values") or {})
            self.status.value = '<span role="status">Your unsaved draft was restored.</span>'
        else:
            self._show_form(self.type.value, {})

    def _save_draft(self, values: dict[str, Any]) -> None:
        with self.ctx.store(create=True) as store:
            store.save_draft(DRAFT_KEY, {**self.mode, "evidence_type": self.type.value,
                                         "values": values})  # fmt: skip
        self.status.value = '<span role="status">Draft saved.</span>'

    def _show_form(self, evidence_type: str, values: dict[str, Any]) -> None:
        template = load_templates()[evidence_type]
        with self.hold_trait_notifications():
            self._switching = True
            self.type.value = evidence_type
            self._switching = False
        self.type.disabled = self.mode.get("mode") == "edit"
        self.form = EvidenceForm(
            evidence_type, lambda values: self.quietly(lambda: self._save_draft(values))()
        )
        self.form.load(values)
        self.form_box.children = [self.form]
        self.summary.value = f'<p class="if-field-help">{esc(template.summary)}</p>'
        if self.mode.get("mode") == "edit":
            self.heading.value = (
                f"<h3>Editing {esc(self.mode['item_id'])}</h3><p>Saving records a new version; "
                "the earlier versions stay in the item's history.</p>"
            )
            self.save.description = "Save a new version"
        else:
            self.heading.value = "<h3>Add evidence</h3>"
            self.save.description = "Save evidence"

    def _type_changed(self, change: dict[str, Any]) -> None:
        if getattr(self, "_switching", False) or self.mode.get("mode") == "edit":
            return
        self._show_form(change["new"], {})

    def edit(self, item_id: str) -> None:
        """Open an existing item in the form (called from the evidence list)."""
        with self.ctx.store() as store:
            item = store.item(item_id)
        self.mode = {"mode": "edit", "item_id": item_id}
        values = {"title": item.title, "personal_data": item.personal_data, "body": item.body}
        self._show_form(item.type, values)
        self._save_draft(values)

    # --- saving --------------------------------------------------------------------------
    def _save(self, _: Any = None) -> None:
        assert self.form is not None
        self.form.autosave.flush()
        values = self.form.values()
        with tempfile.TemporaryDirectory() as tmp:
            files = self._uploaded_files(Path(tmp))
            with self.ctx.store() as store:
                if self.mode.get("mode") == "edit":
                    item_id = self.mode["item_id"]
                    version = store.edit_item(item_id, title=values["title"],
                                              body=values["body"],
                                              personal_data=values["personal_data"])  # fmt: skip
                    done = f"Saved version {version} of {item_id}."
                else:
                    body = values["body"]
                    if self.type.value == "notebook":
                        body = _with_notebook(body, files)
                    item_id = store.add_item(self.type.value, values["title"], body,
                                             personal_data=values["personal_data"],
                                             attachments=files)  # fmt: skip
                    done = f"Saved as {item_id}. Map it to criteria in the next tab."
                store.discard_draft(DRAFT_KEY)
        self.uploads.value = ()
        self.mode = {"mode": "add"}
        self._show_form(self.type.value, {})
        self.status.value = f'<span role="status" class="if-portfolio-saved">{esc(done)}</span>'
        self.ctx.changed()

    def _uploaded_files(self, folder: Path) -> list[Path]:
        if self.mode.get("mode") == "edit" and self.uploads.value:
            raise StoreError("attachments can only be added with a new item")
        paths = []
        for upload in self.uploads.value:
            name = Path(str(upload["name"])).name
            content = bytes(upload["content"])
            check_upload(name, len(content))
            target = folder / name
            target.write_bytes(content)
            paths.append(target)
        return paths

    def _discard(self, _: Any = None) -> None:
        with self.ctx.store() as store:
            store.discard_draft(DRAFT_KEY)
        self.mode = {"mode": "add"}
        self.uploads.value = ()
        self._show_form(self.type.value, {})
        self.status.value = '<span role="status">Draft discarded.</span>'
