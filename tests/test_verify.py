"""``incidentfolio verify``: a bundle (folder or zip) checked against its manifest and ledger.

One bundle is exported per module; each test tampers with its own copy and runs the real
CLI in a subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import REPO, cli
from test_export import build_pd_portfolio

from incidentfolio.export.bundle import export_bundle
from incidentfolio.export.verify import verify_bundle
from incidentfolio.store import open_store
from incidentfolio.store.submission import submit


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """(portfolio, bundle): the personal-data portfolio, submitted, then exported with a zip."""
    base = tmp_path_factory.mktemp("verify")
    portfolio = build_pd_portfolio(base / "p")
    exchange = base / "exchange"
    exchange.mkdir()
    with open_store(portfolio) as store:
        submit(store, exchange)
        result = export_bundle(store, base / "out", make_zip=True, progress=False)
    return portfolio, result.path


@pytest.fixture
def bundle(exported, tmp_path) -> Path:
    """A private copy of the bundle folder to tamper with."""
    copy = tmp_path / exported[1].name
    shutil.copytree(exported[1], copy)
    return copy


def run_verify(*args: str):
    return cli("verify", *args)


def failed(result) -> list[str]:
    """Exit 1, the problems on stdout, one ``incidentfolio: error: verify failed`` line."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("incidentfolio: error: verify failed: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stdout.splitlines()


