"""Checking an evidence bundle (a folder or a .zip) against its manifest.

:func:`verify_bundle` reports, one line each: files whose bytes changed, files listed but
missing, files present but not listed (only ``assessor/``, where the assessor's judgements
go, is outside the manifest), symbolic links and unsafe names; then whether the ledger the
bundle carries (``ledger.json``) is an intact hash chain ending at the head the manifest
recorded at export, with the declaration, the submission and each item's record hash at
the ledger entries the manifest names. Given a submission folder it also checks that the
bundle is of that candidate and that the submission's ledger head is in the bundle's chain.

It imports only the standard library and the store's hashing helpers: nothing of nbconvert,
voila, ipywidgets or pandas, so it runs quickly on an assessor's or IQA's machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from incidentfolio.fsutil import safe_relative
from incidentfolio.store.store import GENESIS, entry_hash

FORMAT = "incidentfolio-evidence-bundle"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
LEDGER = "ledger.json"
LEDGER_FORMAT = "incidentfolio-ledger"
README = "README.txt"
ASSESSOR_DIR = "assessor"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


@dataclass
class VerifyReport:
    """What :func:`verify_bundle` found: ``problems`` (one line each) and facts for people."""

    bundle: Path
    problems: list[str] = field(default_factory=list)
    files: int = 0
    total_bytes: int = 0
    manifest: dict[str, Any] | None = None
    ledger_entries: int = 0
    assessor_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def summary_lines(self) -> list[str]:
        """What a passing bundle is, for people (a few lines)."""
        m = self.manifest or {}
        lines = [
            f"bundle of {m.get('candidate_name')} ({m.get('candidate_number')}), exported "
            f"{m.get('exported_at')} by {m.get('generator')}",
            f"{self.files} files match manifest.json ({self.total_bytes:,} bytes)",
            f"ledger: {self.ledger_entries} entries, an intact chain ending at entry "
            f"{m.get('ledger_seq')} ({str(m.get('ledger_head'))[:12]}…) as recorded at export",
        ]
        declaration = m.get("declaration")
        if isinstance(declaration, dict):
            state = "stale" if declaration.get("stale") else "current"
            lines.append(f"declaration: {state}, signed {declaration.get('declared_at')}")
        else:
            lines.append("declaration: none signed")
        lines.append(
            "personal data: included (handle this bundle securely)"
            if m.get("personal_data_included")
            else "personal data: pseudonymised"
        )
        n = len(self.assessor_files)
        lines.append(
            f"{ASSESSOR_DIR}/: {n} file{'s' if n != 1 else ''} (not covered by the manifest)"
        )
        return lines


# --- reading a bundle, folder or zip -----------------------------------------------------------


class _Source:
    """Uniform read access to a bundle folder or a zip of one."""

    def entries(self) -> Iterator[tuple[str, str]]:
        """(relative path, "file" | "dir" | "symlink" | "other" | "unsafe")."""
        raise NotImplementedError

    def open(self, relative: str) -> BinaryIO:
        raise NotImplementedError

    def close(self) -> None:
        """Release the zip file, if any."""


class _Folder(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root

    def entries(self) -> Iterator[tuple[str, str]]:
        for here, dirs, names in os.walk(self.root):
            base = Path(here)
            for name in sorted(dirs):
                path = base / name
                relative = path.relative_to(self.root).as_posix()
                yield relative, ("symlink" if path.is_symlink() else "dir")
            dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink())
            for name in sorted(names):
                path = base / name
                relative = path.relative_to(self.root).as_posix()
                if path.is_symlink():
                    yield relative, "symlink"
                elif path.is_file():
                    yield relative, "file"
                else:
                    yield relative, "other"

    def open(self, relative: str) -> BinaryIO:
        return (self.root / relative).open("rb")


class _Zip(_Source):
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        names = [i.filename for i in self.zip.infolist()]
        tops = {n.split("/", 1)[0] for n in names}
        # A zip made by ``export --zip`` holds one folder; one made by hand may not.
        self.prefix = ""
        if len(tops) == 1 and f"{next(iter(tops))}/{MANIFEST}" in names:
            self.prefix = next(iter(tops)) + "/"
        self.infos: dict[str, zipfile.ZipInfo] = {}

    def entries(self) -> Iterator[tuple[str, str]]:
        for info in self.zip.infolist():
            name = info.filename
            if self.prefix and name == self.prefix:
                continue
            relative = name[len(self.prefix) :] if name.startswith(self.prefix) else name
            mode = info.external_attr >> 16
            if info.is_dir():
                relative = relative.rstrip("/")
                kind = "dir"
            elif stat.S_ISLNK(mode):
                kind = "symlink"
            else:
                kind = "file"
            if safe_relative(relative) is None:
                yield name, "unsafe"
                continue
            if kind == "file":
                if relative in self.infos:
                    yield relative, "duplicate"
                    continue
                self.infos[relative] = info
            yield relative, kind

    def open(self, relative: str) -> BinaryIO:
        return self.zip.open(self.infos[relative])  # type: ignore[return-value]

    def close(self) -> None:
        self.zip.close()


def _digest(handle: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _in_assessor(relative: str) -> bool:
    return relative == ASSESSOR_DIR or relative.startswith(ASSESSOR_DIR + "/")


# --- the checks ------------------------------------------------------------------------------


def verify_bundle(path: Path, *, submission: Path | None = None) -> VerifyReport:
    """Everything wrong with the bundle at ``path`` (a folder or a .zip), one line each."""
    path = Path(path)
    report = VerifyReport(path)
    if path.is_dir():
        source: _Source = _Folder(path)
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            source = _Zip(path)
        except (zipfile.BadZipFile, OSError) as exc:
            report.problems.append(f"{path}: not a readable zip ({exc})")
            return report
    elif path.exists():
        report.problems.append(f"{path}: neither a bundle folder nor a zip of one")
        return report
    else:
        report.problems.append(f"{path}: no such file or folder")
        return report
    try:
        _check(source, report)
        if submission is not None and report.manifest is not None:
            _check_submission(Path(submission), report)
    finally:
        source.close()
    return report


def _check(source: _Source, report: VerifyReport) -> None:
    present: dict[str, str] = {}
    for relative, kind in source.entries():
        if kind == "unsafe":
            report.problems.append(f"unsafe: {relative} (a file name outside the bundle)")
        elif kind == "duplicate":
            report.problems.append(f"duplicate: {relative} (stored twice in the zip)")
        elif kind == "symlink":
            report.problems.append(f"symlink: {relative} (symbolic links are not allowed)")
        elif kind == "other":
            report.problems.append(f"other: {relative} (not a regular file)")
        elif kind == "file":
            present[relative] = kind
    report.assessor_files = sorted(p for p in present if _in_assessor(p))
    manifest = _read_manifest(source, present, report)
    if manifest is None:
        return
    report.manifest = manifest
    listed = {f["path"]: f for f in manifest["files"]}
    for relative in sorted(present):
        if relative == MANIFEST or _in_assessor(relative):
            continue
        if relative not in listed:
            report.problems.append(f"extra: {relative} (not listed in the manifest)")
    for relative, entry in sorted(listed.items()):
        if relative not in present:
            report.problems.append(f"missing: {relative} (listed in the manifest)")
            continue
        with source.open(relative) as handle:
            digest, size = _digest(handle)
        if digest != entry["sha256"] or size != entry["size"]:
            report.problems.append(
                f"changed: {relative} (its SHA-256 or size differs from the manifest)"
            )
        else:
            report.files += 1
            report.total_bytes += size
    if LEDGER not in listed:
        report.problems.append(f"ledger: {LEDGER} is not listed in the manifest")
    elif LEDGER in present:
        _check_ledger(source, manifest, report)


def _read_manifest(
    source: _Source, present: dict[str, str], report: VerifyReport
) -> dict[str, Any] | None:
    if MANIFEST not in present:
        report.problems.append(f"missing: {MANIFEST} (this is not an evidence bundle)")
        return None
    try:
        with source.open(MANIFEST) as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        report.problems.append(f"manifest: {MANIFEST} is not valid JSON ({exc})")
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        report.problems.append(f"manifest: format is {found!r}, expected {FORMAT!r}")
        return None
    version = data.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        report.problems.append(
            f"manifest: unsupported schema_version {version!r} (this version reads "
            f"{SCHEMA_VERSION})"
        )
        return None
    problems = []
    seq, head = data.get("ledger_seq"), data.get("ledger_head")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        problems.append("manifest: ledger_seq missing or not a whole number")
    if not isinstance(head, str) or not _HEX64.match(head):
        problems.append("manifest: ledger_head missing or not a SHA-256")
    files = data.get("files")
    if not isinstance(files, list):
        problems.append("manifest: files missing or not a list")
        files = []
    seen: set[str] = set()
    good = []
    for i, entry in enumerate(files):
        ok = (isinstance(entry, dict) and safe_relative(entry.get("path")) is not None
              and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)
              and _HEX64.match(entry["sha256"]) is not None)  # fmt: skip
        if not ok:
            problems.append(f"manifest: files[{i}] is not a safe path with a size and sha256")
        elif entry["path"] in seen or entry["path"] == MANIFEST or _in_assessor(entry["path"]):
            problems.append(f"manifest: files[{i}] lists {entry['path']} where it may not")
        else:
            seen.add(entry["path"])
            good.append(entry)
    report.problems.extend(problems)
    data["files"] = good
    return data


def _check_ledger(source: _Source, manifest: dict[str, Any], report: VerifyReport) -> None:
    """The carried ledger is an intact chain ending at the manifest's head."""
    try:
        with source.open(LEDGER) as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        report.problems.append(f"ledger: {LEDGER} is not valid JSON ({exc})")
        return
    entries = data.get("entries") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != LEDGER_FORMAT
        or not isinstance(entries, list)
    ):
        report.problems.append(f"ledger: {LEDGER} is not an incidentfolio ledger")
        return
    chain: dict[int, dict[str, Any]] = {}
    prev = GENESIS
    for i, e in enumerate(entries, start=1):
        keys = ("seq", "at", "action", "subject", "subject_sha256", "prev_sha256", "entry_sha256")
        if not isinstance(e, dict) or any(k not in e for k in keys):
            report.problems.append(f"ledger: entry {i} is incomplete")
            return
        try:
            computed = entry_hash(e["seq"], e["at"], e["action"], e["subject"],
                                  e["subject_sha256"], e["prev_sha256"])  # fmt: skip
        except (TypeError, ValueError):
            computed = None
        if e["seq"] != i or e["prev_sha256"] != prev or computed != e["entry_sha256"]:
            report.problems.append(f"ledger: the hash chain is broken at entry {i}")
            return
        chain[i] = e
        prev = e["entry_sha256"]
    report.ledger_entries = len(entries)
    seq, head = manifest.get("ledger_seq"), manifest.get("ledger_head")
    last = (len(entries), prev)
    if (seq, head) != last:
        report.problems.append(
            f"ledger: the manifest records head entry {seq} ({str(head)[:12]}…) but "
            f"{LEDGER} ends at entry {last[0]} ({last[1][:12]}…)"
        )
        return
    for label in ("declaration", "submission"):
        claimed = manifest.get(label)
        if isinstance(claimed, dict) and not _at_entry(
            chain, claimed.get("ledger_seq"), claimed.get("ledger_head")
        ):
            report.problems.append(
                f"ledger: the {label} in the manifest names ledger entry "
                f"{claimed.get('ledger_seq')}, which is not in the chain with that hash"
            )
    latest: dict[str, str] = {}
    for e in entries:
        latest[e["subject"]] = e["subject_sha256"]
    for item in manifest.get("items") or []:
        if not isinstance(item, dict):
            continue
        if latest.get(item.get("id")) != item.get("state_sha256"):
            report.problems.append(
                f"ledger: {item.get('id')}'s record hash is not the one its last ledger entry "
                "records"
            )


