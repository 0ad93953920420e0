"""Mahara SmartEvidence ``.matrix`` files: export a framework, import one as a framework.

The format follows Mahara's own files (``htdocs/module/framework/matrices/*.matrix``) and
``Framework::to_json()``, "new style" with ids::

    {"framework": {
        "name", "description", "institution": "all", "selfassess": false,
        "evidencestatuses": [{"begun": …}, {"incomplete": …}, {"partialcomplete": …},
                             {"completed": …}],
        "standards": [{"shortname", "name", "description", "standardid"}],
        "standardelements": [{"shortname", "name", "description", "standardid", "elementid"}]}}

``evidencestatuses`` is a list of one-key objects: that is what Mahara writes and what
``Framework::commit()`` reads (``key((array) $choice)``); a list of lists would be stored with
empty status names. ``standardid`` is an integer and Mahara matches elements to standards with
``===``, so the import here is just as strict about its type.

Mapping: one standard per learning outcome (``shortname`` = LO id, ``name`` = its title,
``standardid`` = its position from 1); one element per criterion, in the framework's order
(``shortname`` = ``elementid`` = criterion id, ``name`` = statement, ``description`` = an HTML
summary with the marking points as a list, so Mahara users see what assessors look for).

Round-trip extras live in an extra ``"incidentfolio"`` object: on the framework (format
version, id, level, provisional, awarding notes) and on each element (kind, evidence types,
min_evidence_types, marking points, misconceptions). Mahara's upload
(``PluginModuleFramework::matrix_is_valid_json`` then ``new Framework(null, …)``) copies only
keys that are Framework properties, and ``commit()`` reads only shortname, name and
description (plus id, elementid, parentelementid) of standards and elements, so an unknown key
is ignored. Hiding the data in descriptions instead would put it in front of Mahara users,
who see descriptions as HTML. The price: a matrix re-exported *by Mahara* loses the extras and
imports here as a plain matrix (defaults below; marking points come back from the ``<li>``
items of each element description).

Plain matrices (no extras, new or old style with nested ``standardelement`` lists) import with
defaults: kind performance, every evidence type, at least one type, provisional, the id
slugified from the name, criterion ids from ``elementid`` when every element has an "N.M" one
(otherwise numbered per standard), LO ids from ``shortname`` when it reads "LO<n>" (otherwise
LO<position>). Standards without elements are skipped with a warning.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from dataclasses import replace as with_changes
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio.errors import ContentError, IncidentfolioError
from incidentfolio.frameworks import (
    Criterion,
    Framework,
    framework_from_data,
    imported_frameworks_dir,
    load_framework,
    load_frameworks,
)

EXTRAS_KEY = "incidentfolio"
EXTRAS_VERSION = 1
INSTITUTION = "all"
EVIDENCE_STATUSES: tuple[tuple[str, str], ...] = (
    ("begun", "Evidence ready for assessment"),
    ("incomplete", "Does not yet meet the criterion"),
    ("partialcomplete", "Partly meets the criterion"),
    ("completed", "Meets the criterion"),
)
CRITERION_EXTRAS = (
    "kind",
    "evidence_types",
    "min_evidence_types",
    "marking_points",
    "misconceptions",
)
FRAMEWORK_EXTRAS = ("version", "id", "level", "provisional", "awarding_notes")
PLAIN_LEVEL = "not stated (imported from a Mahara SmartEvidence matrix)"
_CRITERION_ID = re.compile(r"^[0-9]+\.[0-9]+$")
_LO_ID = re.compile(r"^LO[0-9]+$")


# --- export ---------------------------------------------------------------------------------


def _human(evidence_type: str) -> str:
    return evidence_type.replace("_", " ")


def _esc(text: str) -> str:
    """Escape text for an HTML description (quotes stay as typed: they are not attributes)."""
    return html.escape(text, quote=False)


def _framework_description(fw: Framework) -> str:
    parts = [f"<p>Level: {_esc(fw.level)}</p>"]
    if fw.provisional:
        parts.append(
            "<p><strong>Provisional: not yet checked against the awarding body.</strong></p>"
        )
    parts.append(f"<p>{_esc(fw.awarding_notes)}</p>")
    return "".join(parts)


def _element_description(c: Criterion) -> str:
    types = ", ".join(_human(t) for t in c.evidence_types)
    head = (
        f"<p>{c.kind.capitalize()} criterion. Evidence: at least {c.min_evidence_types} "
        f"of {types}.</p>"
    )
    points = "".join(f"<li>{_esc(m)}</li>" for m in c.marking_points)
    return f"{head}<p>What the assessor looks for:</p><ul>{points}</ul>"


def framework_to_matrix(fw: Framework) -> dict[str, Any]:
    """The framework as a Mahara SmartEvidence matrix document (plain JSON data)."""
    standard_ids = {lo.id: n for n, lo in enumerate(fw.learning_outcomes, start=1)}
    standards = [
        {
            "shortname": lo.id,
            "name": lo.title,
            "description": f"Learning outcome {lo.id} of {_esc(fw.title)}.",
            "standardid": standard_ids[lo.id],
        }
        for lo in fw.learning_outcomes
    ]
    elements = [
        {
            "shortname": c.id,
            "name": c.statement,
            "description": _element_description(c),
            "standardid": standard_ids[c.lo],
            "elementid": c.id,
            EXTRAS_KEY: {
                "kind": c.kind,
                "evidence_types": list(c.evidence_types),
                "min_evidence_types": c.min_evidence_types,
                "marking_points": list(c.marking_points),
                "misconceptions": list(c.misconceptions),
            },
        }
        for c in fw.criteria
    ]
    return {
        "framework": {
            "name": fw.title,
            "description": _framework_description(fw),
            "institution": INSTITUTION,
            "selfassess": False,
            "evidencestatuses": [{key: label} for key, label in EVIDENCE_STATUSES],
            "standards": standards,
            "standardelements": elements,
            EXTRAS_KEY: {
                "version": EXTRAS_VERSION,
                "id": fw.id,
                "level": fw.level,
                "provisional": fw.provisional,
                "awarding_notes": fw.awarding_notes,
            },
        }
    }


def matrix_text(fw: Framework) -> str:
    """The ``.matrix`` file text: stable key order, 2-space indent, ASCII, final newline."""
    return json.dumps(framework_to_matrix(fw), indent=2, ensure_ascii=True) + "\n"


# --- import ---------------------------------------------------------------------------------


@dataclass
class MatrixImport:
    """A matrix converted to framework data, plus what was skipped on the way."""

    data: dict[str, Any]
    framework: Framework
    from_extras: bool
    warnings: list[str] = field(default_factory=list)


@cache
def all_evidence_types() -> tuple[str, ...]:
    """The evidence types the framework schema accepts, in the schema's order."""
    from incidentfolio.content.schema import SCHEMA_DIR

    schema = json.loads((SCHEMA_DIR / "framework.schema.json").read_text(encoding="utf-8"))
    items = schema["properties"]["criteria"]["items"]["properties"]["evidence_types"]["items"]
    return tuple(items["enum"])


