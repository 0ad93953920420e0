"""Schema validation with fastjsonschema (compiled once per schema, no jsonschema import)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio.errors import ContentError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SUPPORTED_SCHEMA_VERSION = 1


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema)


def _location(path_parts: list[str]) -> str:
    """``['data', 'priorities', '2', 'code']`` → ``priorities[2].code``."""
    out = ""
    for part in path_parts[1:]:
        out += f"[{part}]" if str(part).isdigit() else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate(data: Any, schema_name: str, path: Path | str) -> None:
    """Check ``schema_version`` then the schema; raise ContentError at the first problem."""
    if not isinstance(data, dict):
        raise ContentError(path, "(top level)", f"expected a mapping, found {type(data).__name__}")
    version = data.get("schema_version")
    if version is None:
        raise ContentError(path, "schema_version", "missing (this version reads 1)")
    if version != SUPPORTED_SCHEMA_VERSION or isinstance(version, bool):
        raise ContentError(
            path,
            "schema_version",
            f"unsupported schema_version {version} (this version reads {SUPPORTED_SCHEMA_VERSION})",
        )
    import fastjsonschema

    try:
        _validator(schema_name)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise ContentError(path, _location(list(exc.path)), _plain(exc)) from None


_TYPE_NAMES = {
    "array": "a list",
    "object": "a mapping",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _plain(exc: Any) -> str:
    """fastjsonschema's message without the repeated location, in plain words where we can."""
    rule, definition, value = exc.rule, exc.definition or {}, exc.value
    if rule == "required" and isinstance(value, dict):
        missing = [k for k in definition.get("required", []) if k not in value]
        return "missing required field" + ("s: " if len(missing) > 1 else ": ") + ", ".join(missing)
    if rule == "additionalProperties" and isinstance(value, dict):
        known = set(definition.get("properties", {}))
        extra = sorted(str(k) for k in value if k not in known)
        message = "unknown field" + ("s: " if len(extra) > 1 else ": ") + ", ".join(extra)
        if any(value[k] is None for k in value if k not in known):
            # `{label: a, b}` in YAML makes `b` a key with no value: say how to fix it.
            message += " (a comma inside {...} starts a new field: put the text in quotes)"
        return message
    if rule == "type":
        wanted = definition.get("type")
        names = [wanted] if isinstance(wanted, str) else list(wanted or [])
        return "must be " + " or ".join(_TYPE_NAMES.get(n, n) for n in names)
    if rule == "enum":
        return f"{value!r} is not one of: " + ", ".join(map(str, definition.get("enum", [])))
    return exc.message.removeprefix(exc.name or "").strip()
