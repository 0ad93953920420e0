"""Submitting a portfolio to an assessor, checking a submission, and importing feedback.

The exchange follows nbgrader's pattern: the candidate *submits* into an exchange folder
(a shared drive, a folder the centre set up, a USB stick) and the assessor *collects* from
it. A submission is one immutable snapshot folder::

    DIR/C1234-20250314T101500Z/
        portfolio.db          the portfolio, copied with SQLite's online backup API
        attachments/…         every attachment the portfolio records, as recorded
        frameworks/*.yaml     the portfolio's imported frameworks, if it has any
        manifest.json         written last: who, when, the ledger head and every file's hash

The folder is written under a hidden temporary name in DIR and renamed into place in one
step, so an assessor never sees half a submission. ``manifest.json`` (format id
``incidentfolio-submission``, schema_version 1) is canonical JSON (sorted keys, UTF-8)
indented by 2; its :func:`~incidentfolio.store.canonical.sha256_of` hash is recorded in the
portfolio's ledger (action ``submit``), so the candidate can later prove what was sent.

The assessor side calls :func:`verify_submission`; the candidate later imports the assessor's
judgements (see :mod:`incidentfolio.judgements`) with :func:`import_feedback`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from incidentfolio.errors import IncidentfolioError, StoreError
from incidentfolio.fsutil import fsync_dir, safe_relative
from incidentfolio.store import db
from incidentfolio.store.canonical import sha256_file, sha256_of
from incidentfolio.store.clock import now
from incidentfolio.store.store import ATTACHMENTS_DIR, Store

FORMAT = "incidentfolio-submission"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
FRAMEWORKS_DIR = "frameworks"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Modes:
    """File and folder permission bits for something written into an exchange folder."""

    file: int
    folder: int


def exchange_modes(exchange: Path) -> Modes:
    """The permissions a submission (or a judgements file) gets, taken from its folder.

    Evidence holds personal data (callers' details, colleagues' names), so nothing we write
    is ever readable by *other* users, and nothing is group-writable: a submission is a
    snapshot nobody should change. Whether the *group* may read it follows the exchange
    folder itself, as nbgrader's exchange does:

    * the centre made ``DIR`` group-readable (``g+r``, typically a shared folder whose group
      is the assessors): the assessor must be able to collect, so files are ``0640`` and
      folders ``0750``;
    * ``DIR`` is private (a folder of the candidate's own, a USB stick they hand over):
      files are ``0600`` and folders ``0700``, like the portfolio itself, so copying into a
      private place never widens who can read the evidence.

    The modes are set explicitly with ``chmod``, so the user's umask cannot widen them.
    """
    if exchange.stat().st_mode & stat.S_IRGRP:
        return Modes(0o640, 0o750)
    return Modes(0o600, 0o700)


@dataclass(frozen=True)
class Submission:
    """What :func:`submit` wrote."""

    id: str
    folder: Path
    manifest: dict[str, Any]
    manifest_sha256: str

    @property
    def total_bytes(self) -> int:
        return sum(f["size"] for f in self.manifest["files"])


# --- submitting ------------------------------------------------------------------------------


def submit(store: Store, exchange: Path) -> Submission:
    """Write an immutable snapshot of the portfolio into the exchange folder ``exchange``.

    Refuses (StoreError, nothing written anywhere) when the exchange folder is unusable,
    the portfolio fails ``check``, or the declaration is missing or stale. The snapshot is
    taken while this process holds the portfolio's write lock, so the recorded ledger head
    is exactly the one copied; the ``submissions`` row and the ``submit`` ledger entry are
    committed in the same transaction that renames the folder into place.
    """
    from incidentfolio.store.integrity import check_store

    exchange = _check_exchange(store, exchange)
    store.require_profile()
    modes = exchange_modes(exchange)
    tmp: Path | None = None
    final: Path | None = None
    renamed = False
    try:
        with db.transaction(store.conn):
            profile = store.require_profile()
            report = check_store(store)
            if not report.ok:
                more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
                raise StoreError(
                    f"the portfolio fails its check: {report.problems[0]}{more}; run "
                    "`incidentfolio check` and fix it before submitting"
                )
            declaration = store.declaration()
            if declaration is None:
                raise StoreError(
                    "you have not signed the authenticity declaration: run "
                    "`incidentfolio declare`, then submit"
                )
            if declaration["stale"]:
                n = declaration["changes_since"]
                raise StoreError(
                    f"your declaration is stale: the evidence changed {n} time"
                    f"{'s' if n != 1 else ''} since you signed it; run `incidentfolio "
                    "declare` again, then submit"
                )
            seq, head = store.ledger_head()
            prefix = _folder_prefix(profile.candidate_number)
            stamp = _free_stamp(exchange, prefix)
            submission_id = f"{prefix}-{stamp.strftime(_STAMP)}"
            final = exchange / submission_id
            tmp = Path(tempfile.mkdtemp(prefix=f".{submission_id}.partial-", dir=exchange))
            files = _write_snapshot(store, tmp, modes)
            manifest = {
                "format": FORMAT,
                "schema_version": SCHEMA_VERSION,
                "id": submission_id,
                "candidate_name": profile.candidate_name,
                "candidate_number": profile.candidate_number,
                "centre": profile.centre,
                "assessor_name": profile.assessor_name,
                "frameworks": list(profile.frameworks),
                "submitted_at": stamp.isoformat(timespec="microseconds"),
                "ledger_seq": seq,
                "ledger_head": head,
                "declaration": {
                    "declared_at": declaration["declared_at"],
                    "candidate_name": declaration["candidate_name"],
                    "statement": declaration["statement"],
                    "ledger_seq": declaration["ledger_seq"],
                    "ledger_head": declaration["ledger_head"],
                    "stale": bool(declaration["stale"]),
                },
                "files": files,
                "generator": f"incidentfolio {_version()}",
            }
            _write_file(tmp / MANIFEST, manifest_text(manifest).encode("utf-8"), modes.file)
            digest = sha256_of(manifest)
            store.conn.execute(
                "INSERT INTO submissions (id, submitted_at, ledger_seq, ledger_head, folder) "
                "VALUES (?, ?, ?, ?, ?)",
                (submission_id, manifest["submitted_at"], seq, head, str(final)),
            )
            store.append_ledger("submit", "submission", digest)
            tmp.chmod(modes.folder)
            if final.exists():
                raise StoreError(f"{final} appeared while submitting; nothing was submitted")
            tmp.rename(final)  # os.rename: atomic within DIR
            renamed = True
            fsync_dir(exchange)
    except BaseException:
        if renamed and final is not None:  # the commit failed after the rename: take it back
            shutil.rmtree(final, ignore_errors=True)
        elif tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Submission(submission_id, exchange / submission_id, manifest, digest)


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as written: canonical (sorted keys, UTF-8) and indented by 2."""
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"  # fmt: skip


def _version() -> str:
    from incidentfolio import __version__

    return __version__


def _check_exchange(store: Store, exchange: Path) -> Path:
    exchange = Path(exchange).expanduser()
    if not exchange.exists():
        raise StoreError(f"exchange folder {exchange} does not exist; create it or check the path")
    if not exchange.is_dir():
        raise StoreError(f"exchange folder {exchange} is not a folder")
    if not os.access(exchange, os.W_OK | os.X_OK):
        raise StoreError(f"exchange folder {exchange} is not writable by you")
    exchange = exchange.resolve()
    portfolio = store.folder.resolve()
    if exchange == portfolio or portfolio in exchange.parents:
        raise StoreError(
            f"exchange folder {exchange} is inside the portfolio; choose a folder outside it"
        )
    return exchange


def _folder_prefix(candidate_number: str) -> str:
    """The candidate number made safe for a folder name."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", candidate_number).strip("_") or "candidate"


def _free_stamp(exchange: Path, prefix: str) -> datetime:
    """Now (UTC, whole seconds); waits for the next second if that name is already taken."""
    for _ in range(3):
        stamp = datetime.now(timezone.utc)
        if not (exchange / f"{prefix}-{stamp.strftime(_STAMP)}").exists():
            return stamp
        time.sleep(1.0 - stamp.microsecond / 1e6 + 0.01)
    raise StoreError(
        f"a submission named {prefix}-{stamp.strftime(_STAMP)} already exists in {exchange}"
    )


def _write_snapshot(store: Store, tmp: Path, modes: Modes) -> list[dict[str, Any]]:
    """Copy the database, the attachments and imported frameworks; returns the file list."""
    files: list[dict[str, Any]] = []
    target = tmp / db.DB_NAME
    _backup_db(store, target)
    target.chmod(modes.file)
    files.append(_file_entry(tmp, target))
    rows = store.conn.execute("SELECT stored_as, sha256 FROM attachments ORDER BY id").fetchall()
    for row in rows:
        relative = safe_relative(row["stored_as"])
        if relative is None or relative.parts[0] != ATTACHMENTS_DIR:
            raise StoreError(f"attachment path {row['stored_as']!r} is not inside attachments/")
        dest = tmp.joinpath(*relative.parts)
        _make_dirs(tmp, dest.parent, modes.folder)
        _copy_file(store.folder / row["stored_as"], dest, modes.file)
        entry = _file_entry(tmp, dest)
        if entry["sha256"] != row["sha256"]:
            raise StoreError(
                f"attachment {row['stored_as']} changed while it was being copied; "
                "run `incidentfolio check`"
            )
        files.append(entry)
    from incidentfolio.frameworks import imported_framework_files

    for source in imported_framework_files(store.folder):
        dest = tmp / FRAMEWORKS_DIR / source.name
        _make_dirs(tmp, dest.parent, modes.folder)
        _copy_file(source, dest, modes.file)
        files.append(_file_entry(tmp, dest))
    return sorted(files, key=lambda f: f["path"])


def _backup_db(store: Store, target: Path) -> None:
    """Copy the database with SQLite's backup API into a single, self-contained file.

    The copy is read through a second connection: ``store.conn`` holds the write lock (so
    nothing can change meanwhile) and SQLite cannot back up from a connection that is inside
    a transaction. The copy is switched to the rollback journal so it is one file with no
    ``-wal``/``-shm`` companions.
    """
    uri = f"{store.path.resolve().as_uri()}?mode=ro"
    source = sqlite3.connect(uri, uri=True, timeout=db.BUSY_TIMEOUT_S)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            dest.commit()
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the portfolio database could not be copied ({exc})") from None
    finally:
        source.close()
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def _write_file(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    path.chmod(mode)


def _copy_file(source: Path, dest: Path, mode: int) -> None:
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
    dest.chmod(mode)


def _make_dirs(root: Path, folder: Path, mode: int) -> None:
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        path.chmod(mode)


def _file_entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
            "sha256": sha256_file(path)}  # fmt: skip


# --- the assessor's side: checking a collected submission ------------------------------------


def load_manifest(folder: Path) -> dict[str, Any]:
    """Read and check a submission's ``manifest.json``; IncidentfolioError (one line) if bad."""
    manifest, problems = _read_manifest(Path(folder))
    if manifest is None or problems:
        raise IncidentfolioError(f"{folder}: {problems[0]}")
    return manifest


def _read_manifest(folder: Path) -> tuple[dict[str, Any] | None, list[str]]:
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None, [f"{MANIFEST}: missing"]
    from incidentfolio.content.files import read_text
    from incidentfolio.errors import ContentError

    try:
        data = json.loads(read_text(path))
    except ContentError as exc:
        return None, [f"{MANIFEST}: {exc.message}"]
    except (ValueError, RecursionError) as exc:
        return None, [f"{MANIFEST}: not valid JSON ({exc})"]
    problems = _manifest_problems(data)
    return (data if isinstance(data, dict) else None), problems


def _manifest_problems(data: object) -> list[str]:
    if not isinstance(data, dict):
        return [f"{MANIFEST}: expected a JSON object"]
    if data.get("format") != FORMAT:
        return [f"{MANIFEST}: format is {data.get('format')!r}, expected {FORMAT!r}"]
    version = data.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        return [f"{MANIFEST}: unsupported schema_version {version!r} (this version reads 1)"]
    problems = []
    text_fields = ("id", "candidate_name", "candidate_number", "submitted_at", "ledger_head")
    for key in text_fields:
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"{MANIFEST}: {key} missing or not text")
    seq = data.get("ledger_seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        problems.append(f"{MANIFEST}: ledger_seq missing or not a whole number")
    if isinstance(data.get("ledger_head"), str) and not _HEX64.match(data["ledger_head"]):
        problems.append(f"{MANIFEST}: ledger_head is not a SHA-256")
    if not isinstance(data.get("declaration"), dict):
        problems.append(f"{MANIFEST}: declaration missing")
    files = data.get("files")
    if not isinstance(files, list):
        return [*problems, f"{MANIFEST}: files missing or not a list"]
    seen: set[str] = set()
    for i, entry in enumerate(files):
        ok = (isinstance(entry, dict) and safe_relative(entry.get("path")) is not None
              and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)
              and _HEX64.match(entry["sha256"]) is not None)  # fmt: skip
        if not ok:
            problems.append(f"{MANIFEST}: files[{i}] is not a safe path with a size and sha256")
        elif entry["path"] in seen or entry["path"] == MANIFEST:
            problems.append(f"{MANIFEST}: files[{i}] lists {entry['path']} twice")
        else:
            seen.add(entry["path"])
    return problems