def slugify(name: str) -> str:
    """A framework id from a name: ASCII lower case, words joined by hyphens, at most 60."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-")


def _plain_text(fragment: str) -> str:
    text = re.sub(r"<[^>]*>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def marking_points_from_html(description: str) -> list[str]:
    """``<li>`` items of a description, else its text as one point; empty if there is none."""
    items = [_plain_text(m) for m in re.findall(r"<li\b[^>]*>(.*?)</li>", description, re.S | re.I)]
    items = [i for i in items if i]
    if items:
        return items
    text = _plain_text(description)
    return [text] if text else []


def _type_name(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "number" if isinstance(value, int | float) else "null"
    )


class _Reader:
    """Shape checks on the parsed JSON, each failure one ContentError at a JSON location."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> ContentError:
        return ContentError(self.path, where, message)

    def obj(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be an object, found {_type_name(value)}")
        return value

    def array(self, value: object, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"must be an array, found {_type_name(value)}")
        return value

    def text(self, parent: dict[str, Any], key: str, where: str, *, required: bool) -> str:
        if key not in parent or parent[key] is None:
            if required:
                raise self.fail(where, f"missing required field: {key}")
            return ""
        value = parent[key]
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", f"must be a string, found {_type_name(value)}")
        if required and not value.strip():
            raise self.fail(f"{where}.{key}", "must not be empty")
        return value

    def ident(self, parent: dict[str, Any], key: str, where: str) -> int | str:
        if key not in parent:
            raise self.fail(where, f"missing required field: {key}")
        value = parent[key]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(
                f"{where}.{key}", f"must be an integer or a string, found {_type_name(value)}"
            )
        return value


def _check_statuses(r: _Reader, fw: dict[str, Any]) -> None:
    if "evidencestatuses" not in fw:
        return
    known = [key for key, _ in EVIDENCE_STATUSES]
    for i, item in enumerate(r.array(fw["evidencestatuses"], "framework.evidencestatuses")):
        where = f"framework.evidencestatuses[{i}]"
        item = r.obj(item, where)
        if len(item) != 1 or next(iter(item)) not in known:
            raise r.fail(where, f"must be one of {', '.join(known)} with its label")
        r.text(item, next(iter(item)), where, required=True)


def _elements(r: _Reader, fw: dict[str, Any], standards: list[Any]) -> list[tuple[str, Any, Any]]:
    """(location, element, standardid) for every element, new style or old (nested) style."""
    if "standardelements" in fw:
        raw = r.array(fw["standardelements"], "framework.standardelements")
        out = []
        for i, element in enumerate(raw):
            where = f"framework.standardelements[{i}]"
            out.append((where, r.obj(element, where), r.ident(element, "standardid", where)))
        return out
    out = []
    for si, standard in enumerate(standards):
        nested = standard.get("standardelement", [])
        for ei, element in enumerate(r.array(nested, f"framework.standards[{si}].standardelement")):
            where = f"framework.standards[{si}].standardelement[{ei}]"
            out.append((where, r.obj(element, where), standard["standardid"]))
    return out


def _translate(
    exc: ContentError, path: Path, criteria_at: list[str], los_at: list[str], extras: bool
) -> ContentError:
    """Re-point a framework validation error at the matrix field it came from."""
    loc = exc.location
    top = "framework.incidentfolio" if extras else "framework"
    if m := re.match(r"criteria\[(\d+)\](?:\.(\w+))?(.*)$", loc):
        base, name, rest = criteria_at[int(m[1])], m[2] or "", m[3]
        renamed = {"id": "elementid", "statement": "name", "lo": "standardid"}
        if name in renamed:
            loc = f"{base}.{renamed[name]}{rest}"
        elif name:
            loc = f"{base}.{EXTRAS_KEY}.{name}{rest}"
        else:
            loc = base
    elif m := re.match(r"learning_outcomes\[(\d+)\](?:\.(\w+))?(.*)$", loc):
        name = {"id": "shortname", "title": "name"}.get(m[2] or "", m[2] or "")
        loc = los_at[int(m[1])] + (f".{name}" if name else "") + m[3]
    elif loc == "learning_outcomes":
        loc = "framework.standards"
    elif loc == "title":
        loc = "framework.name"
    elif loc in {"id", "level", "provisional", "awarding_notes"}:
        loc = f"{top}.{loc}" if extras or loc != "id" else "framework.name"
    else:
        loc = "framework"
    return ContentError(path, loc, exc.message)


def _framework_extras(r: _Reader, fw: dict[str, Any]) -> dict[str, Any] | None:
    """The framework's incidentfolio extras, checked; None for a plain Mahara matrix."""
    if fw.get(EXTRAS_KEY) is None:
        return None
    where = f"framework.{EXTRAS_KEY}"
    extras = r.obj(fw[EXTRAS_KEY], where)
    unknown = sorted(k for k in extras if k not in FRAMEWORK_EXTRAS)
    if unknown:
        raise r.fail(where, f"unknown field: {', '.join(unknown)}")
    version = extras.get("version", EXTRAS_VERSION)
    if version != EXTRAS_VERSION or isinstance(version, bool):
        raise r.fail(
            f"{where}.version",
            f"unsupported version {version!r} (this version reads {EXTRAS_VERSION})",
        )
    missing = [k for k in ("id", "level", "provisional", "awarding_notes") if k not in extras]
    if missing:
        raise r.fail(where, f"missing required field: {', '.join(missing)}")
    return extras


def _standards(r: _Reader, fw: dict[str, Any]) -> list[dict[str, Any]]:
    """Checked standards; old-style files get their position as ``standardid``."""
    if "standards" not in fw:
        raise r.fail("framework", "missing required field: standards")
    raw_standards = r.array(fw["standards"], "framework.standards")
    if not raw_standards:
        raise r.fail("framework.standards", "must not be empty")
    standards: list[dict[str, Any]] = []
    seen: dict[int | str, str] = {}
    for i, raw in enumerate(raw_standards):
        where = f"framework.standards[{i}]"
        standard = r.obj(raw, where)
        r.text(standard, "shortname", where, required=False)
        r.text(standard, "name", where, required=True)
        r.text(standard, "description", where, required=False)
        sid = r.ident(standard, "standardid", where) if "standardelements" in fw else i + 1
        if sid in seen:
            raise r.fail(f"{where}.standardid", f"duplicate standardid {sid} (also {seen[sid]})")
        seen[sid] = where
        standards.append({**standard, "standardid": sid})
    return standards


def _check_elements(
    r: _Reader, elements: list[tuple[str, Any, Any]], standards: list[dict[str, Any]], extras: bool
) -> None:
    if not elements:
        raise r.fail("framework", "has no standard elements: nothing to import")
    known = {s["standardid"] for s in standards}
    seen: dict[str, str] = {}
    for where, element, sid in elements:
        if sid not in known:
            raise r.fail(f"{where}.standardid", f"standardid {sid!r} matches no standard")
        r.text(element, "shortname", where, required=False)
        r.text(element, "name", where, required=True)
        r.text(element, "description", where, required=False)
        if "elementid" in element:
            eid = str(r.ident(element, "elementid", where))
            if eid in seen:
                raise r.fail(f"{where}.elementid", f"duplicate elementid {eid} (also {seen[eid]})")
            seen[eid] = where
        if extras and not _CRITERION_ID.match(str(element.get("elementid", ""))):
            raise r.fail(f"{where}.elementid", 'must be a criterion id like "1.2"')


def _criterion(
    r: _Reader, where: str, element: dict[str, Any], crit_id: str, lo_id: str
) -> dict[str, Any]:
    """Framework data for one element: plain defaults, overridden by its extras if any."""
    statement = element["name"].strip()
    crit: dict[str, Any] = {
        "id": crit_id,
        "lo": lo_id,
        "statement": statement,
        "kind": "performance",
        "evidence_types": list(all_evidence_types()),
        "min_evidence_types": 1,
        "marking_points": marking_points_from_html(element.get("description") or "") or [statement],
    }
    if EXTRAS_KEY in element:
        extras = r.obj(element[EXTRAS_KEY], f"{where}.{EXTRAS_KEY}")
        unknown = sorted(k for k in extras if k not in CRITERION_EXTRAS)
        if unknown:
            raise r.fail(f"{where}.{EXTRAS_KEY}", f"unknown field: {', '.join(unknown)}")
        crit.update(extras)
    if not crit.get("misconceptions"):
        crit.pop("misconceptions", None)
    return crit


def matrix_to_framework(content: object, path: Path) -> MatrixImport:
    """Convert parsed ``.matrix`` JSON to validated framework data; ContentError if unusable."""
    r = _Reader(path)
    top = r.obj(content, "(top level)")
    if "framework" not in top:
        raise r.fail("(top level)", "missing required field: framework (not a Mahara .matrix)")
    fw = r.obj(top["framework"], "framework")
    name = r.text(fw, "name", "framework", required=True).strip()
    description = r.text(fw, "description", "framework", required=False)
    _check_statuses(r, fw)
    standards = _standards(r, fw)
    extras = _framework_extras(r, fw)
    elements = _elements(r, fw, standards)
    _check_elements(r, elements, standards, extras is not None)

    warnings = []
    los, los_at, lo_of = [], [], {}
    for i, standard in enumerate(standards):
        sid = standard["standardid"]
        if not any(e_sid == sid for _, _, e_sid in elements):
            warnings.append(f"skipped standard {standard['name'].strip()!r}: it has no elements")
            continue
        short = str(standard.get("shortname") or "").strip()
        lo_of[sid] = short if _LO_ID.match(short) else f"LO{i + 1}"
        los.append({"id": lo_of[sid], "title": standard["name"].strip()})
        los_at.append(f"framework.standards[{i}]")

    # Keep the file's "N.M" element ids only if every element has one; else number per standard.
    numbered = not all(_CRITERION_ID.match(str(e.get("elementid", ""))) for _, e, _ in elements)
    per_standard: dict[int | str, int] = {}
    criteria, criteria_at = [], []
    for where, element, sid in elements:
        per_standard[sid] = per_standard.get(sid, 0) + 1
        crit_id = f"{lo_of[sid][2:]}.{per_standard[sid]}" if numbered else element["elementid"]
        criteria.append(_criterion(r, where, element, str(crit_id), lo_of[sid]))
        criteria_at.append(where)

    if extras is not None:
        fw_id, level = extras["id"], extras["level"]
        provisional, notes = extras["provisional"], extras["awarding_notes"]
    else:
        fw_id = slugify(name)
        if not fw_id:
            raise r.fail("framework.name", "cannot make a framework id from this name")
        level, provisional = PLAIN_LEVEL, True
        notes = f"Imported from the Mahara SmartEvidence matrix {path.name}."
        if text := _plain_text(description):
            notes += f" {text}"

    data = {
        "schema_version": 1,
        "id": fw_id,
        "title": name,
        "level": level,
        "provisional": provisional,
        "awarding_notes": notes,
        "learning_outcomes": los,
        "criteria": criteria,
    }
    try:
        framework = framework_from_data(data, path)
    except ContentError as exc:
        raise _translate(exc, path, criteria_at, los_at, extras is not None) from None
    return MatrixImport(data, framework, extras is not None, warnings)


def read_matrix(path: Path) -> MatrixImport:
    """Read and convert a ``.matrix`` file; any problem is one ContentError line."""
    from incidentfolio.content.files import read_text

    text = read_text(path)
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(path, f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ContentError(path, "(file)", "invalid JSON: nested too deeply") from None
    return matrix_to_framework(content, path)


def framework_yaml(result: MatrixImport, source_name: str) -> str:
    """The framework file text for an imported matrix."""
    import yaml

    header = (
        f"# Imported from the Mahara SmartEvidence matrix {source_name} by\n"
        "# `incidentfolio frameworks --import-matrix`. Edit freely; keep the criterion ids.\n"
    )
    body = yaml.safe_dump(
        result.data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return header + body


@dataclass(frozen=True)
class SavedImport:
    """Where an imported framework was written and whether it replaced an earlier import."""

    framework: Framework
    path: Path
    replaced: bool
    warnings: tuple[str, ...]


def import_matrix(path: Path, portfolio_dir: Path, *, replace: bool = False) -> SavedImport:
    """Import ``path`` as ``<portfolio>/frameworks/<id>.yaml``.

    Refuses a shipped framework id, and an earlier import of the same id unless ``replace``.
    """
    result = read_matrix(path)
    fw_id = result.framework.id
    if fw_id in load_frameworks():
        where = f"framework.{EXTRAS_KEY}.id" if result.from_extras else "framework.name"
        raise ContentError(
            path,
            where,
            f"framework id {fw_id} belongs to a framework shipped with incidentfolio; "
            "an import cannot replace it",
        )
    folder = imported_frameworks_dir(portfolio_dir)
    target = folder / f"{fw_id}.yaml"
    existed = target.exists()
    if existed and not replace:
        raise IncidentfolioError(
            f"framework {fw_id} is already imported ({target}); use --replace to overwrite it"
        )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{fw_id}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(framework_yaml(result, path.name))
        saved = load_framework(tmp)  # the file we write must load as it will later
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return SavedImport(
        framework=with_changes(saved, source=target),
        path=target,
        replaced=existed,
        warnings=tuple(result.warnings),
    )
