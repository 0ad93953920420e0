"""A form built from an evidence-type template, with a draft saved as the candidate types.

The practice apps and the portfolio builder both fill evidence through this form, so every
evidence type is entered the same way. Text boxes report every keystroke but the draft is
written only after a short pause in typing (debounced on the kernel's event loop), so a
reload never loses more than the last second of work and typing never waits for the disk.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from incidentfolio.evidence_types import EvidenceTemplate, Field, load_templates

AUTOSAVE_PAUSE_S = 0.8

_SINGLE_LINE = ("text", "date", "datetime", "phone", "email", "contact")
_PLACEHOLDERS = {
    "date": "YYYY-MM-DD, e.g. 2026-03-14",
    "datetime": "e.g. 2026-03-14T09:12:00+00:00",
    "phone": "e.g. 0113 496 0871",
    "email": "name@example.org",
    "contact": "a work phone number or email address",
}


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, but only inside an IPython kernel (a live page).

    Elsewhere (tests, scripts) another library may have a loop running, such as
    Playwright's; saving must not wait for that loop, so it happens at once.
    """
    from IPython import get_ipython

    if getattr(get_ipython(), "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Debouncer:
    """Run ``action`` once input has paused for ``delay`` seconds.

    In a live kernel this uses the kernel's event loop; anywhere else (tests, scripts) it
    runs at once, so saving is never skipped or left waiting.
    """

    def __init__(self, action: Callable[[], None], delay: float = AUTOSAVE_PAUSE_S) -> None:
        self.action = action
        self.delay = delay
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self, *_: Any) -> None:
        loop = _kernel_loop()
        if loop is None:
            self.action()
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self._fire)

    def _fire(self) -> None:
        self._handle = None
        self.action()

    def flush(self) -> None:
        """Save now if a save is waiting (before submitting the form)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self.action()


class FieldControl:
    """The widget(s) for one template field and how to read and write its value."""

    def __init__(self, field: Field, on_change: Callable[[], None]) -> None:
        self.field = field
        self.on_change = on_change
        self.widget = self._build()
        self.widget.add_class(f"if-field-{field.id.replace('_', '-')}")

    # --- building ------------------------------------------------------------------------
    def _build(self) -> w.Widget:
        f = self.field
        label = f.label + (" *" if f.required else "")
        if f.kind == "records":
            return self._records_box(label)
        if f.kind == "group":
            self.children = [FieldControl(sub, self.on_change) for sub in f.subfields]
            box = w.VBox([w.HTML(f"<strong>{_esc(label)}</strong>"),
                          *[c.widget for c in self.children]])  # fmt: skip
            box.add_class("if-field-group")
            return box
        control = self._control(f, label)
        control.observe(lambda _: self.on_change(), names="value")
        self.control = control
        hint = f.help or f.prompt
        return w.VBox([control, w.HTML(f'<div class="if-field-help">{_esc(hint)}</div>')])

    def _control(self, f: Field, label: str) -> w.Widget:
        common = {"description": label, "style": {"description_width": "12em"},
                  "layout": w.Layout(width="100%")}  # fmt: skip
        if f.kind == "longtext":
            return w.Textarea(placeholder=f.prompt, rows=4, continuous_update=True, **common)
        if f.kind in _SINGLE_LINE:
            return w.Text(placeholder=_PLACEHOLDERS.get(f.kind, f.prompt), continuous_update=True,
                          **common)  # fmt: skip
        if f.kind == "list":
            return w.Textarea(placeholder="one per line", rows=3, continuous_update=True, **common)
        if f.kind == "choice":
            return w.Dropdown(options=[("(choose)", None)] + [(o.replace("_", " "), o)
                              for o in f.options], **common)  # fmt: skip
        if f.kind == "choices":
            return w.SelectMultiple(options=[(o.replace("_", " "), o) for o in f.options],
                                    rows=min(6, len(f.options)), **common)  # fmt: skip
        if f.kind == "boolean":
            return w.Checkbox(indent=False, **common)
        if f.kind == "number":
            return w.Text(placeholder="a number", continuous_update=True, **common)
        return w.Text(continuous_update=True, **common)

    def _records_box(self, label: str) -> w.Widget:
        self.rows: list[list[FieldControl]] = []
        self.rows_box = w.VBox()
        add = w.Button(description=f"Add a row to {self.field.label.lower()}", icon="plus")
        add.add_class("if-field-add-row")
        add.on_click(lambda _: (self._add_row(), self.on_change()))
        box = w.VBox([w.HTML(f"<strong>{_esc(label)}</strong> "
                             f'<span class="if-field-help">{_esc(self.field.prompt)}</span>'),
                      self.rows_box, add])  # fmt: skip
        box.add_class("if-field-records")
        return box

    def _add_row(self, values: dict[str, Any] | None = None) -> None:
        row = [FieldControl(sub, self.on_change) for sub in self.field.subfields]
        for control in row:
            control.set((values or {}).get(control.field.id))
        remove = w.Button(description="Remove row", icon="trash")
        remove.add_class("if-field-remove-row")
        line = w.HBox([*[c.widget for c in row], remove])

        def drop(_: Any) -> None:
            self.rows.remove(row)
            self.rows_box.children = tuple(c for c in self.rows_box.children if c is not line)
            self.on_change()

        remove.on_click(drop)
        self.rows.append(row)
        self.rows_box.children = (*self.rows_box.children, line)

    # --- values --------------------------------------------------------------------------
    def get(self) -> Any:
        f = self.field
        if f.kind == "records":
            return [{c.field.id: c.get() for c in row} for row in self.rows]
        if f.kind == "group":
            return {c.field.id: c.get() for c in self.children}
        value = self.control.value
        if f.kind == "list":
            return [line.strip() for line in value.splitlines() if line.strip()]
        if f.kind == "choices":
            return list(value)
        if f.kind == "boolean":
            return bool(value)
        if f.kind == "number":
            text = value.strip()
            try:
                return float(text) if text and "." in text else int(text) if text else None
            except ValueError:
                return text  # the body check names the field and says it is not a number
        if isinstance(value, str):
            return value.strip() or None
        return value

    def set(self, value: Any) -> None:
        f = self.field
        if f.kind == "records":
            self.rows = []
            self.rows_box.children = ()
            for record in value if isinstance(value, list) else []:
                self._add_row(record if isinstance(record, dict) else {})
            return
        if f.kind == "group":
            for c in self.children:
                c.set((value or {}).get(c.field.id) if isinstance(value, dict) else None)
            return
        if f.kind == "list":
            self.control.value = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        elif f.kind == "choices":
            self.control.value = tuple(v for v in (value or []) if v in f.options)
        elif f.kind == "boolean":
            self.control.value = bool(value)
        elif f.kind == "choice":
            self.control.value = value if value in f.options else None
        else:
            self.control.value = "" if value is None else str(value)


class EvidenceForm(w.VBox):
    """Title plus every field of one evidence type's template.

    ``on_edit`` is called (debounced) whenever anything changes, with the current values:
    the caller saves the draft there.
    """

    def __init__(self, evidence_type: str, on_edit: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.template: EvidenceTemplate = load_templates()[evidence_type]
        self.evidence_type = evidence_type
        self._loading = False
        self.autosave = Debouncer(lambda: on_edit(self.values()))
        self.title = w.Text(description="Title *", placeholder="a short, specific title",
                            continuous_update=True, style={"description_width": "12em"},
                            layout=w.Layout(width="100%"))  # fmt: skip
        self.title.add_class("if-field-title")
        self.title.observe(lambda _: self._changed(), names="value")
        self.personal_data = w.Checkbox(
            description="This item contains personal data (names, numbers, addresses)",
            indent=False,
        )
        self.personal_data.add_class("if-field-personal-data")
        self.personal_data.observe(lambda _: self._changed(), names="value")
        self.controls = [FieldControl(f, self._changed) for f in self.template.fields]
        guidance = w.HTML(
            f'<details class="if-guidance"><summary>What good {_esc(self.template.title.lower())} '
            f"evidence looks like</summary><p>{_esc(self.template.guidance)}</p></details>"
        )
        self.children = [guidance, self.title, *[c.widget for c in self.controls],
                         self.personal_data]  # fmt: skip
        self.add_class("if-evidence-form")
        self.add_class(f"if-evidence-form-{evidence_type.replace('_', '-')}")

    def _changed(self) -> None:
        if not self._loading:
            self.autosave()

    def values(self) -> dict[str, Any]:
        """``{"title", "personal_data", "body"}`` as the form holds them now."""
        body = {c.field.id: c.get() for c in self.controls}
        return {"title": self.title.value.strip(), "personal_data": self.personal_data.value,
                "body": _pruned(body)}  # fmt: skip

    def load(self, values: dict[str, Any]) -> None:
        """Fill the form (from a draft or an item) without triggering a save."""
        self._loading = True
        try:
            self.title.value = str(values.get("title") or "")
            self.personal_data.value = bool(values.get("personal_data"))
            body = values.get("body") if isinstance(values.get("body"), dict) else {}
            for c in self.controls:
                c.set(body.get(c.field.id))
        finally:
            self._loading = False


def _pruned(value: Any) -> Any:
    """Drop empty values so the body holds only what the candidate wrote."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [p for p in (_pruned(v) for v in value) if p not in (None, "", [], {})]
    return value


def _esc(text: str) -> str:
    return html.escape(text)
