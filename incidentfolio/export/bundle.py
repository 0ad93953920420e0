"""Writing an evidence bundle: a folder an assessor can open offline and check.

Layout (``CANDIDATE-FRAMEWORK-STAMP/``)::

    index.html          candidate, centre, frameworks, declaration, submission, export
                        time and the criteria matrix (criteria by learning outcome ×
                        evidence items; each mark links to the cell that shows it)
    items/EV-0001.html  one page per item: its mappings and justifications, versions,
                        hashes, attachments and every field (and notebook cell)
    attachments/…       the items' files (pseudonymised copies of text files by default)
    ledger.json         the portfolio's hash-chained ledger up to the export
    README.txt          how an assessor checks the bundle
    bundle.pdf          with ``--pdf``: everything above printed by headless Chromium
    manifest.json       written last: every file above with its size and SHA-256, the
                        ledger head, the generator and whether personal data is included
    assessor/           empty; the assessor's app writes its judgements here

The bundle is built in a hidden temporary folder beside its final place and renamed into
place in one step, so an interrupted export leaves no bundle (a temporary folder left by a
killed export is removed by the next one). Nothing in the portfolio is changed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentfolio import __version__, paths
from incidentfolio.errors import IncidentfolioError, StoreError
from incidentfolio.export.verify import (
    ASSESSOR_DIR,
    FORMAT,
    LEDGER,
    LEDGER_FORMAT,
    MANIFEST,
    README,
    SCHEMA_VERSION,
)
from incidentfolio.fsutil import fsync_dir
from incidentfolio.store.canonical import sha256_file, sha256_of

if TYPE_CHECKING:
    from incidentfolio.coverage import FrameworkCoverage
    from incidentfolio.export.exporter import EvidenceBundleExporter
    from incidentfolio.export.pseudonymise import Pseudonymiser
    from incidentfolio.store import Attachment, Item, Store

ITEMS_DIR = "items"
ATTACHMENTS_DIR = "attachments"
PDF_NAME = "bundle.pdf"
PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)-[A-Za-z0-9_]+$")
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".csv", ".tsv", ".json", ".ipynb",
                           ".yaml", ".yml", ".log", ".eml", ".html", ".htm", ".xml"})  # fmt: skip
# Files a browser would run or render as a page if an assessor opened them from a link:
# they are copied with ".txt" added, so they open as plain text.
ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml",
                             ".xsl", ".xslt", ".js", ".mjs", ".mht", ".mhtml", ".hta",
                             ".swf"})  # fmt: skip
_STAMP = "%Y%m%dT%H%M%SZ"
_START = "<!-- bundle:{}:start -->"
_END = "<!-- bundle:{}:end -->"


_QUIET = logging.getLogger("incidentfolio.export.nbconvert")
_QUIET.setLevel(logging.ERROR)


class ExportInterruptedError(IncidentfolioError):
    """The export was stopped (Ctrl-C or a termination signal); no bundle was written."""


@dataclass
class ExportResult:
    """What :func:`export_bundle` wrote."""

    path: Path
    candidate: str
    frameworks: tuple[str, ...]
    items: int
    files: int
    total_bytes: int
    personal_data_included: bool
    pseudonymised: str
    ledger_seq: int
    ledger_head: str
    manifest_sha256: str
    seconds: float
    zip_path: Path | None = None
    pdf: bool = False
    withheld: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """A short report for people; the CLI prints the bundle folder after it."""
        lines = [
            f"exported {self.items} evidence item{'s' if self.items != 1 else ''} of "
            f"{self.candidate} for {', '.join(self.frameworks)}: {self.files} files and "
            f"manifest.json, {self.total_bytes:,} bytes, in {self.seconds:.1f} s",
            "personal data: INCLUDED (exported with --include-personal-data; keep the bundle "
            "secure)"
            if self.personal_data_included
            else f"personal data: pseudonymised ({self.pseudonymised})",
        ]
        for name in self.withheld:
            lines.append(f"withheld: {name} (a binary attachment cannot be checked for personal "
                         "data; --include-personal-data includes it)")  # fmt: skip
        lines.append(
            f"manifest.json sha256 {self.manifest_sha256[:12]}…, ledger entry {self.ledger_seq} "
            f"({self.ledger_head[:12]}…); check it with `incidentfolio verify`"
        )
        if self.pdf:
            lines.append(f"pdf: {self.path / PDF_NAME}")
        if self.zip_path is not None:
            lines.append(f"zip: {self.zip_path}")
        return lines


# --- progress --------------------------------------------------------------------------------


class _Progress:
    """A tqdm progress bar on stderr (when ``enabled``) and an optional listener."""

    def __init__(
        self, total: int, enabled: bool, listener: Callable[[int, int, str], None] | None = None
    ) -> None:
        self.total, self.done = total, 0
        self.listener = listener
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="exporting", unit="step", file=sys.stderr,
                             leave=False, dynamic_ncols=True)  # fmt: skip

    def update(self, text: str = "") -> None:
        self.done += 1
        if self.listener is not None:
            self.listener(self.done, self.total, text)
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# --- interruption and the temporary folder ----------------------------------------------------


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`ExportInterruptedError` (Ctrl-C too), so the
    temporary folder is removed however the export is stopped (except by SIGKILL)."""

    def stop(signum: int, frame: object) -> None:
        raise ExportInterruptedError("export interrupted; no bundle was written")

    previous = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    except KeyboardInterrupt:
        raise ExportInterruptedError("export interrupted; no bundle was written") from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove temporary folders left in ``out`` by exports that were killed."""
    removed = []
    for path in out.iterdir():
        match = PARTIAL.match(path.name)
        if not match or path.is_symlink() or _alive(int(match["pid"])):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _out_folder(store: Store, out_dir: Path | None) -> Path:
    from incidentfolio.paths import default_exports_dir

    out = Path(out_dir).expanduser() if out_dir is not None else default_exports_dir(store.folder)
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out} is not a folder; choose where to write the bundle with --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise StoreError(f"{out} is not writable by you; choose another folder with --out")
    return out.resolve()


def _bundle_name(out: Path, candidate_number: str, framework: str | None) -> str:
    number = re.sub(r"[^A-Za-z0-9_-]+", "_", candidate_number).strip("_") or "candidate"
    stem = f"{number}-{framework or 'all'}-{datetime.now(timezone.utc).strftime(_STAMP)}"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)
    name, n = stem, 1
    while (out / name).exists() or (out / f"{name}.zip").exists():
        n += 1
        name = f"{stem}-{n}"
    return name


# --- the export ------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    """Everything the bundle shows, read from the store in one consistent snapshot."""

    profile: Any
    items: list[Item]
    left_out: int
    coverages: list[FrameworkCoverage]
    frameworks: dict[str, Any]
    versions: dict[str, int]
    ledger: list[dict[str, Any]]
    ledger_seq: int
    ledger_head: str
    declaration: dict[str, Any] | None
    submission: dict[str, Any] | None


def _read(store: Store, framework: str | None) -> _Snapshot:
    from incidentfolio.coverage import coverage
    from incidentfolio.store import db
    from incidentfolio.store.integrity import check_store

    with db.snapshot(store.conn):
        profile = store.require_profile()
        coverages = coverage(store, framework)
        report = check_store(store)
        if not report.ok:
            more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
            raise StoreError(
                f"the portfolio fails its check: {report.problems[0]}{more}; run "
                "`incidentfolio check` before exporting"
            )
        live = store.items()
        chosen = [i for i in live if framework is None or any(m.framework == framework
                                                              for m in i.mappings)]  # fmt: skip
        versions = dict(store.conn.execute(
            "SELECT item_id, COUNT(*) FROM item_versions GROUP BY item_id").fetchall())  # fmt: skip
        ledger = [
            {"seq": e.seq, "at": e.at, "action": e.action, "subject": e.subject,
             "subject_sha256": e.subject_sha256, "prev_sha256": e.prev_sha256,
             "entry_sha256": e.entry_sha256}
            for e in store.ledger()
        ]  # fmt: skip
        seq, head = store.ledger_head()
        declaration = store.declaration()
        row = store.conn.execute(
            "SELECT id, submitted_at, ledger_seq, ledger_head FROM submissions "
            "ORDER BY submitted_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        frameworks = store.frameworks()
    if not chosen:
        where = f" mapped to {framework}" if framework else ""
        raise StoreError(f"there is no evidence{where} to export yet")
    return _Snapshot(profile, chosen, len(live) - len(chosen), coverages, frameworks, versions,
                     ledger, seq, head, declaration, dict(row) if row else None)  # fmt: skip


def export_bundle(
    store: Store,
    out_dir: Path | None = None,
    *,
    framework: str | None = None,
    include_personal_data: bool = False,
    pdf: bool = False,
    make_zip: bool = False,
    progress: bool = True,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> ExportResult:
    """Export the portfolio in ``store`` as an evidence bundle folder in ``out_dir``.

    ``framework`` limits it to one of the profile's frameworks and the items mapped to it.
    Personal data is pseudonymised unless ``include_personal_data``. ``pdf`` also prints the
    whole bundle to ``bundle.pdf`` with headless Chromium; ``make_zip`` also writes
    ``NAME.zip`` beside the folder. Raises StoreError (writing nothing) when the portfolio
    has no profile, fails its check, or has no evidence to export; ExportInterruptedError when
    stopped. Nothing in the portfolio is changed. ``progress`` draws a bar on stderr;
    ``on_progress(done, total, label)`` is called after each step (for a page's progress bar).
    """
    started = time.monotonic()
    chromium = None
    if pdf:
        from incidentfolio.export.pdf import find_chromium

        chromium = find_chromium()
    with _interruptible():
        snap = _read(store, framework)
        out = _out_folder(store, out_dir)
        remove_stale_partials(out)
        from incidentfolio.store.submission import exchange_modes

        modes = exchange_modes(out)
        name = _bundle_name(out, snap.profile.candidate_number, framework)
        final = out / name
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.partial-{os.getpid()}-", dir=out))
        bar = _Progress(len(snap.items) + 2 + int(pdf) + int(make_zip), progress, on_progress)
        zip_path = None
        renamed = False
        try:
            writer = _Writer(store, snap, tmp, modes.file, include_personal_data)
            writer.write_all(bar, chromium)
            manifest = writer.manifest(framework)
            _write(tmp / MANIFEST, _manifest_text(manifest).encode("utf-8"), modes.file)
            _chmod_tree(tmp, modes.folder)
            if final.exists():
                raise StoreError(f"{final} appeared while exporting; nothing was written")
            tmp.rename(final)  # atomic within the folder
            renamed = True
            fsync_dir(out)
            if make_zip:
                zip_path = _write_zip(final, out / f"{name}.zip", modes.file)
                bar.update("zip")
        except BaseException:
            # all or nothing: a failure after the rename (writing the zip) takes it back
            shutil.rmtree(final if renamed else tmp, ignore_errors=True)
            raise
        finally:
            bar.close()
    files = manifest["files"]
    return ExportResult(
        path=final,
        candidate=f"{snap.profile.candidate_name} ({snap.profile.candidate_number})",
        frameworks=tuple(c.framework for c in snap.coverages),
        items=len(snap.items),
        files=len(files),
        total_bytes=sum(f["size"] for f in files) + (final / MANIFEST).stat().st_size,
        personal_data_included=include_personal_data,
        pseudonymised=writer.pseudonymiser.summary() if writer.pseudonymiser else "",
        ledger_seq=snap.ledger_seq,
        ledger_head=snap.ledger_head,
        manifest_sha256=sha256_file(final / MANIFEST),
        seconds=time.monotonic() - started,
        zip_path=zip_path,
        pdf=pdf,
        withheld=writer.withheld,
    )


class _Writer:
    """Writes the files of one bundle into its temporary folder."""

    def __init__(
        self, store: Store, snap: _Snapshot, root: Path, file_mode: int, include: bool
    ) -> None:
        from incidentfolio.evidence_types import load_templates
        from incidentfolio.export.exporter import EvidenceBundleExporter
        from incidentfolio.export.pseudonymise import Pseudonymiser

        self.store, self.snap, self.root, self.mode = store, snap, root, file_mode
        self.include = include
        self.templates = load_templates()
        # One exporter for every item (making one costs more than converting an item). Its
        # warnings (such as images without alternative text) are not the candidate's concern.
        self.exporter: EvidenceBundleExporter = EvidenceBundleExporter(log=_QUIET)
        self.pseudonymiser: Pseudonymiser | None = None
        if not include:
            profile = snap.profile
            self.pseudonymiser = Pseudonymiser(keep=[profile.candidate_name,
                                                     profile.assessor_name])  # fmt: skip
        self.exported_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.files: list[dict[str, Any]] = []
        self.targets: dict[tuple[str, str], tuple[str, str]] = {}  # (item, ref) → (href, where)
        self.item_parts: list[str] = []
        self.item_rows: list[dict[str, Any]] = []
        self.item_records: list[dict[str, Any]] = []
        self.withheld: list[str] = []
        self._sources: dict[str, bytes] = {}

    # --- helpers ------------------------------------------------------------------------
    def text(self, value: str) -> str:
        return self.pseudonymiser.text(value) if self.pseudonymiser else value

    def data(self, value: Any) -> Any:
        return self.pseudonymiser.data(value) if self.pseudonymiser else value

    def put(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, data, self.mode)
        self.files.append({"path": relative, "size": len(data), "sha256": _sha(data)})

    def source(self, attachment: Attachment) -> bytes:
        """An attachment's bytes, checked against the hash the store recorded."""
        if attachment.stored_as not in self._sources:
            path = self.store.folder / attachment.stored_as
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise StoreError(f"attachment {attachment.stored_as} cannot be read: "
                                 f"{exc.strerror or exc}") from None  # fmt: skip
            if _sha(data) != attachment.sha256:
                raise StoreError(f"attachment {attachment.stored_as} differs from its record; "
                                 "run `incidentfolio check`")  # fmt: skip
            self._sources[attachment.stored_as] = data
        return self._sources[attachment.stored_as]

    def bundle_info(self) -> dict[str, Any]:
        p = self.snap.profile
        return {"candidate_name": p.candidate_name, "candidate_number": p.candidate_number,
                "exported_at": self.exported_at,
                "personal_data_included": self.include}  # fmt: skip

    # --- the whole bundle -------------------------------------------------------------
    def write_all(self, bar: _Progress, chromium: str | None) -> None:
        self.learn()
        bar.update("prepared")
        for item in self.snap.items:
            self.write_item(item)
            bar.update(item.id)
        index_html = self.write_index()
        bar.update("index")
        self.put(LEDGER, _json_bytes({"format": LEDGER_FORMAT, "entries": self.snap.ledger}))
        self.put(README, self.readme().encode("utf-8"))
        (self.root / ASSESSOR_DIR).mkdir()
        if chromium is not None:
            self.write_pdf(chromium, index_html)
            bar.update("pdf")

    def learn(self) -> None:
        """Let the pseudonymiser see every value first, so placeholders are stable."""
        pz = self.pseudonymiser
        if pz is None:
            return
        for item in self.snap.items:
            pz.learn_item(item.type, item.body)
        for item in self.snap.items:
            pz.learn_data([item.title, item.body, [m.justification for m in item.mappings]])
            for a in item.attachments:
                data = self.source(a)
                if _is_text(a.name, data):
                    pz.learn_text(data.decode("utf-8"))

    # --- items --------------------------------------------------------------------------
    def write_item(self, item: Item) -> None:
        from incidentfolio.export.notebooks import anchor_target, item_notebook

        template = self.templates.get(item.type)
        notes: list[str] = []
        attachments, notebook, notebook_name = self.write_attachments(item, notes)
        title = self.text(item.title)
        body = self.data(item.body)
        cited = body.get("cell_ids") if item.type == "notebook" else None
        metadata: dict[str, Any] = {
            "item": {
                "id": item.id, "type": item.type,
                "type_title": template.title if template else item.type,
                "title": title, "version": item.version,
                "versions": self.snap.versions.get(item.id, item.version),
                "created_at": item.created_at, "updated_at": item.updated_at,
                "source_scenario": item.source_scenario, "personal_data": item.personal_data,
                "version_sha256": item.version_sha256,
                "state_sha256": sha256_of(item.state_record()),
            },
            "bundle": self.bundle_info(),
            "attachments": attachments,
            "notes": notes,
        }  # fmt: skip
        nb = item_notebook(item.type, body, template=template, notebook=notebook,
                           notebook_name=notebook_name,
                           cited=cited if isinstance(cited, list) else (),
                           metadata=metadata, text=self.text)  # fmt: skip
        cell_ids = [c.id for c in nb.cells]
        labels = {c.id: c.metadata.get("incidentfolio", {}).get("label") for c in nb.cells}
        mappings = []
        href = f"{ITEMS_DIR}/{item.id}.html"
        for m in item.mappings:
            target = anchor_target(cell_ids, m.anchor)
            where = _where(target, labels)
            crit = self._criterion(m.framework, m.criterion)
            mappings.append({
                "ref": m.ref, "framework": m.framework, "criterion": m.criterion,
                "statement": crit.statement if crit else "", "lo": crit.lo if crit else "",
                "justification": self.text(m.justification),
                "anchor": self.text(m.anchor) if m.anchor else None,
                "target": target, "where": where,
            })  # fmt: skip
            self.targets[(item.id, m.ref)] = (href + (f"#{target}" if target else ""), where)
            if m.anchor and target is None:
                shown = self.text(m.anchor)
                notes.append(f"The mapping to {m.ref} names “{shown}”, which is not a field or "
                             "cell of this item; it links to the whole item.")  # fmt: skip
        nb.metadata["incidentfolio"]["mappings"] = mappings
        nb.metadata["incidentfolio"]["notes"] = notes
        page, _ = self.exporter.from_notebook_node(nb, resources={"metadata": {"name": item.id}})
        self.put(href, page.encode("utf-8"))
        self.item_parts.append(_part(page, "item"))
        self.item_rows.append({
            "id": item.id, "href": href, "title": title,
            "type_title": template.title if template else item.type,
            "refs": [m.ref for m in item.mappings],
            "attachments": len(item.attachments),
        })  # fmt: skip
        self.item_records.append({
            "id": item.id, "type": item.type, "version": item.version,
            "version_sha256": item.version_sha256,
            "state_sha256": metadata["item"]["state_sha256"], "page": href,
        })  # fmt: skip

    def _criterion(self, framework: str, criterion: str) -> Any:
        fw = self.snap.frameworks.get(framework)
        if fw is None:
            return None
        return next((c for c in fw.criteria if c.id == criterion), None)

    def write_attachments(
        self, item: Item, notes: list[str]
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None, str]:
        """Copy (or pseudonymise, or withhold) each attachment; find a notebook item's notebook."""
        rows: list[dict[str, Any]] = []
        notebook: dict[str, Any] | None = None
        notebook_name = ""
        wanted = item.body.get("notebook_path") if item.type == "notebook" else None
        used: set[str] = set()
        for a in item.attachments:
            data = self.source(a)
            shown = self.text(a.name)
            row: dict[str, Any] = {"name": shown, "size": a.size, "sha256": a.sha256,
                                   "href": None, "note": ""}  # fmt: skip
            is_notebook = a.name.lower().endswith(".ipynb")
            parsed = _json(data) if is_notebook else None
            if (
                item.type == "notebook"
                and notebook is None
                and is_notebook
                and (
                    wanted in (None, a.name) or not any(x.name == wanted for x in item.attachments)
                )
            ):
                if isinstance(parsed, dict):
                    notebook = parsed if self.include else self.pseudonymiser.notebook(parsed)  # type: ignore[union-attr]
                    notebook_name = shown
                else:
                    notes.append(f"The notebook {shown} could not be read, so its cells are "
                                 "not shown.")  # fmt: skip
            if self.include:
                out = data
                row["note"] = "copied as recorded"
            elif _is_text(a.name, data):
                if isinstance(parsed, dict):
                    out = _json_bytes(self.pseudonymiser.notebook(parsed))  # type: ignore[union-attr]
                elif a.name.lower().endswith(".json") and (loaded := _json(data)) is not None:
                    out = _json_bytes(self.pseudonymiser.data(loaded))  # type: ignore[union-attr]
                else:
                    out = self.text(data.decode("utf-8")).encode("utf-8")
                row["note"] = (
                    "copied as recorded (no personal data found)"
                    if out == data
                    else "a pseudonymised copy (its SHA-256 differs from the record)"
                )
            else:
                row["note"] = ("withheld: a binary file cannot be checked for personal data; "
                               "ask for an export with personal data included")  # fmt: skip
                self.withheld.append(f"{item.id}/{shown}")
                rows.append(row)
                continue
            safe = _safe_name(shown)
            if Path(safe).suffix.lower() in ACTIVE_SUFFIXES:
                safe += ".txt"
                row["note"] += "; saved with .txt added so that it opens as plain text"
            while safe in used:
                safe = f"{len(used) + 1}-{safe}"
            used.add(safe)
            relative = f"{ATTACHMENTS_DIR}/{item.id}/{safe}"
            self.put(relative, out)
            row["href"] = f"../{relative}"
            rows.append(row)
        return rows, notebook, notebook_name

    # --- index, readme, pdf -----------------------------------------------------------
    def write_index(self) -> str:
        snap = self.snap
        frameworks = [self._matrix(cov) for cov in snap.coverages]
        state = snap.coverages[0].declaration
        if state.state == "none":
            declaration_text = "not signed"
        elif state.state == "current":
            declaration_text = f"signed {state.declared_at}; current (covers all this evidence)"
        else:
            n = state.changes_since
            declaration_text = (f"signed {state.declared_at}; STALE: the evidence changed {n} "
                                f"time{'s' if n != 1 else ''} after it was signed")  # fmt: skip
        sub = snap.submission
        submission_text = (f"{sub['submitted_at']} (submission {sub['id']}, ledger entry "
                           f"{sub['ledger_seq']})" if sub else "not submitted yet")  # fmt: skip
        p = snap.profile
        b = {
            "candidate_name": p.candidate_name, "candidate_number": p.candidate_number,
            "centre": p.centre, "declaration_state": state.state,
            "declaration_text": declaration_text, "submission_text": submission_text,
            "exported_at": self.exported_at, "ledger_seq": snap.ledger_seq,
            "ledger_head": snap.ledger_head, "personal_data_included": self.include,
            "pseudonymised": self.pseudonymiser.summary() if self.pseudonymiser else "",
            "left_out": snap.left_out if len(snap.coverages) == 1 and snap.left_out else 0,
        }  # fmt: skip
        resources = {"csp": _csp(), "bundle_css": self.exporter.bundle_css}
        template = self.exporter.environment.get_template("bundle-index.html.j2")
        page = template.render(b=b, frameworks=frameworks, items=self.item_rows,
                               resources=resources)  # fmt: skip
        self.put("index.html", page.encode("utf-8"))
        self._index_page = page
        return page

    def _matrix(self, cov: FrameworkCoverage) -> dict[str, Any]:
        columns = [r for r in self.item_rows
                   if any(ref.startswith(f"{cov.framework}:") for ref in r["refs"])]  # fmt: skip
        los = []
        for lo in cov.learning_outcomes:
            tally = lo.tally
            criteria = []
            for c in lo.criteria:
                if not c.covered:
                    row_class, status = "gap", "No evidence (gap)"
                elif not c.sufficient:
                    row_class = "thin"
                    status = (f"Too few evidence types: {len(c.counted_types)} of "
                              f"{c.min_evidence_types} needed")  # fmt: skip
                else:
                    row_class = "ok"
                    n = len(c.counted_types)
                    status = f"Evidence mapped: {n} type{'s' if n != 1 else ''}"
                if c.judgement is not None:
                    status += f"; assessor: {c.status_label}"
                cells = []
                for col in columns:
                    hit = self.targets.get((col["id"], c.ref))
                    cells.append(
                        {"href": hit[0],
                         "title": f"{col['id']} is evidence for {c.id}" + (f" (see {hit[1]})"
                                                                             if hit[1] else "")}
                        if hit else None
                    )  # fmt: skip
                criteria.append({"id": c.id, "statement": c.statement, "kind": c.kind,
                                 "row_class": row_class, "status_text": status,
                                 "cells": cells})  # fmt: skip
            los.append({"id": lo.id, "title": lo.title, "criteria": criteria,
                        "total": tally.total, "covered": tally.covered,
                        "sufficient": tally.sufficient, "met": tally.met,
                        "covered_pct": tally.covered_pct,
                        "sufficient_pct": tally.sufficient_pct})  # fmt: skip
        return {"framework": cov.framework, "title": cov.title, "los": los,
                "summary": cov.tally.summary(),
                "columns": [{"id": r["id"], "href": r["href"],
                             "title": f"{r['id']}: {r['title']}"} for r in columns]}  # fmt: skip

    def write_pdf(self, chromium: str, index_html: str) -> None:
        import markupsafe

        from incidentfolio.export.pdf import print_to_pdf

        template = self.exporter.environment.get_template("print.html.j2")
        p = self.snap.profile
        page = template.render(
            b={"candidate_name": p.candidate_name, "candidate_number": p.candidate_number},
            resources={"csp": _csp(), "bundle_css": self.exporter.bundle_css},
            index_part=markupsafe.Markup(_part(index_html, "index")),  # noqa: S704 (rendered above)
            item_parts=[markupsafe.Markup(part) for part in self.item_parts],  # noqa: S704
        )
        with tempfile.TemporaryDirectory(prefix="incidentfolio-print-") as scratch:
            source = Path(scratch) / "bundle.html"
            source.write_text(page, encoding="utf-8")
            target = Path(scratch) / PDF_NAME
            print_to_pdf(chromium, source, target)
            self.put(PDF_NAME, target.read_bytes())

    def readme(self) -> str:
        p = self.snap.profile
        personal = (
            "This bundle INCLUDES personal data (it was exported with --include-personal-data):\n"
            "keep it secure and share it only as your data protection policy allows."
            if self.include
            else "Personal data in the evidence (callers' names, phone numbers, e-mail addresses,\n"
            "postcodes, addresses) was replaced with placeholders such as [CALLER-1]; the same\n"
            "value has the same placeholder throughout this bundle."
        )
        source = paths.templates_dir() / "nbconvert" / "evidence-bundle" / "README.txt.in"
        return source.read_text(encoding="utf-8").format(
            candidate=p.candidate_name,
            number=p.candidate_number,
            exported=self.exported_at,
            generator=f"incidentfolio {__version__}",
            seq=self.snap.ledger_seq,
            head=self.snap.ledger_head,
            personal=personal,
        )

    def manifest(self, framework: str | None) -> dict[str, Any]:
        snap = self.snap
        p = snap.profile
        d = snap.declaration
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "generator": f"incidentfolio {__version__}",
            "exported_at": self.exported_at,
            "candidate_name": p.candidate_name,
            "candidate_number": p.candidate_number,
            "centre": p.centre,
            "frameworks": [c.framework for c in snap.coverages],
            "framework_filter": framework,
            "personal_data_included": self.include,
            "pseudonymised": None if self.include else self.pseudonymiser.issued,  # type: ignore[union-attr]
            "ledger_seq": snap.ledger_seq,
            "ledger_head": snap.ledger_head,
            "declaration": {"declared_at": d["declared_at"], "ledger_seq": d["ledger_seq"],
                            "ledger_head": d["ledger_head"], "stale": bool(d["stale"])}
            if d else None,
            "submission": snap.submission,
            "items": self.item_records,
            "files": sorted(self.files, key=lambda f: f["path"]),
        }  # fmt: skip


