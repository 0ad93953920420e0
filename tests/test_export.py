"""``incidentfolio export``: evidence bundles through the project's nbconvert exporter.

Real portfolios (the demo, and small ones built here with the Store API), the real CLI in a
subprocess, real files. Personal data the tests plant themselves must not reach a default
bundle in any file, file name or the manifest.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from store_workers import snapshot
from support import REPO, cli

from incidentfolio.demo import build_demo
from incidentfolio.errors import IncidentfolioError, StoreError
from incidentfolio.export.bundle import export_bundle
from incidentfolio.export.notebooks import anchor_target, field_cell_id
from incidentfolio.export.pseudonymise import Pseudonymiser
from incidentfolio.export.verify import verify_bundle
from incidentfolio.store import Mapping, open_store
from incidentfolio.store.canonical import sha256_file

FW = "k503-0421"
WHY = "This record shows how I handled the incident from the first call to the hand-over."
BUNDLE_NAME = re.compile(r"^[A-Za-z0-9_-]+-(all|[a-z0-9-]+)-\d{8}T\d{6}Z(-\d+)?$")

# --- personal data the tests plant -------------------------------------------------------------

CALLER = "Delphine Arkwright"
CALLBACK = "0113 496 0999"
MOBILE = "07700 900461"
EMAIL = "d.arkwright@mail.example"
POSTCODE = "LS6 3HT"
ADDRESS = "Flat 2, 31 Quarry Mount Terrace, Leeds"
WITNESS = "Imogen Stradbroke"
WITNESS_EMAIL = "i.stradbroke@centre.example"
TITLED = "Mr Quentin Abernathy"
OTHER_PHONE = "+44 113 496 0777"
OTHER_POSTCODE = "BD7 1DP"
NHS = "943 476 5919"
CARD = "4111 1111 1111 1111"
STREET = "12 Larch Grove"
# Every form each planted value could take in a file; none may appear in a default bundle.
PLANTED = [
    "Delphine", "Arkwright", CALLBACK, "01134960999", "1134960999", MOBILE, "07700900461",
    EMAIL, POSTCODE, "LS63HT", "Quarry Mount", "Imogen", "Stradbroke", WITNESS_EMAIL,
    "Quentin", "Abernathy", "496 0777", "4960777", OTHER_POSTCODE, "BD71DP", NHS, "9434765919",
    CARD, "4111111111111111", "Larch Grove", "Fenwick", "Hale-Tobias",
]  # fmt: skip


def incident_log_body() -> dict:
    """An incident log whose structured fields and free text hold a caller's details."""
    return {
        "reference": "INC-20260314-0042",
        "received_at": "2026-03-14T09:12:00+00:00",
        "channel": "phone",
        "caller": {"name": CALLER, "callback_number": CALLBACK, "verified": True},
        "location": {"text": ADDRESS, "postcode": POSTCODE},
        "category": "safety/gas-escape",
        "description": (
            f"Mrs Arkwright reports a smell of gas in the kitchen. She rang back later from "
            f"{MOBILE} and asked for a copy by email to {EMAIL}. Her neighbour, "
            "Mr Tobias Fenwick-Hale, smelt it too."
        ),
        "impact": "high",
        "urgency": "high",
        "priority": "P1",
        "actions": [
            {
                "at": "2026-03-14T09:13:00+00:00",
                "text": f"Safety advice given to Delphine; callback {CALLBACK} read back.",
            },
        ],
        "messages": [
            {
                "at": "2026-03-14T09:15:00+00:00",
                "to": "gas_emergency_service",
                "channel": "phone",
                "read_back": True,
                "text": f"Gas smell at {ADDRESS}, {POSTCODE}. Caller {CALLER}, 01134960999.",
            },
        ],
    }


def reflection_body(extra: str = "") -> dict:
    return {
        "description": (
            f"The caller, {TITLED} of {STREET}, phoned from {OTHER_PHONE} and gave the "
            f"postcode {OTHER_POSTCODE}. He read out NHS number {NHS} and, wrongly, his card "
            f"number {CARD}. {extra}"
        ),
        "feelings": "I felt under pressure because the caller was frightened.",
        "evaluation": "I stopped him reading the card number and did not record it.",
        "analysis": "Our data protection training told me to stop card details at once.",
        "conclusion": "Mr Abernathy was calmer once I explained why.",
        "action_plan": "I will practise the card-details script with my team leader.",
    }


