"""Reading content files safely: size cap, UTF-8 only, no binary, YAML without surprises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from incidentfolio.errors import ContentError

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIASES = 50


# libyaml (C) when present: parsing the scenario library is ~10x faster than pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_structure(text: str) -> None:
    """Refuse alias bombs and absurd nesting from the event stream, before building anything."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.YAMLError(
                    f"line {event.start_mark.line + 1}: more than {MAX_ALIASES} aliases "
                    "(refused as unsafe)"
                )
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.YAMLError(
                    f"line {event.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read_text(path: Path) -> str:
    """Return a content file's text, or raise ContentError naming what is wrong with it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError(path, "(file)", f"cannot read: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise ContentError(path, "(file)", "not a file")
    if size > MAX_BYTES:
        raise ContentError(path, "(file)", f"file is {size} bytes; the limit is {MAX_BYTES}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(path, "(file)", f"cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in raw:
        raise ContentError(path, "(file)", "binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            path, "(file)", f"not UTF-8 text (bad byte at offset {exc.start})"
        ) from exc
    if not text.strip():
        raise ContentError(path, "(file)", "file is empty")
    return text


def load_data(path: Path) -> Any:
    """Parse a ``.yaml``/``.yml``/``.json`` content file into plain Python data."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "(file)"
            raise ContentError(path, where, f"invalid JSON: {exc}") from exc
    try:
        _check_structure(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ContentError(path, where, f"invalid YAML: {exc.problem or exc}") from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise ContentError(path, "(file)", f"invalid YAML: {exc}") from exc
