"""The assessor's judgements file: what the assessor app writes and the candidate imports.

After collecting a submission (see :mod:`incidentfolio.store.submission`) the assessor
judges criteria one at a time; the assessor app (issue 10) keeps the judgements in one JSON
file which the candidate imports with ``incidentfolio feedback import FILE``.

Format (``incidentfolio-judgements``, schema_version 1; JSON Schema in
``incidentfolio/schemas/judgements.schema.json``)::

    {
      "format": "incidentfolio-judgements",
      "schema_version": 1,
      "submission": {                    # copied from the submission's manifest.json
        "id": "C1234-20250314T101500Z",
        "candidate_number": "C1234",
        "ledger_seq": 17,
        "ledger_head": "<sha256 of the portfolio's last ledger entry when submitted>"
      },
      "assessor": {"name": "Dana Reeve", "role": "assessor"},
      "entries": [
        {
          "seq": 1,                                     # 1, 2, 3… in file order
          "at": "2025-03-20T09:12:03.120511+00:00",     # ISO 8601 with a time zone
          "framework": "k503-0421",
          "criterion": "1.3",
          "status": "met",                              # met | not_yet_met | refer
          "comment": "Accurate, timely log with the caller's details.",
          "prev_sha256": "000…000",                     # 64 zeros for entry 1
          "entry_sha256": "<sha256_of(this entry without entry_sha256)>"
        }
      ]
    }

Each entry's ``entry_sha256`` is :func:`~incidentfolio.store.canonical.sha256_of` (SHA-256 of
the canonical JSON) of the entry without that key, and ``prev_sha256`` is the previous
entry's ``entry_sha256`` (64 zeros for the first): editing, removing or reordering an entry
breaks the chain and :func:`verify_judgements` names the entry. The chain finds accidental
and careless edits; it is not a signature (anyone can recompute the hashes), it does not
cover the ``submission``/``assessor`` header (the import checks the header against the
candidate's own records instead) and cutting entries off the *end* leaves a valid, shorter
file. A criterion may be judged more than once (a re-assessment): the newest ``at`` wins.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentfolio.errors import ContentError, IncidentfolioError
from incidentfolio.store.canonical import sha256_of

FORMAT = "incidentfolio-judgements"
SCHEMA_VERSION = 1
STATUSES = ("met", "not_yet_met", "refer")
STATUS_LABELS = {"met": "met", "not_yet_met": "not yet met", "refer": "refer"}
GENESIS = "0" * 64
TOP_KEYS = ("format", "schema_version", "submission", "assessor", "entries")
SUBMISSION_KEYS = ("id", "candidate_number", "ledger_seq", "ledger_head")
ASSESSOR_KEYS = ("name", "role")
ENTRY_KEYS = ("seq", "at", "framework", "criterion", "status", "comment", "prev_sha256",
              "entry_sha256")  # fmt: skip
COMMENT_LIMIT = 20000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class JudgementsError(IncidentfolioError):
    """A judgements document cannot be made, changed or written as asked."""


def entry_sha256(entry: Mapping[str, Any]) -> str:
    """The hash an entry must carry: ``sha256_of`` the entry without ``entry_sha256``."""
    return sha256_of({k: v for k, v in entry.items() if k != "entry_sha256"})


def new_judgements(
    submission_manifest: Mapping[str, Any] | Path, assessor_name: str, role: str
) -> dict[str, Any]:
    """An empty judgements document for the submission whose manifest is given.

    ``submission_manifest`` is the parsed ``manifest.json`` of a collected submission (or
    the submission folder, whose manifest is then read and checked).
    """
    from incidentfolio.store import submission

    manifest: Mapping[str, Any]
    if isinstance(submission_manifest, Path):
        manifest = submission.load_manifest(submission_manifest)
    else:
        manifest = submission_manifest
    if not isinstance(manifest, Mapping) or manifest.get("format") != submission.FORMAT:
        raise JudgementsError("judgements need a submission manifest (format "
                              f"{submission.FORMAT!r})")  # fmt: skip
    header = {k: manifest.get(k) for k in SUBMISSION_KEYS}
    problems = _submission_problems(header)
    if problems:
        raise JudgementsError(f"the submission manifest is not usable: {problems[0]}")
    for label, value in (("assessor name", assessor_name), ("assessor role", role)):
        if not isinstance(value, str) or not value.strip():
            raise JudgementsError(f"the {label} must not be empty")
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "submission": header,
        "assessor": {"name": assessor_name.strip(), "role": role.strip()},
        "entries": [],
    }


def add_judgement(
    doc: dict[str, Any],
    framework: str,
    criterion: str,
    status: str,
    comment: str,
    at: str | None = None,
) -> dict[str, Any]:
    """Append one judgement, chained to the last entry; returns the new entry.

    ``at`` defaults to now (UTC). The document must verify before the entry is added, so a
    damaged chain is never extended.
    """
    from incidentfolio.store.clock import now

    problems = verify_judgements(doc)
    if problems:
        raise JudgementsError(f"the judgements are damaged, so nothing was added: {problems[0]}")
    if status not in STATUSES:
        raise JudgementsError(f"status {status!r} is not one of: {', '.join(STATUSES)}")
    for label, value in (("framework", framework), ("criterion", criterion)):
        if not isinstance(value, str) or not value.strip():
            raise JudgementsError(f"the {label} must not be empty")
    if not isinstance(comment, str):
        raise JudgementsError("the comment must be text")
    if len(comment) > COMMENT_LIMIT:
        raise JudgementsError(f"the comment must be {COMMENT_LIMIT} characters or fewer")
    stamp = now() if at is None else at
    if _parse_time(stamp) is None:
        raise JudgementsError(f"time {stamp!r} is not an ISO 8601 date and time with a time zone")
    entries = doc["entries"]
    last = entries[-1] if entries else None
    entry = {
        "seq": (last["seq"] + 1) if last else 1,
        "at": stamp,
        "framework": framework.strip(),
        "criterion": criterion.strip(),
        "status": status,
        "comment": comment,
        "prev_sha256": last["entry_sha256"] if last else GENESIS,
    }
    entry["entry_sha256"] = entry_sha256(entry)
    entries.append(entry)
    return entry


def verify_judgements(doc: object) -> list[str]:
    """Every problem with a judgements document, one line each (empty: it verifies).

    Checks the format id, schema_version, the header, every entry's fields and status, its
    hash, its link to the entry before it and that entries run 1, 2, 3… Entry problems
    start ``entry N:`` (N is the entry's seq).
    """
    if not isinstance(doc, dict):
        return ["(top level): expected a JSON object"]
    if doc.get("format") != FORMAT:
        return [f"format: {doc.get('format')!r} is not {FORMAT!r} (not a judgements file)"]
    version = doc.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        return [f"schema_version: unsupported {version!r} (this version reads {SCHEMA_VERSION})"]
    problems = [f"unknown field: {k}" for k in sorted(set(doc) - set(TOP_KEYS), key=str)]
    problems += _submission_problems(doc.get("submission"))
    assessor = doc.get("assessor")
    if not isinstance(assessor, dict):
        problems.append("assessor: missing or not an object")
    else:
        problems += [
            f"assessor: unknown field {k}" for k in sorted(set(assessor) - {*ASSESSOR_KEYS})
        ]
        for key in ASSESSOR_KEYS:
            if not isinstance(assessor.get(key), str) or not assessor[key].strip():
                problems.append(f"assessor: {key} missing or empty")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        return [*problems, "entries: missing or not a list"]
    return problems + _entry_problems(entries)


def _submission_problems(sub: object) -> list[str]:
    if not isinstance(sub, dict):
        return ["submission: missing or not an object"]
    problems = [f"submission: unknown field {k}" for k in sorted(set(sub) - {*SUBMISSION_KEYS})]
    for key in ("id", "candidate_number"):
        if not isinstance(sub.get(key), str) or not sub[key].strip():
            problems.append(f"submission: {key} missing or empty")
    seq = sub.get("ledger_seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        problems.append("submission: ledger_seq missing or not a whole number")
    if not isinstance(sub.get("ledger_head"), str) or not _HEX64.match(sub["ledger_head"]):
        problems.append("submission: ledger_head missing or not a SHA-256 (64 hex digits)")
    return problems


def _is_seq(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry_problems(entries: list[Any]) -> list[str]:
    problems: list[str] = []
    all_seqs = {e.get("seq") for e in entries if isinstance(e, dict) and _is_seq(e.get("seq"))}
    expected, prev_hash = 1, GENESIS
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"entries[{i}]: not an object")
            expected += 1
            prev_hash = ""
            continue
        seq = entry.get("seq")
        label = f"entry {seq}" if _is_seq(seq) else f"entries[{i}]"
        missing = [k for k in ENTRY_KEYS if k not in entry]
        if missing:
            problems.append(f"{label}: missing field{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}")  # fmt: skip
        extra = sorted(set(entry) - set(ENTRY_KEYS), key=str)
        if extra:
            problems.append(f"{label}: unknown field{'s' if len(extra) > 1 else ''} "
                            f"{', '.join(map(str, extra))}")  # fmt: skip
        if not _is_seq(seq):
            problems.append(f"{label}: seq missing or not a whole number")
        elif seq != expected:
            gap = [k for k in range(expected, seq) if k not in all_seqs] if seq > expected else []
            if gap and len(gap) == seq - expected:
                what = f"entry {gap[0]}" if len(gap) == 1 else f"entries {gap[0]}-{gap[-1]}"
                where = f"follows entry {expected - 1}" if expected > 1 else "comes first"
                problems.append(f"{label}: {where} ({what} missing)")
            else:
                problems.append(f"{label}: out of order (entry {expected} expected here)")
        elif entry.get("prev_sha256") != prev_hash:
            before = f"entry {seq - 1}" if seq > 1 else "the start (64 zeros)"
            problems.append(f"{label}: does not follow {before} (prev_sha256 differs)")
        if "entry_sha256" in entry and entry_sha256(entry) != entry["entry_sha256"]:
            problems.append(f"{label}: altered (its contents no longer match its hash)")
        problems += _field_problems(label, entry)
        expected = (seq + 1) if _is_seq(seq) else expected + 1
        prev_hash = entry.get("entry_sha256")  # type: ignore[assignment]
    return problems


def _field_problems(label: str, entry: dict[str, Any]) -> list[str]:
    problems = []
    status = entry.get("status")
    if "status" in entry and status not in STATUSES:
        problems.append(f"{label}: status {status!r} is not one of: {', '.join(STATUSES)}")
    for key in ("framework", "criterion"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            problems.append(f"{label}: {key} must be non-empty text")
    if "comment" in entry and not isinstance(entry["comment"], str):
        problems.append(f"{label}: comment must be text")
    if "at" in entry and _parse_time(entry["at"]) is None:
        problems.append(f"{label}: at {entry['at']!r} is not an ISO 8601 time with a time zone")
    for key in ("prev_sha256", "entry_sha256"):
        if key in entry and (not isinstance(entry[key], str) or not _HEX64.match(entry[key])):
            problems.append(f"{label}: {key} is not a SHA-256 (64 lowercase hex digits)")
    return problems


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and "T" in value else None


def load_judgements(path: Path) -> dict[str, Any]:
    """Read a judgements file safely and check its structure against the schema.

    Raises ContentError (one line naming the file and where) for an unreadable file, bad
    JSON, another format or a schema problem. It does not check the hash chain: call
    :func:`verify_judgements` on the result.
    """
    from incidentfolio.content.files import read_text
    from incidentfolio.content.schema import validate

    path = Path(path)
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(path, f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ContentError(path, "(file)", "invalid JSON: nested too deeply") from None
    if isinstance(data, dict) and data.get("format") != FORMAT:
        raise ContentError(path, "format", f"not an incidentfolio judgements file (format is "
                           f"{data.get('format')!r}, expected {FORMAT!r})")  # fmt: skip
    validate(data, "judgements", path)
    return data


def write_judgements(doc: dict[str, Any], path: Path) -> Path:
    """Write a verified document as JSON (sorted keys, indent 2), replacing ``path`` at once.

    The file is private (0600) unless its folder is group-readable (then 0640), as for
    submissions: see :func:`incidentfolio.store.submission.exchange_modes`.
    """
    from incidentfolio.store.submission import exchange_modes

    problems = verify_judgements(doc)
    if problems:
        raise JudgementsError(f"the judgements are not valid, so nothing was written: "
                              f"{problems[0]}")  # fmt: skip
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise JudgementsError(f"folder {folder} does not exist")
    text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    mode = exchange_modes(folder).file
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def summary_counts(doc: Mapping[str, Any]) -> dict[str, int]:
    """How many entries have each status (every status present, zero if unused)."""
    counts = dict.fromkeys(STATUSES, 0)
    for entry in doc.get("entries", []):
        if isinstance(entry, dict) and entry.get("status") in counts:
            counts[entry["status"]] += 1
    return counts