def test_an_untouched_bundle_passes(bundle):
    result = run_verify(str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bundle of Sam Taylor (C1234), exported ")
    assert any(ln.startswith("ledger: ") and "an intact chain" in ln for ln in lines)
    assert "personal data: pseudonymised" in lines
    assert lines[-1] == f"verify passed: {bundle}"
    assert result.stderr == ""


def test_a_changed_byte_is_named(bundle):
    page = bundle / "items" / "EV-0002.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01
    page.write_bytes(bytes(data))
    assert failed(run_verify(str(bundle))) == [
        "changed: items/EV-0002.html (its SHA-256 or size differs from the manifest)"
    ]


def test_a_deleted_file_is_named(bundle):
    (bundle / "index.html").unlink()
    assert failed(run_verify(str(bundle))) == ["missing: index.html (listed in the manifest)"]


def test_an_added_file_is_named(bundle):
    (bundle / "items" / "EV-0099.html").write_text("<p>added later</p>", "utf-8")
    assert failed(run_verify(str(bundle))) == [
        "extra: items/EV-0099.html (not listed in the manifest)"
    ]


def test_all_three_at_once_one_line_each(bundle):
    attachment = next((bundle / "attachments").rglob("*.txt"))
    attachment.write_text("rewritten\n", "utf-8")
    (bundle / "README.txt").unlink()
    (bundle / "notes.txt").write_text("x", "utf-8")
    relative = attachment.relative_to(bundle).as_posix()
    assert failed(run_verify(str(bundle))) == [
        "extra: notes.txt (not listed in the manifest)",
        "missing: README.txt (listed in the manifest)",
        f"changed: {relative} (its SHA-256 or size differs from the manifest)",
    ]


def test_the_assessor_folder_is_outside_the_manifest(bundle):
    (bundle / "assessor" / "judgements.json").write_text("{}", "utf-8")
    (bundle / "assessor" / "report.html").write_text("<p>report</p>", "utf-8")
    result = run_verify(str(bundle))
    assert result.returncode == 0, result.stdout
    assert "assessor/: 2 files (not covered by the manifest)" in result.stdout


def test_a_symlink_is_refused(bundle):
    (bundle / "items" / "link.html").symlink_to(bundle / "index.html")
    assert failed(run_verify(str(bundle))) == [
        "symlink: items/link.html (symbolic links are not allowed)"
    ]


def test_a_manifest_pointing_at_another_ledger_head_fails(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    manifest["ledger_seq"] -= 1
    (bundle / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    lines = failed(run_verify(str(bundle)))
    assert len(lines) == 1
    assert lines[0].startswith("ledger: the manifest records head entry ")
    assert "but ledger.json ends at entry" in lines[0]


def test_a_rewritten_ledger_with_a_matching_manifest_still_fails(bundle):
    """Someone edits ledger.json and updates the manifest's hash for it: the chain breaks."""
    ledger_path = bundle / "ledger.json"
    ledger = json.loads(ledger_path.read_text("utf-8"))
    ledger["entries"][1]["subject_sha256"] = "0" * 64
    ledger_path.write_text(json.dumps(ledger), "utf-8")
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    from incidentfolio.store.canonical import sha256_file

    for entry in manifest["files"]:
        if entry["path"] == "ledger.json":
            entry["sha256"] = sha256_file(ledger_path)
            entry["size"] = ledger_path.stat().st_size
    (bundle / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert failed(run_verify(str(bundle))) == ["ledger: the hash chain is broken at entry 2"]


def test_an_item_record_that_is_not_in_the_ledger_fails(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    manifest["items"][0]["state_sha256"] = "f" * 64
    (bundle / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert failed(run_verify(str(bundle))) == [
        "ledger: EV-0001's record hash is not the one its last ledger entry records"
    ]


def test_not_a_bundle(tmp_path):
    assert failed(run_verify(str(tmp_path))) == [
        "missing: manifest.json (this is not an evidence bundle)"
    ]
    (tmp_path / "manifest.json").write_text('{"format": "incidentfolio-submission"}', "utf-8")
    assert failed(run_verify(str(tmp_path))) == [
        "manifest: format is 'incidentfolio-submission', expected 'incidentfolio-evidence-bundle'"
    ]
    missing = tmp_path / "nowhere"
    assert failed(run_verify(str(missing))) == [f"{missing}: no such file or folder"]


# --- zips --------------------------------------------------------------------------------------


def test_the_zip_passes(exported):
    archive = exported[1].with_name(exported[1].name + ".zip")
    result = run_verify(str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"verify passed: {archive}"


def _rezip(source: Path, target: Path, change) -> Path:
    """Copy ``source`` to ``target`` entry by entry; ``change(name, data)`` returns new data
    (None drops the entry) and may return extra entries as a dict under the key ``None``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
        for name, data in (change(None, b"") or {}).items():
            new.writestr(name, data)
    return target


def test_a_tampered_zip_names_each_problem(exported, tmp_path):
    archive = exported[1].with_name(exported[1].name + ".zip")
    top = exported[1].name

    def change(name, data):
        if name is None:
            return {f"{top}/extra.html": b"<p>x</p>", f"{top}/assessor/ok.json": b"{}"}
        if name == f"{top}/index.html":
            return data.replace(b"Sam Taylor", b"Sam Tailor")
        if name == f"{top}/README.txt":
            return None
        return data

    tampered = _rezip(archive, tmp_path / "tampered.zip", change)
    assert failed(run_verify(str(tampered))) == [
        "extra: extra.html (not listed in the manifest)",
        "missing: README.txt (listed in the manifest)",
        "changed: index.html (its SHA-256 or size differs from the manifest)",
    ]


def test_a_zip_with_an_unsafe_name_fails(exported, tmp_path):
    archive = exported[1].with_name(exported[1].name + ".zip")

    def change(name, data):
        return {"../escape.txt": b"x"} if name is None else data

    tampered = _rezip(archive, tmp_path / "unsafe.zip", change)
    assert "unsafe: ../escape.txt (a file name outside the bundle)" in failed(
        run_verify(str(tampered))
    )


# --- against the submission ----------------------------------------------------------------------


def test_the_bundle_matches_its_submission(exported, tmp_path):
    _, bundle = exported
    submission = next((bundle.parent.parent / "exchange").iterdir())
    result = run_verify(str(bundle), "--submission", str(submission))
    assert result.returncode == 0, result.stdout + result.stderr


def test_another_candidates_submission_does_not_match(exported, tmp_path):
    _, bundle = exported
    other = build_pd_portfolio(tmp_path / "other")
    with open_store(other) as store:
        store.set_profile(candidate_name="Ali Khan", candidate_number="C9999",
                          frameworks=["k503-0421"])  # fmt: skip
        store.declare()
        exchange = tmp_path / "exchange"
        exchange.mkdir()
        folder = submit(store, exchange).folder
    lines = failed(run_verify(str(bundle), "--submission", str(folder)))
    assert lines[0] == "submission: it is candidate 'C9999''s, the bundle is candidate 'C1234''s"


# --- fast and light ------------------------------------------------------------------------------

LIGHT = """
import sys, time
started = time.monotonic()
from incidentfolio.cli import main
code = main(["verify", sys.argv[1]])
heavy = [m for m in ("voila", "ipywidgets", "nbconvert", "pandas", "IPython", "matplotlib",
                     "nbformat", "jinja2") if m in sys.modules]
print(code, ",".join(heavy), f"{time.monotonic() - started:.2f}")
"""


def test_verify_imports_nothing_heavy(exported):
    done = subprocess.run([sys.executable, "-c", LIGHT, str(exported[1])],
                          capture_output=True, text=True, cwd=REPO, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    code, heavy, seconds = done.stdout.splitlines()[-1].split(" ")
    assert code == "0"
    assert heavy == "", f"verify imported {heavy}"
    assert float(seconds) < 5


def test_the_library_call_reports_the_same(exported):
    report = verify_bundle(exported[1])
    assert report.ok, report.problems
    assert report.files == len(report.manifest["files"])
