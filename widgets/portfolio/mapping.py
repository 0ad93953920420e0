"""Map an item to criteria: pick from the framework tree, justify, point to where it shows."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from incidentfolio.evidence_types import load_templates
from incidentfolio.store import Item, Mapping
from widgets.evidence_form import Debouncer
from widgets.portfolio.common import PortfolioContext, Section, button, esc

DRAFT_KEY = "portfolio-mapping"
KNOWLEDGE_TYPES = ("knowledge_check", "professional_discussion")
OVER_MAPPED = 8


def mapping_warnings(item: Item, framework: Any, criterion: Any, justification: str,
                     others: list[Item]) -> list[str]:  # fmt: skip
    """What the sufficiency lint would say about this mapping, before it is made."""
    warnings = []
    if len(item.mappings) + 1 > OVER_MAPPED:
        warnings.append(
            f"{item.id} would be mapped to {len(item.mappings) + 1} criteria: keep the ones it "
            "shows best and justify each"
        )
    if criterion.kind == "performance" and item.type in KNOWLEDGE_TYPES:
        warnings.append(
            f"{criterion.id} is about doing the work; a {item.type.replace('_', ' ')} shows "
            "knowledge, so add evidence of doing it too"
        )
    if item.type not in criterion.evidence_types:
        accepted = ", ".join(t.replace("_", " ") for t in criterion.evidence_types)
        warnings.append(
            f"{framework.id} {criterion.id} does not count {item.type.replace('_', ' ')} "
            f"evidence towards sufficiency (it accepts: {accepted})"
        )
    folded = " ".join(justification.casefold().split())
    if folded and any(
        " ".join(m.justification.casefold().split()) == folded for o in others for m in o.mappings
    ):
        warnings.append("this justification is already used word for word: say how THIS item "
                        "shows THIS criterion")  # fmt: skip
    return warnings


class MappingSection(Section):
    """Pick an item and a criterion (LO → criterion), write why, optionally point to a field."""

    part = "map"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        style = {"description_width": "12em"}
        wide = w.Layout(width="100%")
        self.item = w.Dropdown(description="Evidence item", style=style, layout=wide)
        self.framework = w.Dropdown(description="Framework", style=style, layout=wide)
        self.criterion = w.Dropdown(description="Criterion", style=style, layout=wide)
        self.details = w.HTML()
        self.details.add_class("if-portfolio-map-details")
        example = ("e.g. The log shows I read back the postcode and callback number before "
                   "passing the call on.")  # fmt: skip
        self.why = w.Textarea(description="Why it shows this *", style=style, layout=wide,
                              rows=3, continuous_update=True, placeholder=example)  # fmt: skip
        self.anchor = w.Dropdown(description="Where it shows (optional)", style=style, layout=wide)
        self.warnings = w.HTML()
        self.warnings.add_class("if-portfolio-map-warnings")
        self.map_button = button("Map to this criterion", "map-save", style="primary")
        self.current = w.HTML()
        self.current.add_class("if-portfolio-map-current")
        self.unmap_choice = w.Dropdown(description="Remove a mapping", style=style)
        self.unmap_button = button("Remove", "map-remove")
        parts = {
            "item": self.item,
            "framework": self.framework,
            "criterion": self.criterion,
            "why": self.why,
            "anchor": self.anchor,
            "unmap-choice": self.unmap_choice,
        }
        for part, control in parts.items():
            control.add_class(f"if-portfolio-map-{part}")
        self.items: list[Item] = []
        self.frameworks: dict[str, Any] = {}
        self._loading = False
        self.autosave = Debouncer(self.quietly(self._save_draft))
        self.item.observe(self.guarded(lambda _: self._item_changed()), names="value")
        self.framework.observe(self.guarded(lambda _: self._framework_changed()), names="value")
        self.criterion.observe(self.guarded(lambda _: self._criterion_changed()), names="value")
        self.why.observe(self.guarded(lambda _: self._why_changed()), names="value")
        self.map_button.on_click(self.guarded(self._map))
        self.unmap_button.on_click(self.guarded(self._unmap))
        self.children = [self.item, self.framework, self.criterion, self.details, self.why,
                         self.anchor, self.warnings, self.map_button, self.current,
                         w.HBox([self.unmap_choice, self.unmap_button]), self.message]  # fmt: skip
        self._loading = True
        self.refresh()
        self._restore()

    # --- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        with self.ctx.store(create=True) as store:
            self.items = store.items()
            profile = store.profile()
            all_frameworks = store.frameworks()
        chosen = profile.frameworks if profile else ()
        self.frameworks = {f: all_frameworks[f] for f in chosen if f in all_frameworks}
        was_loading, self._loading = self._loading, True  # a refresh is not the candidate typing
        try:
            current = self.item.value
            self.item.options = [("(choose an item)", None)] + [
                (f"{i.id} {i.title}", i.id) for i in self.items
            ]
            self.item.value = current if current in [i.id for i in self.items] else None
            fw = self.framework.value
            self.framework.options = [(f.title + (" (provisional)" if f.provisional else ""), k)
                                      for k, f in self.frameworks.items()]  # fmt: skip
            self.framework.value = (
                fw if fw in self.frameworks else next(iter(self.frameworks), None)
            )
            self._framework_changed()
            self._item_changed()
        finally:
            self._loading = was_loading

    def _restore(self) -> None:
        with self.ctx.store(create=True) as store:
            draft = store.draft(DRAFT_KEY) or {}
        self._loading = True
        try:
            if draft.get("item") in [i.id for i in self.items]:
                self.item.value = draft["item"]
            if draft.get("framework") in self.frameworks:
                self.framework.value = draft["framework"]
                self._framework_changed()
            if draft.get("criterion") in [v for _, v in self.criterion.options]:
                self.criterion.value = draft.get("criterion")
            self.why.value = str(draft.get("why") or "")
            self._item_changed()
        finally:
            self._loading = False

    def _save_draft(self) -> None:
        with self.ctx.store(create=True) as store:
            store.save_draft(DRAFT_KEY, {"item": self.item.value, "framework": self.framework.value,
                                         "criterion": self.criterion.value,
                                         "why": self.why.value})  # fmt: skip

    # --- reacting --------------------------------------------------------------------------
    def _selected_item(self) -> Item | None:
        return next((i for i in self.items if i.id == self.item.value), None)

    def _framework_changed(self) -> None:
        framework = self.frameworks.get(self.framework.value)
        options: list[tuple[str, Any]] = [("(choose a criterion)", None)]
        if framework is not None:
            for c in framework.criteria:
                short = c.statement if len(c.statement) < 80 else c.statement[:77] + "…"
                options.append((f"{c.lo} · {c.id} {short}", c.id))
        current = self.criterion.value
        self.criterion.options = options
        if current in [v for _, v in options]:
            self.criterion.value = current
        self._criterion_changed()

    def _criterion_changed(self) -> None:
        framework = self.frameworks.get(self.framework.value)
        if framework is None or self.criterion.value is None:
            self.details.value = ""
        else:
            c = framework.criterion(self.criterion.value)
            lo = next(lo for lo in framework.learning_outcomes if lo.id == c.lo)
            points = "".join(f"<li>{esc(p)}</li>" for p in c.marking_points)
            self.details.value = (
                f'<div class="if-criterion"><p><strong>{esc(lo.id)}</strong> {esc(lo.title)}</p>'
                f"<p><strong>{esc(c.id)}</strong> {esc(c.statement)} "
                f"<em>({esc(c.kind)}; needs {c.min_evidence_types} evidence type"
                f"{'s' if c.min_evidence_types != 1 else ''})</em></p>"
                f"<p>An assessor looks for:</p><ul>{points}</ul></div>"
            )
        if not self._loading:
            self.autosave()
        self._show_warnings()

    def _item_changed(self) -> None:
        item = self._selected_item()
        anchors: list[tuple[str, Any]] = [("(the whole item)", None)]
        if item is not None:
            template = load_templates()[item.type]
            anchors += [(f.label, f.id) for f in template.fields if item.body.get(f.id)]
            if item.type == "notebook":
                anchors += [(f"notebook cell {cid}", f"cell:{cid}")
                            for cid in item.body.get("cell_ids", [])]  # fmt: skip
        self.anchor.options = anchors
        self.anchor.value = None
        if item is None:
            self.current.value = ""
            self.unmap_choice.options = []
        else:
            rows = "".join(f"<li><strong>{esc(m.ref)}</strong>: {esc(m.justification)}</li>"
                           for m in item.mappings)  # fmt: skip
            self.current.value = (
                f"<p>{esc(item.id)} is mapped to {len(item.mappings)} "
                f"criteri{'on' if len(item.mappings) == 1 else 'a'}.</p><ul>{rows}</ul>"
            )
            self.unmap_choice.options = [m.ref for m in item.mappings]
            self.unmap_choice.value = item.mappings[0].ref if item.mappings else None
        if not self._loading:
            self.autosave()
        self._show_warnings()

    def _why_changed(self) -> None:
        if not self._loading:
            self.autosave()
        self._show_warnings()

    def _show_warnings(self) -> None:
        item = self._selected_item()
        framework = self.frameworks.get(self.framework.value)
        if item is None or framework is None or self.criterion.value is None:
            self.warnings.value = ""
            return
        found = mapping_warnings(item, framework, framework.criterion(self.criterion.value),
                                 self.why.value, self.items)  # fmt: skip
        self.warnings.value = "".join(
            f'<p class="if-warning" role="note">Warning: {esc(text)}</p>' for text in found
        )

    # --- actions -----------------------------------------------------------------------------
    def _map(self, _: Any = None) -> None:
        item = self._selected_item()
        if item is None or self.criterion.value is None:
            self.message.error("Choose an evidence item and a criterion first.")
            return
        self.autosave.flush()
        mapping = Mapping(self.framework.value, self.criterion.value, self.why.value,
                          self.anchor.value)  # fmt: skip
        with self.ctx.store() as store:
            store.map_item(item.id, mapping)
            store.discard_draft(DRAFT_KEY)
        self._loading = True
        self.why.value = ""
        self._loading = False
        self.ctx.changed()
        self.message.info(f"Mapped {item.id} to {mapping.ref}.")

    def _unmap(self, _: Any = None) -> None:
        item = self._selected_item()
        if item is None or not self.unmap_choice.value:
            return
        ref = self.unmap_choice.value
        with self.ctx.store() as store:
            store.unmap_item(item.id, ref)
        self.ctx.changed()
        self.message.info(f"Removed the mapping of {item.id} to {ref}.")
