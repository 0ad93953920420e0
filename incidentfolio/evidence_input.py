"""Turning files a candidate already has into evidence bodies (Markdown, JSON/YAML, notebooks)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from incidentfolio.content.files import load_data, read_text
from incidentfolio.errors import ContentError, StoreError

_TITLE = re.compile(r"^#\s+\S")  # a "# Title" line: the document's title, not a field
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*#*\s*$")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def body_from_markdown(evidence_type: str, path: Path) -> dict[str, Any]:
    """Fill a template's text fields from Markdown: ``## Feelings`` starts the feelings field.

    Text before the first heading goes to the first long-text field; a ``# Title`` line is
    the document's title and is skipped. A ``##`` heading that names no field of the
    template is an error naming it, so nothing the candidate wrote is dropped.
    """
    from incidentfolio.evidence_types import load_templates

    templates = load_templates()
    if evidence_type not in templates:
        raise StoreError(
            f"unknown evidence type {evidence_type!r} (one of: {', '.join(templates)})"
        )
    template = templates[evidence_type]
    by_name: dict[str, Any] = {}
    for f in template.fields:
        by_name[_key(f.id)] = f
        by_name[_key(f.label)] = f
    text_fields = [f for f in template.fields if f.kind in ("longtext", "text")]
    if not text_fields:
        raise StoreError(f"{evidence_type} has no text fields: use --json-file")
    current = next((f for f in text_fields if f.kind == "longtext"), text_fields[0])
    chunks: dict[str, list[str]] = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if _TITLE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            found = by_name.get(_key(heading.group(1)))
            if found is None or found.kind not in ("longtext", "text"):
                names = ", ".join(f.label for f in text_fields)
                raise StoreError(
                    f"{path}: line {number}: {heading.group(1)!r} is not a text field of "
                    f"{evidence_type} (use one of: {names})"
                )
            current = found
            continue
        chunks.setdefault(current.id, []).append(line)
    body = {k: "\n".join(v).strip() for k, v in chunks.items()}
    return {k: v for k, v in body.items() if v}


def body_from_json_file(path: Path) -> dict[str, Any]:
    """A body from a JSON or YAML file (read with the same safety limits as content)."""
    try:
        data = load_data(path)
    except ContentError as exc:
        raise StoreError(str(exc)) from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: the body must be a mapping of fields")
    return data


def notebook_body(path: Path) -> dict[str, Any]:
    """Summary fields for a notebook kept as evidence; the file itself becomes an attachment."""
    try:
        data = json.loads(read_text(path))
    except ContentError as exc:
        raise StoreError(str(exc)) from None
    except ValueError as exc:
        raise StoreError(f"{path}: not a notebook (invalid JSON: {exc})") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise StoreError(f"{path}: not a notebook (no cells)")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise StoreError(f"{path}: not a notebook (cell {number} is not an object)")
    title = path.stem.replace("_", " ")
    for cell in cells:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        source = "".join(source) if isinstance(source, list) else str(source)
        heading = re.search(r"^#\s+(.+)$", source, re.MULTILINE)
        if cell.get("cell_type") == "markdown" and heading:
            title = heading.group(1).strip()
            break
    ids = [c["id"] for c in cells if isinstance(c, dict) and isinstance(c.get("id"), str)]
    kinds = [c.get("cell_type") for c in cells if isinstance(c, dict)]
    summary = f"{len(cells)} cells ({kinds.count('code')} code, {kinds.count('markdown')} markdown)"
    return {"notebook_path": path.name, "title": title, "cell_ids": ids, "summary": summary}
