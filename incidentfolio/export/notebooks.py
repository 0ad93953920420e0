"""An evidence item as an nbformat notebook: the form :mod:`.exporter` turns into a page.

Each filled-in field of the item becomes one markdown cell with the id ``field-<field id>``
(``field-actions``), in the evidence template's order; a ``notebook`` item's own notebook
follows, each cell keeping its id. A mapping's anchor (a field id or a cell id) therefore
names exactly one cell, whose element on the page has the id ``cell-<cell id>``.

Field values are written as markdown for long text (the candidate writes markdown) and as
escaped HTML for everything else, so a reference number or a name is never read as markup.
The exporter sanitises every markdown cell after rendering it, whatever it holds.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from incidentfolio.evidence_types import EvidenceTemplate, Field

CELL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_JSON_MIME = re.compile(r"^application/(.*\+)?json$")  # the mimetypes whose data may be JSON
FIELD_PREFIX = "field-"
MAX_DEPTH = 12
CELL_TYPES = ("markdown", "code", "raw")


def field_cell_id(field_id: str) -> str:
    """The cell id of a field's cell (ids are limited to 64 safe characters)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", field_id)[: 64 - len(FIELD_PREFIX)] or "_"
    return FIELD_PREFIX + safe


def html_id(cell_id: str) -> str:
    """The element id a cell gets on the page (``cell-field-actions``)."""
    return f"cell-{cell_id}"


def anchor_target(cell_ids: Iterable[str], anchor: str | None) -> str | None:
    """The element id a mapping's ``anchor`` points at, or None when nothing matches.

    A field id (``actions``; a path such as ``actions[2].text`` points at its field) names
    that field's cell; anything else is looked up as a notebook cell id.
    """
    if not anchor:
        return None
    ids = set(cell_ids)
    base = re.split(r"[.\[]", anchor.strip(), maxsplit=1)[0]
    if base and field_cell_id(base) in ids:
        return html_id(field_cell_id(base))
    if anchor.strip() in ids and not anchor.strip().startswith(FIELD_PREFIX):
        return html_id(anchor.strip())
    return None


# --- field values ----------------------------------------------------------------------------


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return all(_blank(v) for v in (value.values() if isinstance(value, dict) else value))
    return False


def _label(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "(blank)"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _esc(value: object) -> str:
    """Escaped text with line breaks kept (as ``<br>``), never a blank line (it would end the
    HTML block in markdown)."""
    text = html.escape(_scalar(value).strip())
    return re.sub(r"\n\s*", "<br>", text)


def value_html(value: object, field: Field | None = None, depth: int = 0) -> str:
    """A field value as escaped HTML: lists as ``ul``, records as tables, groups as ``dl``."""
    if depth > MAX_DEPTH:
        return "<p>…</p>"
    subs = {s.id: s for s in field.subfields} if field is not None else {}
    if isinstance(value, dict):
        order = [k for k in subs if k in value] + [k for k in value if k not in subs]
        rows = [
            f"<dt>{_esc(subs[k].label if k in subs else _label(k))}</dt>"
            f"<dd>{value_html(value[k], subs.get(k), depth + 1)}</dd>"
            for k in order
            if not _blank(value[k])
        ]
        return f"<dl>{''.join(rows)}</dl>"
    if isinstance(value, list):
        entries = [v for v in value if not _blank(v)]
        if (
            field is not None
            and field.kind == "records"
            and all(isinstance(v, dict) for v in entries)
        ):
            return _records_table(entries, field, depth)
        inner = "".join(f"<li>{value_html(v, None, depth + 1)}</li>" for v in entries)
        return f"<ul>{inner}</ul>"
    return _esc(value)


def _records_table(records: list[dict[str, Any]], field: Field, depth: int) -> str:
    keys = [s.id for s in field.subfields if any(not _blank(r.get(s.id)) for r in records)]
    extra = [k for r in records for k in r if k not in keys and not _blank(r.get(k))]
    keys += list(dict.fromkeys(extra))
    labels = {s.id: s.label for s in field.subfields}
    head = "".join(f'<th scope="col">{_esc(labels.get(k, _label(k)))}</th>' for k in keys)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell_html(r.get(k), depth)}</td>" for k in keys) + "</tr>"
        for r in records
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell_html(value: object, depth: int) -> str:
    return "" if _blank(value) else value_html(value, None, depth + 1)


def field_markdown(label: str, value: object, field: Field | None) -> str:
    """A field's markdown cell: its label as a heading, then its value."""
    heading = f"### {_md_escape(label)}\n\n"
    if isinstance(value, str) and (field is None or field.kind == "longtext"):
        return heading + value.strip() + "\n"
    if isinstance(value, str) or not isinstance(value, (dict, list)):
        return heading + f"<p>{_esc(value)}</p>\n"
    return heading + value_html(value, field) + "\n"


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", " ".join(str(text).split()))


# --- the notebook ----------------------------------------------------------------------------


