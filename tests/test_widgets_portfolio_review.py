"""The portfolio builder's review sections (coverage, check and declare, hand in, feedback)
in process, against real portfolios in temporary folders."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from store_workers import build_small_portfolio

from incidentfolio.demo import build_demo, load_demo
from incidentfolio.judgements import add_judgement, new_judgements, write_judgements
from incidentfolio.paths import default_exports_dir
from incidentfolio.store import open_store
from widgets.portfolio.check_declare import CheckDeclareSection
from widgets.portfolio.common import PortfolioContext
from widgets.portfolio.coverage_view import CoverageSection
from widgets.portfolio.feedback_view import FeedbackSection
from widgets.portfolio.hand_in import HandInSection


@pytest.fixture(scope="module")
def demo_data():
    return load_demo()


@pytest.fixture
def demo(tmp_path, demo_data) -> PortfolioContext:
    folder = tmp_path / "demo"
    folder.mkdir(mode=0o700)
    build_demo(folder, demo_data)
    return PortfolioContext(folder)


@pytest.fixture
def small(tmp_path) -> PortfolioContext:
    """A sparse portfolio: a reflection on 1.3 and a witness testimony on 1.1, declared."""
    return PortfolioContext(build_small_portfolio(tmp_path / "p"))


@pytest.fixture
def undeclared(tmp_path) -> PortfolioContext:
    return PortfolioContext(build_small_portfolio(tmp_path / "p", declare=False))


@pytest.fixture
def exchange(tmp_path) -> Path:
    folder = tmp_path / "exchange"
    folder.mkdir(mode=0o700)
    return folder


def upload(name: str, content: bytes) -> dict:
    return {"name": name, "type": "application/json", "size": len(content),
            "content": memoryview(content), "last_modified": datetime.now(timezone.utc)}  # fmt: skip


def classes(widget) -> tuple[str, ...]:
    return tuple(widget._dom_classes)


# --- coverage --------------------------------------------------------------------------------


def test_coverage_of_the_demo_is_100_percent_with_a_heatmap(demo):
    view = CoverageSection(demo)
    assert view.message.value == ""
    assert view.framework.value == "k503-0421"
    assert [fw for _, fw in view.framework.options] == ["k503-0421", "escalated-l3"]
    assert "Overall: 100 % covered" in view.summary.value
    assert "18 of 18 criteria" in view.summary.value
    assert "<strong>100 % covered</strong> (7 of 7)" in view.summary.value  # per LO
    match = re.search(r'src="data:image/png;base64,([^"]+)"', view.heatmap.value)
    png = base64.b64decode(match.group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert 'alt="Heat-map of k503-0421 coverage' in view.heatmap.value
    assert view.heatmap.layout.display != "none"
    assert "Heat-map description." in view.heatmap_alt.value
    assert "1.1 evidence mapped" in view.heatmap_alt.value
    assert "No gaps" in view.gaps.value
    # the matrix: grouped by LO, status in words, sufficiency in words
    assert view.matrix.value.count('scope="rowgroup"') == 3
    assert ">evidence mapped</span>" in view.matrix.value
    assert "enough: 2 of 2 types" in view.matrix.value
    assert "not judged yet" in view.matrix.value
    view.framework.value = "escalated-l3"
    assert "escalated-l3" in view.summary.value and "Overall: 100 % covered" in view.summary.value
    assert view.message.value == ""


def test_coverage_lists_gaps_with_hints_on_a_sparse_portfolio(small):
    view = CoverageSection(small)
    assert "Overall: 11 % covered" in view.summary.value  # 2 of 18, rounded down
    matrix = view.matrix.value
    assert ">no evidence</span>" in matrix and ">evidence mapped</span>" in matrix
    assert "needs 2 types" in matrix
    assert "not counted here: Reflective account" in matrix  # reflection does not count for 1.3
    gaps = view.gaps.value
    assert "Gaps (18)" in gaps
    assert "Why it is a gap: no evidence yet" in gaps
    assert "too few evidence types" in gaps
    # hints: accepted types as template titles, and practice scenarios
    assert "Observation record" in gaps and "Knowledge check" in gaps
    assert 'class="if-portfolio-practice-link"' in gaps
    assert 'href="./incident_logging.ipynb?scenario=gas-smell-flat"' in gaps
    assert "Smell of gas in a ground-floor flat" in gaps
    assert "<details><summary>" in gaps  # long scenario lists fold away


def test_coverage_follows_changes_made_elsewhere(small):
    view = CoverageSection(small)
    from incidentfolio.store import Mapping

    with small.store() as store:
        store.map_item("EV-0002", Mapping("k503-0421", "1.2", "The team leader saw me pass "
                                          "the gas escape to the engineer straight away."))  # fmt: skip
    small.changed()
    assert "Overall: 16 % covered" in view.summary.value


def test_coverage_without_a_profile_says_what_to_do(tmp_path):
    view = CoverageSection(PortfolioContext(tmp_path / "new"))
    assert "Set up your profile first" in view.summary.value
    assert view.framework.options == ()
    assert view.heatmap.layout.display == "none"
    assert view.message.value == ""


def test_coverage_css_classes_are_stable(demo):
    view = CoverageSection(demo)
    assert "if-portfolio-coverage" in classes(view)
    for control, name in (
        (view.framework, "framework"),
        (view.summary, "summary"),
        (view.heatmap, "heatmap"),
        (view.heatmap_alt, "heatmap-alt"),
        (view.matrix, "matrix"),
        (view.gaps, "gaps"),
    ):
        assert f"if-portfolio-coverage-{name}" in classes(control)
    assert view.framework.description == "Framework"


# --- check and declare -----------------------------------------------------------------------


def test_check_lists_findings_errors_first_and_integrity_passes(small):
    view = CheckDeclareSection(small)
    assert view.results.value == ""
    view.run.click()
    report = view.results.value
    assert view.message.value == ""
    assert "Integrity check: passed" in report
    assert "Sufficiency check:" in report and "errors" in report
    assert "Must fix (error):</strong> k503-0421:1.1" in report
    assert "Worth a look (warning):" in report  # too few incident categories
    assert report.index("Must fix (error)") < report.index("Worth a look (warning)")
    assert "you must fix" in report


def test_check_of_the_demo_is_all_clear(demo):
    view = CheckDeclareSection(demo)
    view.run.click()
    assert "All clear" in view.results.value
    assert "Sufficiency check: no errors, no warnings" in view.results.value


def test_declaring_needs_the_checkbox_and_is_recorded(undeclared):
    view = CheckDeclareSection(undeclared)
    assert "not signed yet" in view.state.value
    assert "I declare that the evidence in this portfolio is my own work" in view.statement.value
    with undeclared.store() as store:
        seq, _ = store.ledger_head()
    assert f"ledger entry <strong>{seq}</strong>" in view.statement.value
    view.sign.click()
    assert "Tick “I confirm" in view.message.value
    assert "if-message-error" in classes(view.message)
    with undeclared.store() as store:
        assert store.declaration() is None
    view.confirm.value = True
    view.sign.click()
    assert f"Declaration signed over ledger entry {seq}" in view.message.value
    assert view.confirm.value is False  # each signature is ticked afresh
    assert "Declaration: current" in view.state.value
    with undeclared.store() as store:
        assert store.declaration()["ledger_seq"] == seq


def test_an_edit_after_declaring_shows_the_stale_banner(small):
    view = CheckDeclareSection(small)
    assert "if-portfolio-stale" not in view.state.value
    view.run.click()
    with small.store() as store:
        store.edit_item("EV-0001", title="Gas escape outside a primary school")
    small.changed()
    assert 'class="if-declaration-state if-portfolio-stale" role="alert"' in view.state.value
    assert "changed 1 time since" in view.state.value
    assert "changed after the last check" in view.results.value
    view.confirm.value = True
    view.sign.click()
    assert "if-portfolio-stale" not in view.state.value


def test_declaring_an_empty_portfolio_is_a_message(tmp_path):
    from store_workers import init_portfolio

    init_portfolio(tmp_path / "p")
    view = CheckDeclareSection(PortfolioContext(tmp_path / "p"))
    view.confirm.value = True
    view.sign.click()
    assert "no evidence to declare yet" in view.message.value


def test_the_declaration_escapes_candidate_text(tmp_path):
    folder = build_small_portfolio(tmp_path / "p", declare=False)
    with open_store(folder) as store:
        store.set_profile(candidate_name="<b>Sam</b>", candidate_number="C1234",
                          frameworks=["k503-0421"])  # fmt: skip
    view = CheckDeclareSection(PortfolioContext(folder))
    view.confirm.value = True
    view.sign.click()
    assert "<b>Sam</b>" not in view.state.value
    assert "signed by &lt;b&gt;Sam&lt;/b&gt;" in view.state.value


def test_check_css_classes_are_stable(small):
    view = CheckDeclareSection(small)
    assert "if-portfolio-check" in classes(view)
    for control, name in (
        (view.run, "run"),
        (view.results, "results"),
        (view.state, "state"),
        (view.statement, "statement"),
        (view.confirm, "confirm"),
        (view.sign, "sign"),
    ):
        assert f"if-portfolio-check-{name}" in classes(control)
    assert view.confirm.description.startswith("I confirm")


# --- hand in ---------------------------------------------------------------------------------


def test_submit_to_an_exchange_folder_shows_the_snapshot(small, exchange):
    view = HandInSection(small)
    assert "not handed in" in view.history.value
    view.folder.value = str(exchange)
    view.submit.click()
    assert view.message.value == ""
    made = [p for p in exchange.iterdir() if not p.name.startswith(".")]
    assert len(made) == 1 and made[0].name.startswith("C1234-")
    assert (made[0] / "manifest.json").is_file()
    assert f"Handed in as {made[0].name}" in view.result.value
    assert str(made[0]) in view.result.value
    assert made[0].name in view.history.value


def test_submit_problems_are_messages(undeclared, tmp_path):
    view = HandInSection(undeclared)
    view.submit.click()
    assert "Type the exchange folder first" in view.message.value
    view.folder.value = str(tmp_path / "missing")
    view.submit.click()
    assert "does not exist" in view.message.value
    (tmp_path / "missing").mkdir()
    view.submit.click()
    assert "not signed the authenticity declaration" in view.message.value
    assert "if-message-error" in classes(view.message)
    assert list((tmp_path / "missing").iterdir()) == []


def test_the_exchange_folder_defaults_from_the_environment(small, monkeypatch, exchange):
    monkeypatch.setenv("INCIDENTFOLIO_EXCHANGE", str(exchange))
    assert HandInSection(small).folder.value == str(exchange)
    monkeypatch.delenv("INCIDENTFOLIO_EXCHANGE")
    view = HandInSection(small)
    assert view.folder.value == ""
    assert view.folder.continuous_update is False
    assert view.folder.description == "Exchange folder"


def test_handin_css_classes_are_stable(small):
    view = HandInSection(small)
    assert "if-portfolio-handin" in classes(view)
    for control, name in (
        (view.folder, "folder"),
        (view.submit, "submit"),
        (view.result, "result"),
        (view.history, "history"),
        (view.out, "out"),
        (view.export, "export"),
        (view.progress, "progress"),
        (view.status, "status"),
        (view.bundle, "bundle"),
    ):
        assert f"if-portfolio-handin-{name}" in classes(control)


def test_export_shows_the_bundle_path_progress_and_a_download(small, tmp_path):
    view = HandInSection(small)
    assert view.out.value == str(default_exports_dir(small.folder))
    assert view.progress.layout.display == "none"
    view.out.value = str(tmp_path / "bundles")
    view.export.click()
    assert view.message.value == ""
    (folder,) = [p for p in (tmp_path / "bundles").iterdir() if p.is_dir()]
    assert (folder / "index.html").is_file()
    assert str(folder) in view.bundle.value
    assert f'download="{folder.name}.zip"' in view.bundle.value
    assert "data:application/zip;base64," in view.bundle.value
    assert "2 evidence items" in view.bundle.value
    assert view.progress.max > 1 and view.progress.value == view.progress.max
    assert view.progress.layout.display != "none"
    assert "Export finished" in view.status.value


def test_a_large_bundle_is_not_offered_as_a_download(small, tmp_path, monkeypatch):
    monkeypatch.setattr("widgets.portfolio.hand_in.DOWNLOAD_LIMIT", 10)
    view = HandInSection(small)
    view.out.value = str(tmp_path / "bundles")
    view.export.click()
    assert "too large to download here" in view.bundle.value
    assert "data:application/zip" not in view.bundle.value


def test_export_problems_are_messages(tmp_path):
    from store_workers import init_portfolio

    init_portfolio(tmp_path / "p")
    view = HandInSection(PortfolioContext(tmp_path / "p"))
    view.out.value = str(tmp_path / "bundles")
    view.export.click()
    assert "no evidence" in view.message.value and "to export yet" in view.message.value
    assert "no bundle was written" in view.status.value
    assert view.bundle.value == ""
    view.out.value = ""
    view.export.click()
    assert "Type the folder to save the bundle in first" in view.message.value


# --- feedback --------------------------------------------------------------------------------


def submitted_judgements(ctx: PortfolioContext, exchange: Path, target: Path) -> Path:
    """Submit ``ctx`` to ``exchange`` and write an assessor's judgements on it to ``target``."""
    view = HandInSection(ctx)
    view.folder.value = str(exchange)
    view.submit.click()
    (snapshot,) = [p for p in exchange.iterdir() if not p.name.startswith(".")]
    doc = new_judgements(snapshot, "Dana Reeve", "assessor")
    add_judgement(doc, "k503-0421", "1.3", "met", "Accurate log with <the> caller's details.",
                  at="2026-03-20T09:12:03+00:00")  # fmt: skip
    add_judgement(doc, "k503-0421", "1.1", "not_yet_met", "Add an observation of a live call.",
                  at="2026-03-20T09:20:00+00:00")  # fmt: skip
    return write_judgements(doc, target)


