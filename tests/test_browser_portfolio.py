"""The candidate's journey through "Build my portfolio" in Chromium against a real Voilà server."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import KERNEL_IDLE_TIMEOUT_S, start_server

from incidentfolio.frameworks import load_frameworks

pytestmark = pytest.mark.browser

APP = "voila/render/portfolio_builder.ipynb"
SLOW = 90_000  # the first page of a session starts a kernel and imports the app
WITNESS = {
    "title": "Team leader's account of the gas escape call",
    "witness-name": "Alex Morgan",
    "witness-role": "Team leader",
    "relationship": "My line manager on the evening shift",
    "date-observed": "2026-03-04",
    "observed": "I sat beside Sam on a gas escape call: safety advice first, the postcode "
    "read back, the call passed to the emergency service within three minutes.",
    "signed-on": "2026-03-05",
}


def open_app(page, url: str) -> None:
    page.goto(url + APP)
    page.locator(".if-portfolio-tabs").wait_for(timeout=SLOW)


def tab(page, title: str) -> None:
    page.locator(".lm-TabBar-tab", has_text=title).click()


def commit(page, selector: str, value: str) -> None:
    """Type into a box that sends its value when the candidate leaves it."""
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")


def text_in(page, selector: str, text: str, timeout: int = 30_000) -> None:
    page.locator(selector, has_text=text).first.wait_for(timeout=timeout)


def criterion_label(criterion_id: str) -> str:
    c = load_frameworks()["k503-0421"].criterion(criterion_id)
    short = c.statement if len(c.statement) < 80 else c.statement[:77] + "…"
    return f"{c.lo} · {c.id} {short}"


def fill_witness(page) -> None:
    for field, value in WITNESS.items():
        box = page.locator(f".if-field-{field} input, .if-field-{field} textarea").first
        box.fill(value)
    page.locator(".if-field-signature-statement input[type=checkbox]").check()


def map_to(page, criterion_id: str, why: str) -> None:
    page.locator(".if-portfolio-map-criterion select").select_option(
        label=criterion_label(criterion_id)
    )
    page.locator(".if-portfolio-map-why textarea").fill(why)
    page.locator("button.if-portfolio-map-save").click()
    text_in(page, ".if-portfolio-map .if-message", f"Mapped EV-0001 to k503-0421:{criterion_id}")


def sign_declaration(page) -> None:
    tab(page, "Check and declare")
    page.locator(".if-portfolio-check-confirm input[type=checkbox]").check()
    page.locator("button.if-portfolio-check-sign").click()
    text_in(page, ".if-portfolio-summary", "Declaration signed")


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own: the journey starts from an empty portfolio."""
    server = start_server(tmp_path, idle_timeout=KERNEL_IDLE_TIMEOUT_S)
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_candidate_builds_declares_and_hands_in_a_portfolio(fresh_server, page, tmp_path):
    # fresh_server is set up before page, so the page closes before its server stops.
    open_app(page, fresh_server.url)

    # Profile on first run.
    commit(page, ".if-portfolio-profile-name input", "Sam Taylor")
    commit(page, ".if-portfolio-profile-number input", "C1234")
    commit(page, ".if-portfolio-profile-centre input", "Larkfield Contact Services")
    page.locator(".if-portfolio-profile-frameworks select").select_option(
        label="Deal with incidents through a contact centre [k503-0421]"
    )
    page.locator("button.if-portfolio-profile-save").click()
    text_in(page, ".if-portfolio-summary", "Sam Taylor")

    # A witness testimony, typed, then the page reloaded before saving: nothing is lost.
    tab(page, "Add evidence")
    page.locator(".if-portfolio-editor-type select").select_option(label="Witness testimony")
    page.locator(".if-field-witness-name").wait_for()
    fill_witness(page)
    text_in(page, ".if-portfolio-editor-status", "Draft saved")
    page.wait_for_timeout(1_500)  # longer than the autosave pause
    page.reload()
    page.locator(".if-portfolio-tabs").wait_for(timeout=SLOW)
    assert page.locator(".if-field-witness-role input").input_value() == "Team leader"
    assert "draft was restored" in page.locator(".if-portfolio-editor-status").inner_text()

    statement = tmp_path / "signed-statement.pdf"
    statement.write_bytes(b"%PDF-1.4\n% a signed statement\n")
    with page.expect_file_chooser() as chooser:
        page.locator(".if-portfolio-editor-upload").click()
    chooser.value.set_files(str(statement))
    text_in(page, ".if-portfolio-editor-upload", "(1)")
    page.locator("button.if-portfolio-editor-save").click()
    text_in(page, ".if-portfolio-saved", "Saved as EV-0001")

    # Mapped to two criteria, each with its own justification; coverage moves.
    tab(page, "Map to criteria")
    page.locator(".if-portfolio-map-item select").select_option(label=f"EV-0001 {WITNESS['title']}")
    map_to(page, "1.1", "The team leader saw me stay calm and give safety advice first.")
    map_to(page, "1.3", "The account confirms I logged the address and read back the postcode.")
    tab(page, "Coverage")
    text_in(page, ".if-portfolio-coverage-summary", "2 of 18 criteria")

    # Declared; an edit makes the declaration stale, which survives a reload; declared again.
    sign_declaration(page)
    tab(page, "My evidence")
    page.locator(".if-portfolio-evidence-open select").select_option(
        label=f"EV-0001 {WITNESS['title']}"
    )
    page.locator("button.if-portfolio-evidence-edit").click()
    text_in(page, ".if-portfolio-editor", "Editing EV-0001")
    page.locator(".if-field-title input").fill("Team leader's signed account of the gas call")
    page.locator("button.if-portfolio-editor-save").click()
    text_in(page, ".if-portfolio-saved", "Saved version 2 of EV-0001")
    page.locator(".if-portfolio-summary .if-portfolio-stale").wait_for()
    page.reload()
    page.locator(".if-portfolio-tabs").wait_for(timeout=SLOW)
    page.locator(".if-portfolio-summary .if-portfolio-stale").wait_for()
    sign_declaration(page)
    assert page.locator(".if-portfolio-summary .if-portfolio-stale").count() == 0

    # Handed in to the exchange folder, and exported as a bundle.
    exchange, bundles = tmp_path / "exchange", tmp_path / "bundles"
    exchange.mkdir()
    tab(page, "Hand in")
    commit(page, ".if-portfolio-handin-folder input", str(exchange))
    page.locator("button.if-portfolio-handin-submit").click()
    text_in(page, ".if-portfolio-handin-result", str(exchange))
    commit(page, ".if-portfolio-handin-out input", str(bundles))
    page.locator("button.if-portfolio-handin-export").click()
    text_in(page, ".if-portfolio-handin-bundle", str(bundles), timeout=SLOW)

    submitted = [p for p in exchange.iterdir() if p.name.startswith("C1234-")]
    assert len(submitted) == 1 and (submitted[0] / "manifest.json").is_file()
    assert any((p / "index.html").is_file() for p in Path(bundles).iterdir() if p.is_dir())