# --- small helpers -------------------------------------------------------------------------------


def _csp() -> str:
    from incidentfolio.export.exporter import CSP

    return CSP


def _where(target: str | None, labels: dict[str, Any]) -> str:
    if target is None:
        return ""
    cell_id = target.removeprefix("cell-")
    label = labels.get(cell_id)
    return str(label) if label else f"notebook cell {cell_id}"


def _part(page: str, name: str) -> str:
    start, end = _START.format(name), _END.format(name)
    i, j = page.find(start), page.rfind(end)
    return page[i + len(start) : j] if i >= 0 and j > i else ""


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"  # fmt: skip


def _is_text(name: str, data: bytes) -> bool:
    """A text file we can read and pseudonymise: a text suffix (or none) and UTF-8 content."""
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in TEXT_SUFFIXES:
        return False
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:120] or "file"


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(mode)


def _chmod_tree(root: Path, folder_mode: int) -> None:
    for here, dirs, _ in os.walk(root):
        for d in dirs:
            (Path(here) / d).chmod(folder_mode)
    root.chmod(folder_mode)


def _write_zip(folder: Path, target: Path, mode: int) -> Path:
    """The bundle folder as ``target`` (one top folder inside), written then renamed."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.partial-{os.getpid()}-",
                                    dir=target.parent)  # fmt: skip
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for here, dirs, names in os.walk(folder):
                dirs.sort()
                base = Path(here)
                relative = base.relative_to(folder.parent).as_posix()
                if not names and not dirs:
                    zf.writestr(zipfile.ZipInfo(relative + "/"), b"")
                for name in sorted(names):
                    zf.write(base / name, f"{relative}/{name}")
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