def test_importing_feedback_shows_statuses_here_and_in_coverage(small, exchange, tmp_path):
    path = submitted_judgements(small, exchange, tmp_path / "judgements.json")
    coverage = CoverageSection(small)
    view = FeedbackSection(small)
    assert "No feedback imported yet" in view.table.value
    view.upload.value = (upload("judgements.json", path.read_bytes()),)
    view.import_button.click()
    assert view.message.value == ""
    assert "recorded 2 judgements from Dana Reeve (assessor): 1 met, 1 not yet met" in (
        view.summary.value
    )
    table = view.table.value
    assert "2 of 18 criteria judged" in table
    assert ">met</span>" in table and ">not yet met</span>" in table
    assert "Accurate log with &lt;the&gt; caller&#x27;s details." in table
    assert "20 Mar 2026, 09:12 UTC" in table
    assert view.upload.value == ()
    # the coverage section refreshed and uses the assessor's statuses
    assert "Add an observation of a live call." in coverage.matrix.value
    assert ">not yet met</span>" in coverage.matrix.value
    assert "the assessor judged it" in coverage.gaps.value
    assert "1.3</strong>" not in coverage.gaps.value  # met: no longer a gap
    # importing the same file again is refused in a message
    view.upload.value = (upload("judgements.json", path.read_bytes()),)
    view.import_button.click()
    assert "judgements.json was already imported" in view.message.value


def test_feedback_problems_are_messages(small, tmp_path):
    view = FeedbackSection(small)
    view.import_button.click()
    assert "Choose the judgements file" in view.message.value
    view.upload.value = (upload("notes.txt", b"hello"),)
    view.import_button.click()
    assert "not a judgements file" in view.message.value
    view.upload.value = (upload("../../judgements.json", b"{not json"),)
    view.import_button.click()
    message = view.message.value
    assert "judgements.json" in message and "invalid JSON" in message
    assert "incidentfolio-feedback-" not in message  # the temporary copy is not named
    assert "if-message-error" in classes(view.message)
    with small.store() as store:
        assert store.conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0


def test_feedback_css_classes_are_stable(small):
    view = FeedbackSection(small)
    assert "if-portfolio-feedback" in classes(view)
    for control, name in (
        (view.upload, "upload"),
        (view.import_button, "import"),
        (view.summary, "summary"),
        (view.table, "table"),
    ):
        assert f"if-portfolio-feedback-{name}" in classes(control)
    assert view.upload.accept.startswith(".json")
    assert view.upload.multiple is False