def verify_submission(folder: Path) -> list[str]:
    """Everything wrong with a collected submission folder, one line each (empty: all good).

    Checks the manifest is present and well formed; every listed file is there with the
    recorded size and SHA-256; nothing else is in the folder (no extra files, no symbolic
    links); the database opens, its ledger head, candidate number and declaration are the
    manifest's; and ``check_store`` passes. The database is checked on a private temporary
    copy: the submission folder itself is only ever read, never opened for writing (SQLite
    would otherwise add ``-wal``/``-shm`` files to it).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder}: not a folder"]
    manifest, problems = _read_manifest(folder)
    if manifest is None:
        return problems
    if (manifest.get("format"), manifest.get("schema_version")) != (FORMAT, SCHEMA_VERSION):
        return problems
    if not isinstance(manifest.get("files"), list):
        return problems
    listed = {
        f["path"]: f
        for f in manifest["files"]
        if isinstance(f, dict) and safe_relative(f.get("path")) is not None
    }
    present: list[str] = []
    for relative, kind in _walk(folder):
        if kind == "symlink":
            problems.append(f"{relative}: a symbolic link (not allowed in a submission)")
        elif kind == "other":
            problems.append(f"{relative}: not a regular file")
        elif relative != MANIFEST:
            present.append(relative)
            if relative not in listed:
                problems.append(f"{relative}: not listed in the manifest (extra file)")
    for relative, entry in sorted(listed.items()):
        path = folder / relative
        if relative not in present:
            problems.append(f"{relative}: listed in the manifest but missing")
        elif path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"{relative}: content changed (its SHA-256 differs from the manifest)")
    if db.DB_NAME not in listed:
        problems.append(f"{db.DB_NAME}: not listed in the manifest")
    elif db.DB_NAME in present:
        problems += _check_copy(folder, manifest, [p for p in present if p in listed])
    return problems


def _walk(folder: Path) -> Iterator[tuple[str, str]]:
    """(relative path, "file" | "symlink" | "other") for everything below ``folder``."""
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                yield (base / name).relative_to(folder).as_posix(), "symlink"
        dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink())
        for name in sorted(names):
            path = base / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                yield relative, "symlink"
            elif path.is_file():
                yield relative, "file"
            else:
                yield relative, "other"


def _check_copy(folder: Path, manifest: dict[str, Any], files: list[str]) -> list[str]:
    """Open a private copy of the submitted database and check it against the manifest."""
    from incidentfolio.store.integrity import check_store
    from incidentfolio.store.store import open_store

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="incidentfolio-verify-") as scratch:
        copy = Path(scratch)
        for relative in files:
            dest = copy / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / relative, dest)
        try:
            store = open_store(copy)
        except IncidentfolioError as exc:
            return [f"{db.DB_NAME}: cannot be opened ({exc})"]
        with store:
            try:
                seq, head = store.ledger_head()
                if (seq, head) != (manifest.get("ledger_seq"), manifest.get("ledger_head")):
                    problems.append(
                        f"{db.DB_NAME}: its ledger ends at entry {seq} ({head[:12]}…), but the "
                        f"manifest says entry {manifest.get('ledger_seq')} "
                        f"({str(manifest.get('ledger_head'))[:12]}…)"
                    )
                profile = store.profile()
                number = profile.candidate_number if profile else None
                if number != manifest.get("candidate_number"):
                    problems.append(
                        f"{db.DB_NAME}: candidate number is {number!r}, the manifest says "
                        f"{manifest.get('candidate_number')!r}"
                    )
                declared = store.declaration()
                claimed = manifest.get("declaration") or {}
                keys = ("declared_at", "ledger_seq", "ledger_head")
                if declared is None or any(declared[k] != claimed.get(k) for k in keys):
                    problems.append(f"{db.DB_NAME}: its declaration is not the one in the manifest")
                elif declared["stale"]:
                    problems.append(f"{db.DB_NAME}: its declaration is stale")
                report = check_store(store)
            except sqlite3.DatabaseError as exc:
                return [*problems, f"{db.DB_NAME}: cannot be read ({exc})"]
            problems += [f"portfolio check: {p}" for p in report.problems]
    return problems


# --- the candidate's side again: importing the assessor's judgements ------------------------


@dataclass(frozen=True)
class FeedbackImport:
    """What :func:`import_feedback` recorded."""

    submission: str
    assessor: str
    source_sha256: str
    recorded: int
    counts: dict[str, int]
    already: int

    def summary(self) -> str:
        """``recorded 12 judgements from Dana Reeve (assessor): 9 met, 2 not yet met, 1 refer``."""
        noun = "judgement" if self.recorded == 1 else "judgements"
        counts = self.counts
        return (
            f"recorded {self.recorded} {noun} from {self.assessor}: {counts.get('met', 0)} met, "
            f"{counts.get('not_yet_met', 0)} not yet met, {counts.get('refer', 0)} refer"
        )


def feedback_record(rows: list[dict[str, Any]], source_sha256: str) -> dict[str, Any]:
    """What the ``feedback`` ledger entry's subject hash covers: the rows one import added."""
    keys = ("imported_at", "submission", "assessor", "framework", "criterion", "status",
            "comment", "judged_at")  # fmt: skip
    return {"source_sha256": source_sha256, "rows": [{k: r[k] for k in keys} for r in rows]}


