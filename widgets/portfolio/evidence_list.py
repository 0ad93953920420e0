"""The evidence list: filter, open an item, see its versions, edit or delete it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from incidentfolio.evidence_types import EVIDENCE_TYPES, body_text, load_templates
from incidentfolio.store import Item
from widgets.portfolio.common import PortfolioContext, Section, button, esc

ALL = "(all)"


def item_status(item: Item, judged: set[str]) -> str:
    """not mapped / mapped / judged (an assessor has judged a criterion it evidences)."""
    if item.deleted:
        return "deleted"
    if not item.mappings:
        return "not mapped"
    return "judged" if any(m.ref in judged for m in item.mappings) else "mapped"


def render_item(item: Item) -> str:
    """An item as an assessor will read it: fields, mappings, attachments (all escaped)."""
    text = body_text(item.type, item.body)
    paragraphs = "".join(f"<p>{esc(line)}</p>" for line in text.splitlines() if line.strip())
    maps = "".join(
        f"<li><strong>{esc(m.ref)}</strong>: {esc(m.justification)}"
        + (f" <em>(see {esc(m.anchor)})</em>" if m.anchor else "")
        + "</li>"
        for m in item.mappings
    )
    files = "".join(f"<li>{esc(a.name)} ({a.size:,} bytes)</li>" for a in item.attachments)
    flag = " · contains personal data" if item.personal_data else ""
    return (
        f'<article class="if-portfolio-item">'
        f"<h3>{esc(item.id)} · {esc(item.title)}</h3>"
        f'<p class="if-field-help">{esc(load_templates()[item.type].title)} · version '
        f"{item.version} · recorded {esc(item.updated_at[:16].replace('T', ' '))} UTC{flag}</p>"
        f"{paragraphs}"
        f"<h4>Mapped to</h4><ul>{maps or '<li>not mapped yet</li>'}</ul>"
        + (f"<h4>Attachments</h4><ul>{files}</ul>" if files else "")
        + "</article>"
    )


class EvidenceListSection(Section):
    """Every item with its type, date, mappings, personal-data flag and status."""

    part = "evidence"

    def __init__(self, ctx: PortfolioContext, on_edit: Callable[[str], None],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(ctx, **kwargs)
        self.on_edit = on_edit
        style = {"description_width": "initial"}
        self.type_filter = w.Dropdown(description="Type", style=style)
        self.criterion_filter = w.Dropdown(description="Criterion", style=style)
        self.status_filter = w.Dropdown(
            description="Status", options=[ALL, "not mapped", "mapped", "judged", "deleted"],
            style=style,
        )  # fmt: skip
        for control, name in ((self.type_filter, "type"), (self.criterion_filter, "criterion"),
                              (self.status_filter, "status")):  # fmt: skip
            control.add_class(f"if-portfolio-evidence-filter-{name}")
            control.observe(self.guarded(lambda _: self._show_list()), names="value")
        self.table = w.HTML()
        self.table.add_class("if-portfolio-evidence-table")
        self.picker = w.Dropdown(description="Open item", style=style)
        self.picker.add_class("if-portfolio-evidence-open")
        self.picker.observe(self.guarded(lambda _: self._show_item()), names="value")
        self.view = w.HTML()
        self.view.add_class("if-portfolio-evidence-view")
        self.versions = w.HTML()
        self.edit_button = button("Edit (new version)", "evidence-edit")
        self.edit_button.on_click(self.guarded(self._edit))
        self.delete_button = button("Delete…", "evidence-delete", style="danger")
        self.delete_button.on_click(self.guarded(self._ask_delete))
        self.confirm = button("Yes, delete it", "evidence-confirm-delete", style="danger")
        self.confirm.on_click(self.guarded(self._delete))
        self.confirm.layout.display = "none"
        self.items: list[Item] = []
        self.judged: set[str] = set()
        self.children = [
            w.HBox([self.type_filter, self.criterion_filter, self.status_filter]),
            self.table, self.picker, self.view, self.versions,
            w.HBox([self.edit_button, self.delete_button, self.confirm]), self.message,
        ]  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        from incidentfolio.coverage import judgements

        with self.ctx.store(create=True) as store:
            self.items = store.items(include_deleted=True)
            self.judged = {f"{fw}:{crit}" for fw, crit in judgements(store)}
        templates = load_templates()
        types = [(ALL, ALL)] + [(templates[t].title, t) for t in EVIDENCE_TYPES
                                if any(i.type == t for i in self.items)]  # fmt: skip
        refs = [ALL, *sorted({m.ref for i in self.items for m in i.mappings}, key=_ref_key)]
        with self.hold_sync():
            chosen_type, chosen_ref = self.type_filter.value, self.criterion_filter.value
            self.type_filter.options = types
            self.type_filter.value = chosen_type if chosen_type in dict(types).values() else ALL
            self.criterion_filter.options = refs
            self.criterion_filter.value = chosen_ref if chosen_ref in refs else ALL
        self._show_list()

    def _filtered(self) -> list[Item]:
        status = self.status_filter.value
        out = []
        for item in self.items:
            if self.type_filter.value not in (ALL, item.type):
                continue
            if self.criterion_filter.value != ALL and not any(
                m.ref == self.criterion_filter.value for m in item.mappings
            ):
                continue
            item_state = item_status(item, self.judged)
            if (status == ALL and item.deleted) or status not in (ALL, item_state):
                continue
            out.append(item)
        return out

    def _show_list(self) -> None:
        items = self._filtered()
        if not items:
            self.table.value = (
                "<p>No evidence matches. Add some in the <em>Add evidence</em> tab.</p>"
            )
        else:
            rows = "".join(
                f"<tr><td>{esc(i.id)}</td><td>{esc(load_templates()[i.type].title)}</td>"
                f"<td>{esc(i.title)}</td><td>{esc(i.updated_at[:10])}</td>"
                f"<td>{len(i.mappings)}</td><td>{'yes' if i.personal_data else 'no'}</td>"
                f"<td>{esc(item_status(i, self.judged))}</td></tr>"
                for i in items
            )
            self.table.value = (
                '<table class="if-table"><caption>Your evidence</caption><thead><tr>'
                '<th scope="col">Id</th><th scope="col">Type</th><th scope="col">Title</th>'
                '<th scope="col">Saved</th><th scope="col">Criteria</th>'
                '<th scope="col">Personal data</th><th scope="col">Status</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>"
            )
        current = self.picker.value
        self.picker.options = [("(choose an item)", None)] + [(f"{i.id} {i.title}", i.id)
                                                              for i in items]  # fmt: skip
        self.picker.value = current if current in [i.id for i in items] else None
        self._show_item()

    def _selected(self) -> Item | None:
        return next((i for i in self.items if i.id == self.picker.value), None)

    def _show_item(self) -> None:
        item = self._selected()
        self.confirm.layout.display = "none"
        self.edit_button.disabled = self.delete_button.disabled = item is None or item.deleted
        if item is None:
            self.view.value = self.versions.value = ""
            return
        self.view.value = render_item(item)
        with self.ctx.store() as store:
            history = store.history(item.id)
        lines = "".join(
            f"<li>version {v['version']}: {esc(v['state'])}, {esc(v['recorded_at'][:16])} UTC, "
            f"“{esc(v['title'])}”</li>"
            for v in history
        )
        self.versions.value = (
            f"<details><summary>Versions ({len(history)})</summary><ol>{lines}</ol></details>"
        )

    def _edit(self, _: Any = None) -> None:
        item = self._selected()
        if item is not None:
            self.on_edit(item.id)

    def _ask_delete(self, _: Any = None) -> None:
        if self._selected() is not None:
            self.confirm.layout.display = None
            self.message.info(
                "Deleting hides the item from your portfolio; its history is kept. Press "
                "'Yes, delete it' to go ahead."
            )

    def _delete(self, _: Any = None) -> None:
        item = self._selected()
        if item is None:
            return
        with self.ctx.store() as store:
            store.delete_item(item.id)
        self.confirm.layout.display = "none"
        self.ctx.changed()
        self.message.info(f"{item.id} deleted (its history is kept).")


def _ref_key(ref: str) -> tuple[str, tuple[int, ...]]:
    framework, _, criterion = ref.partition(":")
    return framework, tuple(int(p) for p in criterion.split(".") if p.isdigit())