def witness_body() -> dict:
    return {
        "witness_name": WITNESS,
        "witness_role": "Team leader",
        "relationship": "My line manager",
        "witness_contact": WITNESS_EMAIL,
        "date_observed": "2026-03-14",
        "observed": "I saw Sam log the gas escape report and escalate it at once.",
        "signature_statement": True,
        "signed_on": "2026-03-15",
    }


def planted_notebook(path: Path) -> Path:
    """A notebook whose cells and outputs of every kind hold the caller's details."""
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell(f"# Call review\n\nCallback {CALLBACK}, {POSTCODE}.")
    md.id = "intro"
    code = nbformat.v4.new_code_cell("print(caller)")
    code.id = "caller-cell"
    code.execution_count = 1
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout",
                               text=f"Caller: {CALLER}, {CALLBACK}\nEmail {EMAIL}\n"),
        nbformat.v4.new_output("execute_result", execution_count=1,
                               data={"text/html": f"<b>Mrs Arkwright</b> at {POSTCODE}",
                                     "text/plain": f"Arkwright {MOBILE}"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": f"**{CALLER}**",
                                                     "text/plain": CALLER}),
        nbformat.v4.new_output("error", ename="KeyError", evalue=f"'{CALLER}'",
                               traceback=[f"KeyError: '{CALLER}' at {ADDRESS}"]),
    ]  # fmt: skip
    nb.cells = [md, code]
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nbformat.write(nb, path)
    return path


def build_pd_portfolio(folder: Path) -> Path:
    """A portfolio with personal data planted in every place it can hide."""
    folder.mkdir(parents=True)
    files = folder.parent / "files"
    files.mkdir()
    notes = files / "call-notes-Arkwright.txt"
    notes.write_text(f"Mrs {CALLER} rang from {MOBILE}; {EMAIL}; {POSTCODE}\n", "utf-8")
    photo = files / "whiteboard.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + f"{CALLER} {CALLBACK}".encode() + bytes(range(256)))
    data = files / "extract.json"
    data.write_text(json.dumps({"caller": CALLER, "phone": CALLBACK}), "utf-8")
    notebook = planted_notebook(files / "call-review.ipynb")
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1234",
                          frameworks=[FW], centre="Larkfield Contact Services")  # fmt: skip
        store.add_item(
            "incident_log", f"Gas escape reported by Mrs {CALLER.split()[1]}", incident_log_body(),
            personal_data=True, attachments=[notes, photo, data],
            mappings=[Mapping(FW, "1.3", f"{WHY} Mrs Arkwright's callback was read back.",
                              "actions"),
                      Mapping(FW, "1.4", WHY + " The priority follows impact and urgency.",
                              "priority")],
        )  # fmt: skip
        store.add_item("reflection", "Stopping a caller reading out his card number",
                       reflection_body(), personal_data=True,
                       mappings=[Mapping(FW, "1.6", WHY + " I advised him.", "description")])  # fmt: skip
        store.add_item("witness_testimony", "My team leader's account", witness_body(),
                       personal_data=True,
                       mappings=[Mapping(FW, "1.1", WHY + " Seen by my team leader."),
                                 Mapping(FW, "2.1", WHY + " She heard the call.",
                                         f"what {CALLER} said")])  # fmt: skip
        store.add_item(
            "notebook", "Call review notebook",
            {"notebook_path": notebook.name, "title": "Call review",
             "cell_ids": ["caller-cell"], "summary": "The cell prints what the caller said."},
            personal_data=True, attachments=[notebook],
            mappings=[Mapping(FW, "3.3", WHY + " The printed cell shows it.", "caller-cell")],
        )  # fmt: skip
        store.declare()
    return folder


def bundle_texts(bundle: Path) -> dict[str, str]:
    """Every file of a bundle (and its path) as text, for searching."""
    found = {}
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        found[f"(name) {relative}"] = relative
        if path.is_file():
            found[relative] = path.read_bytes().decode("utf-8", errors="replace")
    return found


def leaks(bundle: Path, needles: list[str]) -> list[str]:
    """``needle in file`` for every planted value found anywhere in the bundle."""
    squash = re.compile(r"\s+")
    out = []
    for relative, text in bundle_texts(bundle).items():
        folded = text.casefold()
        flat = squash.sub("", folded)
        for needle in needles:
            n = needle.casefold()
            if n in folded or (" " in n and squash.sub("", n) in flat):
                out.append(f"{needle!r} in {relative}")
    return out