def import_feedback(store: Store, path: Path) -> FeedbackImport:
    """Record an assessor's judgements file in the ``feedback`` table (all or nothing).

    Refuses, in one line and changing nothing, a file that is unreadable or whose hash chain
    is broken; one made for another candidate or for a submission this portfolio did not
    make (or whose ledger head differs); one naming a criterion this portfolio does not
    know; and a file already imported (same canonical content hash). Judgements already
    recorded from an earlier, shorter file of the same assessor are skipped. One ``feedback``
    ledger entry covers the rows added; it does not make the declaration stale.
    """
    from incidentfolio.judgements import load_judgements, verify_judgements

    path = Path(path)
    doc = load_judgements(path)
    problems = verify_judgements(doc)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreError(f"{path}: {problems[0]}{more}; nothing was imported")
    profile = store.require_profile()
    sub = doc["submission"]
    if sub["candidate_number"] != profile.candidate_number:
        raise StoreError(
            f"{path} is feedback for candidate {sub['candidate_number']}, but this portfolio "
            f"is candidate {profile.candidate_number}; nothing was imported"
        )
    row = store.conn.execute("SELECT * FROM submissions WHERE id = ?", (sub["id"],)).fetchone()
    if row is None:
        raise StoreError(
            f"{path} is feedback on submission {sub['id']}, which this portfolio did not make; "
            "nothing was imported"
        )
    if (row["ledger_seq"], row["ledger_head"]) != (sub["ledger_seq"], sub["ledger_head"]):
        raise StoreError(
            f"{path} is feedback on a different copy of submission {sub['id']} (its ledger "
            "head does not match what was submitted); nothing was imported"
        )
    if not doc["entries"]:
        raise StoreError(f"{path} has no judgements in it; nothing was imported")
    frameworks = store.frameworks()
    for entry in doc["entries"]:
        fw, crit = entry["framework"], entry["criterion"]
        if fw not in frameworks or crit not in {c.id for c in frameworks[fw].criteria}:
            raise StoreError(
                f"{path}: entry {entry['seq']} judges {fw}:{crit}, which is not a criterion "
                "this portfolio knows; nothing was imported"
            )
    source = sha256_of(doc)
    assessor = _assessor_label(doc["assessor"])
    with db.transaction(store.conn):
        earlier = store.conn.execute(
            "SELECT imported_at FROM feedback WHERE source_sha256 = ? ORDER BY id LIMIT 1",
            (source,),
        ).fetchone()
        if earlier is not None:
            raise StoreError(
                f"{path} was already imported on {earlier['imported_at'][:19].replace('T', ' ')}"
                " UTC; nothing was imported"
            )
        stamp = now()
        rows, already = [], 0
        for entry in doc["entries"]:
            row_data = {"imported_at": stamp, "submission": sub["id"], "assessor": assessor,
                        "framework": entry["framework"], "criterion": entry["criterion"],
                        "status": entry["status"], "comment": entry["comment"],
                        "judged_at": entry["at"]}  # fmt: skip
            if _recorded(store, row_data):
                already += 1
                continue
            rows.append(row_data)
        if not rows:
            raise StoreError(
                f"every judgement in {path} was already imported from an earlier file; "
                "nothing was imported"
            )
        for r in rows:
            store.conn.execute(
                "INSERT INTO feedback (imported_at, source_sha256, submission, assessor, "
                "framework, criterion, status, comment, judged_at) VALUES (:imported_at, "
                ":source, :submission, :assessor, :framework, :criterion, :status, :comment, "
                ":judged_at)",
                r | {"source": source},
            )
        store.append_ledger("feedback", "feedback", sha256_of(feedback_record(rows, source)))
    counts = Counter(r["status"] for r in rows)
    return FeedbackImport(sub["id"], assessor, source, len(rows), dict(counts), already)


def _assessor_label(assessor: dict[str, Any]) -> str:
    name, role = assessor["name"].strip(), assessor.get("role", "").strip()
    return f"{name} ({role})" if role else name


def _recorded(store: Store, row: dict[str, Any]) -> bool:
    return (
        store.conn.execute(
            "SELECT 1 FROM feedback WHERE submission = :submission AND assessor = :assessor AND "
            "framework = :framework AND criterion = :criterion AND status = :status AND "
            "comment = :comment AND judged_at = :judged_at LIMIT 1",
            row,
        ).fetchone()
        is not None
    )


def submissions(store: Store) -> list[dict[str, Any]]:
    """The submissions this portfolio made, oldest first."""
    rows = store.conn.execute("SELECT * FROM submissions ORDER BY submitted_at, id").fetchall()
    return [dict(r) for r in rows]


__all__ = [
    "FORMAT",
    "MANIFEST",
    "SCHEMA_VERSION",
    "FeedbackImport",
    "Modes",
    "Submission",
    "exchange_modes",
    "feedback_record",
    "import_feedback",
    "load_manifest",
    "manifest_text",
    "submissions",
    "submit",
    "verify_submission",
]