def _at_entry(chain: dict[int, dict[str, Any]], seq: object, head: object) -> bool:
    """The entry ``seq`` of the chain has hash ``head`` (entry 0 is the genesis)."""
    if seq == 0 and head == GENESIS:
        return True
    return isinstance(seq, int) and seq in chain and chain[seq]["entry_sha256"] == head


def _check_submission(folder: Path, report: VerifyReport) -> None:
    """The bundle belongs to the submission in ``folder`` and its ledger reaches its head."""
    manifest = report.manifest or {}
    path = folder / MANIFEST if folder.is_dir() else folder
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        report.problems.append(f"submission: cannot read {path} ({exc})")
        return
    if not isinstance(data, dict) or data.get("format") != "incidentfolio-submission":
        report.problems.append(f"submission: {path} is not a submission manifest")
        return
    if data.get("candidate_number") != manifest.get("candidate_number"):
        report.problems.append(
            f"submission: it is candidate {data.get('candidate_number')!r}'s, the bundle is "
            f"candidate {manifest.get('candidate_number')!r}'s"
        )
    seq, head = data.get("ledger_seq"), data.get("ledger_head")
    if seq == manifest.get("ledger_seq") and head == manifest.get("ledger_head"):
        return
    bundle_seq = manifest.get("ledger_seq")
    if not isinstance(seq, int) or not isinstance(bundle_seq, int) or seq > bundle_seq:
        report.problems.append(
            f"submission: its ledger head (entry {seq}) is later than the bundle's "
            f"(entry {bundle_seq}): the bundle is older than the submission"
        )
        return
    # The bundle was exported after the submission: its chain must pass through its head.
    report.problems.extend(_chain_passes(report, seq, head))


def _chain_passes(report: VerifyReport, seq: int, head: object) -> list[str]:
    source: _Source = _Folder(report.bundle) if report.bundle.is_dir() else _Zip(report.bundle)
    try:
        list(source.entries())
        with source.open(LEDGER) as handle:
            entries = json.loads(handle.read().decode("utf-8")).get("entries", [])
    except (OSError, KeyError, ValueError, AttributeError):
        return [f"submission: the bundle's {LEDGER} cannot be read"]
    finally:
        source.close()
    chain = {e.get("seq"): e for e in entries if isinstance(e, dict)}
    if _at_entry(chain, seq, head):  # type: ignore[arg-type]
        return []
    return [
        f"submission: its ledger head (entry {seq}) is not in the bundle's ledger: the bundle "
        "was not made from the portfolio that was submitted"
    ]