def run_export(portfolio: Path, out: Path, *args: str, env: dict | None = None):
    return cli("--portfolio", str(portfolio), "export", "--out", str(out), *args, env=env,
               timeout=180)  # fmt: skip


def only_error(result) -> str:
    """Exit 1, nothing on stdout, exactly one ``incidentfolio: error:`` line."""
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("incidentfolio: error: "), lines[0]
    return lines[0].removeprefix("incidentfolio: error: ")


def visible(out: Path) -> list[str]:
    """The names in ``out`` that are not hidden (none if it does not exist)."""
    if not out.exists():
        return []
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


# --- the demo portfolio, exported through the CLI ----------------------------------------------


@pytest.fixture(scope="module")
def demo_portfolio(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "p"
    folder.mkdir(mode=0o700)
    build_demo(folder)
    return folder


@pytest.fixture(scope="module")
def demo_export(demo_portfolio, tmp_path_factory):
    """The demo exported by the CLI: (bundle folder, result, seconds)."""
    out = tmp_path_factory.mktemp("exports")
    before = snapshot(demo_portfolio)
    started = time.monotonic()
    result = run_export(demo_portfolio, out)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert snapshot(demo_portfolio) == before, "export changed the portfolio"
    return Path(result.stdout.splitlines()[-1]), result, elapsed


def test_demo_export_prints_a_summary_and_the_bundle_last(demo_export):
    bundle, result, elapsed = demo_export
    lines = result.stdout.splitlines()
    assert bundle.is_dir() and BUNDLE_NAME.match(bundle.name), bundle
    assert re.match(r"^exported 23 evidence items of Niamh Rafferty \(CC26-04817\) for "
                    r"k503-0421, escalated-l3: \d+ files and manifest\.json, [\d,]+ bytes, in "
                    r"\d+\.\d s$", lines[0])  # fmt: skip
    assert lines[1].startswith("personal data: pseudonymised (")
    assert "check it with `incidentfolio verify`" in lines[-2]
    assert "exporting" in result.stderr  # the progress bar, on stderr only
    print(f"demo export took {elapsed:.1f} s")
    assert elapsed < 60


def test_bundle_layout_and_manifest_cover_every_file(demo_export):
    bundle, _, _ = demo_export
    assert (bundle / "assessor").is_dir() and not any((bundle / "assessor").iterdir())
    for name in ("index.html", "manifest.json", "ledger.json", "README.txt"):
        assert (bundle / name).is_file(), name
    pages = sorted(p.name for p in (bundle / "items").iterdir())
    assert pages == [f"EV-{n:04d}.html" for n in range(1, 24)]
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == "incidentfolio-evidence-bundle"
    assert manifest["schema_version"] == 1
    assert manifest["generator"] == "incidentfolio 0.1.0"
    assert manifest["personal_data_included"] is False
    assert manifest["frameworks"] == ["k503-0421", "escalated-l3"]
    assert (manifest["candidate_name"], manifest["candidate_number"]) == ("Niamh Rafferty",
                                                                          "CC26-04817")  # fmt: skip
    on_disk = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*")
                     if p.is_file() and p.name != "manifest.json")  # fmt: skip
    assert [f["path"] for f in manifest["files"]] == on_disk
    for entry in manifest["files"]:
        path = bundle / entry["path"]
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == sha256_file(path)
    ledger = json.loads((bundle / "ledger.json").read_text("utf-8"))["entries"]
    assert (manifest["ledger_seq"], manifest["ledger_head"]) == (len(ledger),
                                                                 ledger[-1]["entry_sha256"])  # fmt: skip
    assert manifest["declaration"]["stale"] is False
    assert "incidentfolio verify" in (bundle / "README.txt").read_text("utf-8")