def field_values(
    item_type: str, body: dict[str, Any], template: EvidenceTemplate | None
) -> list[tuple[str, str, Any, Field | None]]:
    """(field id, label, value, field) for every filled-in field, in the template's order;
    fields the template does not list (an incident log's other log fields) follow."""
    fields = template.fields if template is not None else ()
    out = [(f.id, f.label, body.get(f.id), f) for f in fields if not _blank(body.get(f.id))]
    listed = {f.id for f in fields}
    out += [(str(k), _label(str(k)), v, None) for k, v in body.items()
            if k not in listed and not _blank(v)]  # fmt: skip
    return out


def item_notebook(
    item_type: str,
    body: dict[str, Any],
    *,
    template: EvidenceTemplate | None,
    notebook: dict[str, Any] | None = None,
    notebook_name: str = "",
    cited: Iterable[str] = (),
    metadata: dict[str, Any] | None = None,
    text: Callable[[str], str] = lambda s: s,
) -> NotebookNode:
    """The item as an nbformat 4.5 notebook.

    ``body`` is written as one markdown cell per field; ``notebook`` (the item's own notebook
    as JSON data, already pseudonymised if it should be) follows its fields, cells listed in
    ``cited`` marked as the ones the candidate points at. ``metadata`` is stored under
    ``metadata.incidentfolio`` for the page template. ``text`` is applied to labels made
    from keys (for pseudonymising).
    """
    import nbformat

    cells = []
    for fid, label, value, field in field_values(item_type, body, template):
        cell = _cell("markdown", field_markdown(text(label), value, field), field_cell_id(fid))
        cell["metadata"]["incidentfolio"] = {"field": fid, "label": text(label)}
        cells.append(cell)
    language = None
    if notebook is not None:
        name = f": {_md_escape(notebook_name)}" if notebook_name else ""
        cells.append(_cell("markdown", f"## The notebook{name}\n", "notebook-start"))
        cells.extend(_notebook_cells(notebook, set(cited), taken={c["id"] for c in cells}))
        meta = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
        language = meta.get("language_info") if isinstance(meta, dict) else None
    nb_meta: dict[str, Any] = {"incidentfolio": metadata or {}}
    if isinstance(language, dict) and isinstance(language.get("name"), str):
        nb_meta["language_info"] = {
            k: language[k] for k in ("name", "pygments_lexer") if isinstance(language.get(k), str)
        }
    # Built as plain data and converted once: nbformat's new_*_cell helpers validate every
    # cell, which costs more than rendering it. nbconvert validates the whole notebook.
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": nb_meta, "cells": cells}
    return nbformat.from_dict(nb)


def _cell(kind: str, source: str, cell_id: str) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def _notebook_cells(data: dict[str, Any], cited: set[str], taken: set[str]) -> list[Any]:
    """The cells of a candidate's notebook, each with a unique, valid id (kept when it is)."""
    raw_cells = data.get("cells")
    out: list[dict[str, Any]] = []
    if not isinstance(raw_cells, list):
        return out
    for n, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict) or raw.get("cell_type") not in CELL_TYPES:
            continue
        wanted = raw.get("id")
        ok = (isinstance(wanted, str) and CELL_ID.match(wanted) and wanted not in taken
              and not wanted.startswith(FIELD_PREFIX))  # fmt: skip
        cell_id = wanted if ok else _fresh_id(n, taken)
        taken.add(cell_id)
        cell = _cell(raw["cell_type"], _source(raw.get("source")), cell_id)
        if raw["cell_type"] == "code":
            count = raw.get("execution_count")
            cell["execution_count"] = _count(count)
            cell["outputs"] = [_output(o) for o in raw.get("outputs") or [] if isinstance(o, dict)]
        elif raw["cell_type"] == "markdown" and isinstance(raw.get("attachments"), dict):
            cell["attachments"] = {
                str(k): {str(m): v for m, v in b.items() if isinstance(v, str)}
                for k, b in raw["attachments"].items()
                if isinstance(b, dict)
            }
        cell["metadata"] = {"incidentfolio": {"cited": cell_id in cited, "notebook_cell": True}}
        out.append(cell)
    return out


def _count(value: object) -> int | None:
    """An execution count, or None for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _fresh_id(n: int, taken: set[str]) -> str:
    candidate, k = f"nb-{n}", 1
    while candidate in taken:
        k += 1
        candidate = f"nb-{n}-{k}"
    return candidate


def _source(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def _output(raw: dict[str, Any]) -> dict[str, Any]:
    """One output, reduced to the fields the page shows (malformed parts dropped)."""
    kind = raw.get("output_type")
    if kind == "stream":
        name = raw.get("name") if raw.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _source(raw.get("text"))}
    if kind == "error":
        trace = raw.get("traceback")
        return {
            "output_type": "error",
            "ename": str(raw.get("ename", "")),
            "evalue": str(raw.get("evalue", "")),
            "traceback": [str(t) for t in trace] if isinstance(trace, list) else [],
        }
    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    clean: dict[str, Any] = {}
    for mime, value in data.items():
        if isinstance(value, list):
            value = "".join(str(v) for v in value)
        if isinstance(value, str) or (isinstance(value, dict) and _JSON_MIME.match(str(mime))):
            clean[str(mime)] = value
    out: dict[str, Any] = {"output_type": "display_data", "data": clean, "metadata": {}}
    if kind == "execute_result":
        out["output_type"] = "execute_result"
        out["execution_count"] = _count(raw.get("execution_count"))
    return out