def test_demo_bundle_verifies(demo_export):
    bundle, _, _ = demo_export
    result = cli("verify", str(bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"verify passed: {bundle}"


def test_every_page_is_self_contained_and_script_free(demo_export):
    bundle, _, _ = demo_export
    csp = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
    for page in [bundle / "index.html", *(bundle / "items").iterdir()]:
        html = page.read_text("utf-8")
        assert csp in html.replace("&#39;", "'"), page.name
        assert "<script" not in html.lower(), page.name
        assert not re.search(r"<(link|iframe|object|embed|base)\b", html, re.I), page.name
        assert not re.search(r"\s(src|href)=\"(https?:)?//", html), page.name
        for banned in ("require.js", "mathjax", "jupyter-widgets", "unpkg", "cdnjs"):
            assert banned not in html.lower(), (page.name, banned)


def test_index_shows_who_what_and_the_matrix(demo_export):
    bundle, _, _ = demo_export
    html = (bundle / "index.html").read_text("utf-8")
    for text in ("Niamh Rafferty", "CC26-04817", "Larkfield Contact Services",
                 "k503-0421", "escalated-l3", "current (covers all this evidence)",
                 "not submitted yet", "Pseudonymised", "LO1 Be able to deal with incidents"):  # fmt: skip
        assert text in html, text
    # EV-0001 is mapped to k503-0421:1.3 with the anchor "actions"
    assert 'href="items/EV-0001.html#cell-field-actions"' in html
    item = (bundle / "items" / "EV-0001.html").read_text("utf-8")
    assert 'id="cell-field-actions"' in item
    assert "1 version recorded" in item
    # the notebook item keeps its notebook's cell ids
    notebook = (bundle / "items" / "EV-0021.html").read_text("utf-8")
    assert 'id="cell-7f64b53a"' in notebook and "cited" in notebook


def test_print_css_is_a4_with_a_page_per_item(demo_export):
    bundle, _, _ = demo_export
    html = (bundle / "index.html").read_text("utf-8")
    assert "@page { size: A4" in html
    assert "@media print" in html
    assert ".print-bundle article.item { break-before: page; }" in html


# --- gaps, frameworks and errors ---------------------------------------------------------------


@pytest.fixture
def pd_portfolio(tmp_path) -> Path:
    return build_pd_portfolio(tmp_path / "p")


def test_gaps_are_marked_with_words_not_only_colour(pd_portfolio, tmp_path):
    with open_store(pd_portfolio) as store:
        result = export_bundle(store, tmp_path / "out", progress=False)
    html = (result.path / "index.html").read_text("utf-8")
    assert html.count('class="gap"') >= 10  # most of the 18 criteria have no evidence
    assert html.count("No evidence (gap)") == html.count('class="gap"')
    assert re.search(r'<tr class="gap" id="crit-k503-0421-1\.2">', html)
    assert "1 of 7 with evidence" not in html  # LO1 has 1.1, 1.3, 1.4, 1.6 mapped
    assert "4 of 7 with evidence (57 %)" in html
    # a cell of the notebook item is the anchor of a mapping
    assert 'href="items/EV-0004.html#cell-caller-cell"' in html


def test_framework_option_limits_the_bundle(demo_portfolio, tmp_path):
    result = run_export(demo_portfolio, tmp_path / "out", "--framework", "escalated-l3")
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.splitlines()[-1])
    assert "-escalated-l3-" in bundle.name
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert manifest["frameworks"] == ["escalated-l3"]
    with open_store(demo_portfolio) as store:
        mapped = [i.id for i in store.items()
                  if any(m.framework == "escalated-l3" for m in i.mappings)]  # fmt: skip
    assert [i["id"] for i in manifest["items"]] == mapped
    assert sorted(p.stem for p in (bundle / "items").iterdir()) == mapped
    assert "k503-0421 Deal with" not in (bundle / "index.html").read_text("utf-8")


def test_unknown_framework_is_one_clear_error_and_writes_nothing(demo_portfolio, tmp_path):
    out = tmp_path / "out"
    message = only_error(run_export(demo_portfolio, out, "--framework", "nope"))
    assert message == (
        "framework nope is not in this portfolio's profile (its frameworks: k503-0421, "
        "escalated-l3)"
    )
    assert not out.exists() or not any(out.iterdir())  # nothing written, not even a folder


def test_out_must_be_a_folder(demo_portfolio, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    result = run_export(demo_portfolio, target)
    assert result.returncode == 2  # a usage error, found by click before anything runs
    assert "Invalid value for '--out'" in result.stderr and "is a file" in result.stderr


def test_a_portfolio_without_evidence_cannot_be_exported(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1", frameworks=[FW])
    assert only_error(run_export(folder, tmp_path / "out")) == "there is no evidence to export yet"
    assert only_error(cli("--portfolio", str(tmp_path / "none"), "export")).startswith(
        "no portfolio in"
    )


def test_a_tampered_portfolio_is_not_exported(pd_portfolio, tmp_path):
    stored = next((pd_portfolio / "attachments").rglob("*.txt"))
    stored.chmod(0o600)
    stored.write_text("changed\n", "utf-8")
    message = only_error(run_export(pd_portfolio, tmp_path / "out"))
    assert message.startswith("the portfolio fails its check: ")
    assert "run `incidentfolio check` before exporting" in message
    assert visible(tmp_path / "out") == []


def test_stale_declaration_and_submission_are_shown(pd_portfolio, tmp_path):
    from incidentfolio.store.submission import submit

    exchange = tmp_path / "exchange"
    exchange.mkdir()
    with open_store(pd_portfolio) as store:
        sub = submit(store, exchange)
        store.edit_item("EV-0002", title="Stopping a caller reading his card number out")
        result = export_bundle(store, tmp_path / "out", progress=False)
    html = (result.path / "index.html").read_text("utf-8")
    assert "STALE: the evidence changed 1 time after it was signed" in html
    assert "the evidence changed after the authenticity declaration was signed" in html
    assert f"(submission {sub.id}, ledger entry {sub.manifest['ledger_seq']})" in html
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["declaration"]["stale"] is True
    assert manifest["submission"]["id"] == sub.id
    page = (result.path / "items" / "EV-0002.html").read_text("utf-8")
    assert "2 versions recorded" in page


# --- personal data -----------------------------------------------------------------------------


def test_default_export_contains_none_of_the_planted_personal_data(pd_portfolio, tmp_path):
    result = run_export(pd_portfolio, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.splitlines()[-1])
    assert leaks(bundle, PLANTED) == []
    # ... but the evidence is still there, with stable placeholders
    page = (bundle / "items" / "EV-0001.html").read_text("utf-8")
    assert page.count("[CALLER-1]") >= 3 and "[PHONE-1]" in page and "[POSTCODE-1]" in page
    assert "Mrs [CALLER-1]" in page  # the same caller in free text and in the title
    notebook = (bundle / "items" / "EV-0004.html").read_text("utf-8")
    assert "[CALLER-1]" in notebook and "[PHONE-1]" in notebook
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert manifest["personal_data_included"] is False
    assert manifest["pseudonymised"]["CALLER"] == 1
    # the candidate's own name is kept
    assert "Sam Taylor" in (bundle / "index.html").read_text("utf-8")
    # the binary attachment is withheld, the text ones are pseudonymised copies
    assert "withheld: EV-0001/whiteboard.png" in result.stdout
    assert not list(bundle.rglob("whiteboard*"))
    copies = sorted(p.name for p in (bundle / "attachments" / "EV-0001").iterdir())
    assert copies == ["call-notes-_CALLER-1_.txt", "extract.json"]
    assert verify_bundle(bundle).ok


def test_include_personal_data_keeps_it_and_says_so(pd_portfolio, tmp_path):
    result = run_export(pd_portfolio, tmp_path / "out", "--include-personal-data")
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.splitlines()[-1])
    assert "personal data: INCLUDED" in result.stdout
    found = leaks(bundle, [CALLER, CALLBACK, EMAIL, POSTCODE, WITNESS, NHS])
    assert len(found) >= 6
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert manifest["personal_data_included"] is True
    assert "Included</strong> (exported with --include-personal-data)" in (
        bundle / "index.html"
    ).read_text("utf-8")
    photo = next((bundle / "attachments").rglob("whiteboard.png"))
    with open_store(pd_portfolio) as store:
        recorded = {a.name: a.sha256 for a in store.item("EV-0001").attachments}
    assert sha256_file(photo) == recorded["whiteboard.png"]  # copied byte for byte


def test_pseudonymiser_is_stable_and_keeps_the_candidate():
    pz = Pseudonymiser(keep=["Sam Taylor"])
    pz.learn_item("incident_log", {"caller": {"name": "Dana Whitfield",
                                              "callback_number": "0113 496 0871"}})  # fmt: skip
    text = ("Dana Whitfield (Ms Whitfield) rang on +44 113 496 0871, then 01134960871; "
            "Sam Taylor took the call. Mrs Khan rang too; later Khan called back.")  # fmt: skip
    pz.learn_text(text)
    out = pz.text(text)
    assert out == ("[CALLER-1] (Ms [CALLER-1]) rang on [PHONE-1], then [PHONE-1]; Sam Taylor "
                   "took the call. Mrs [PERSON-1] rang too; later [PERSON-1] called back.")  # fmt: skip
    assert pz.text(out) == out  # placeholders are never replaced again
    assert pz.issued == {"CALLER": 1, "PERSON": 1, "PHONE": 1}


def test_pseudonymiser_leaves_times_references_and_scores_alone():
    pz = Pseudonymiser()
    text = ("INC-20260314-0042 received 2026-03-14T09:12:00+00:00, handed over at 09:15; "
            "score 18/20; agent 4806; P1 with impact high.")  # fmt: skip
    assert pz.text(text) == text


def test_active_attachments_open_as_text(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    page = tmp_path / "notes.html"
    page.write_text("<script>window.__pwned = 'attachment'</script>", "utf-8")
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1", frameworks=[FW])
        store.add_item("reflection", "A reflection", reflection_body(), attachments=[page],
                       mappings=[Mapping(FW, "1.6", WHY)])  # fmt: skip
        for include in (False, True):
            result = export_bundle(store, tmp_path / "out", include_personal_data=include,
                                   progress=False)  # fmt: skip
            names = [p.name for p in (result.path / "attachments").rglob("*") if p.is_file()]
            assert names == ["notes.html.txt"]


# --- atomic, zip and pdf -----------------------------------------------------------------------


def _start_export(portfolio: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "incidentfolio", "--portfolio", str(portfolio), "export",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )  # fmt: skip


def _kill_midway(proc: subprocess.Popen, out: Path, sig: int) -> str:
    """Send ``sig`` once the export has written item pages into its temporary folder;
    returns what it printed on stderr."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        partial = [p for p in out.glob(".*.partial-*") if (p / "items").is_dir()]
        if partial and any((partial[0] / "items").iterdir()):
            proc.send_signal(sig)
            return proc.communicate(timeout=60)[1].decode("utf-8", "replace")
        assert proc.poll() is None, "the export finished before it could be stopped"
        time.sleep(0.005)
    raise AssertionError("the export never started writing")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_export_leaves_nothing(demo_portfolio, tmp_path, sig):
    out = tmp_path / "out"
    out.mkdir()
    proc = _start_export(demo_portfolio, out)
    stderr = _kill_midway(proc, out, sig)
    assert proc.returncode == 1
    assert stderr.splitlines()[-1] == (
        "incidentfolio: error: export interrupted; no bundle was written"
    )
    assert list(out.iterdir()) == []  # no bundle and no temporary folder


def test_a_killed_export_leaves_no_bundle_and_the_next_one_cleans_up(demo_portfolio, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = _start_export(demo_portfolio, out)
    _kill_midway(proc, out, signal.SIGKILL)
    assert visible(out) == []  # no bundle folder: only the hidden temporary one
    assert [p.name for p in out.iterdir() if ".partial-" in p.name]
    result = run_export(demo_portfolio, out)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == [Path(result.stdout.splitlines()[-1]).name]


def test_zip_is_written_beside_the_folder_and_verifies(pd_portfolio, tmp_path):
    result = run_export(pd_portfolio, tmp_path / "out", "--zip")
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.splitlines()[-1])
    archive = bundle.with_name(bundle.name + ".zip")
    assert f"zip: {archive}" in result.stdout.splitlines()
    check = cli("verify", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    assert f"{bundle.name}/manifest.json" in names and f"{bundle.name}/assessor/" in names
    assert leaks(bundle, PLANTED) == []


def test_pdf_prints_the_whole_bundle(pd_portfolio, tmp_path, chromium_path):
    result = run_export(pd_portfolio, tmp_path / "out", "--pdf",
                        env={"CHROMIUM": chromium_path})  # fmt: skip
    assert result.returncode == 0, result.stderr
    bundle = Path(result.stdout.splitlines()[-1])
    pdf = bundle / "bundle.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 10_000
    manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert "bundle.pdf" in [f["path"] for f in manifest["files"]]
    assert verify_bundle(bundle).ok


def test_pdf_without_chromium_names_what_to_install(pd_portfolio, tmp_path):
    out = tmp_path / "out"
    message = only_error(run_export(pd_portfolio, out, "--pdf",
                                    env={"CHROMIUM": str(tmp_path / "no-such-chromium")}))  # fmt: skip
    assert "no-such-chromium" in message and "apt-get install chromium" in message
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    env = {"CHROMIUM": "", "PATH": str(empty_path)}
    message = only_error(run_export(pd_portfolio, out, "--pdf", env=env))
    assert message.startswith("--pdf needs Chromium to print the bundle and none was found: ")
    assert "apt-get install chromium" in message
    assert visible(out) == []


# --- the nbconvert exporter --------------------------------------------------------------------


def test_jupyter_nbconvert_to_evidence_bundle(tmp_path):
    source = planted_notebook(tmp_path / "sample.ipynb")
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(
        nbformat.v4.new_markdown_cell("<script>window.__pwned = 1</script>\n\n**kept**")
    )
    nbformat.write(nb, source)
    jupyter = Path(sys.executable).with_name("jupyter")
    done = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "evidence-bundle", str(source)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "sample.html").read_text("utf-8")
    assert "Content-Security-Policy" in html
    assert 'id="cell-caller-cell"' in html and 'id="cell-intro"' in html
    assert "<strong>kept</strong>" in html
    assert "<script" not in html
    assert f"Caller: {CALLER}" in html  # a plain conversion changes nothing but the markup


def test_one_exporter_instance_serves_every_item(demo_portfolio, tmp_path, monkeypatch):
    from incidentfolio.export import exporter

    made = []
    original = exporter.EvidenceBundleExporter.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(exporter.EvidenceBundleExporter, "__init__", counting)
    with open_store(demo_portfolio) as store:
        result = export_bundle(store, tmp_path / "out", progress=False)
    assert result.items == 23
    assert len(made) == 1


def test_anchors_name_fields_or_cells():
    ids = [field_cell_id("actions"), field_cell_id("priority"), "7f64b53a"]
    assert anchor_target(ids, "actions") == "cell-field-actions"
    assert anchor_target(ids, "actions[2].text") == "cell-field-actions"
    assert anchor_target(ids, "7f64b53a") == "cell-7f64b53a"
    assert anchor_target(ids, "field-actions") is None
    assert anchor_target(ids, "nowhere") is None
    assert anchor_target(ids, None) is None


def test_library_errors_are_store_errors(pd_portfolio, tmp_path):
    with open_store(pd_portfolio) as store, pytest.raises(StoreError, match="not in this"):
        export_bundle(store, tmp_path / "out", framework="nope", progress=False)
    assert issubclass(StoreError, IncidentfolioError)


def test_a_malformed_notebook_never_stops_an_export(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    weird = {
        "nbformat": 4,
        "nbformat_minor": 2,
        "metadata": {"language_info": {"name": 3}},
        "cells": [
            "not a cell",
            {"cell_type": "heading", "source": "old"},
            {"cell_type": "markdown", "source": ["a ", "list"], "id": "bad id!"},
            {"cell_type": "markdown", "source": "dup", "id": "same"},
            {"cell_type": "markdown", "source": "dup again", "id": "same",
             "attachments": {"x.png": {"image/png": 5, "text/plain": "x"}, "y": "no"}},
            {"cell_type": "code", "source": None, "execution_count": True, "outputs": [
                "nope", {"output_type": "stream", "name": "weird", "text": ["a", 1]},
                {"output_type": "execute_result", "execution_count": -2,
                 "data": {"text/json": {"a": 1}, "application/json": {"a": 1},
                          "text/plain": ["x", "y"], "image/png": "%%%"}},
                {"output_type": "error", "traceback": "not a list"},
                {"output_type": "mystery"},
            ]},
            {"cell_type": "raw", "source": "<script>window.__pwned = 1</script>",
             "id": "field-actions"},
        ],
    }  # fmt: skip
    path = tmp_path / "weird.ipynb"
    path.write_text(json.dumps(weird), "utf-8")
    with open_store(folder, create=True) as store:
        store.set_profile(candidate_name="Sam Taylor", candidate_number="C1", frameworks=[FW])
        store.add_item(
            "notebook", "A strange notebook",
            {"notebook_path": "weird.ipynb", "title": "Weird", "cell_ids": ["same"],
             "summary": "A notebook saved by an old tool."},
            attachments=[path],
            mappings=[Mapping(FW, "3.3", WHY, "same")],
        )  # fmt: skip
        result = export_bundle(store, tmp_path / "out", progress=False)
    page = (result.path / "items" / "EV-0001.html").read_text("utf-8")
    assert 'id="cell-same"' in page and 'id="cell-nb-5"' in page and 'id="cell-nb-7"' in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert verify_bundle(result.path).ok
