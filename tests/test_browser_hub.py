"""Browser journeys on the hub and the priority explorer (system Chromium, real server)."""

from __future__ import annotations

import pytest
from support import KERNEL_IDLE_TIMEOUT_S, wait_for

pytestmark = pytest.mark.browser

APP = "voila/render/priority_explorer.ipynb"


def _open_app(page, url):
    page.goto(url + APP)
    page.locator(".if-priority-result").wait_for(timeout=60_000)


def _choose(page, axis: str, label: str) -> None:
    page.locator(f".if-priority-{axis} label").filter(has_text=label).click()


def test_hub_lists_the_apps_by_group(page, voila_server):
    page.goto(voila_server.url)
    learn = page.locator('section[data-group="learn"]')
    assert learn.locator("h2").inner_text() == "Learn"
    link = learn.locator(".if-hub-link", has_text="Priority matrix explorer")
    assert link.is_visible()
    card = learn.locator('.if-hub-app[data-app="priority_explorer"]')
    assert "target times" in card.locator(".if-hub-summary").inner_text()
    assert page.title() == "incidentfolio · app hub"
    link.click()
    page.locator(".if-priority-result").wait_for(timeout=60_000)
    assert page.title() == "Priority matrix explorer · incidentfolio"


def test_priority_explorer_high_high_is_p1_and_low_low_is_p5(page, voila_server):
    _open_app(page, voila_server.url)
    result = page.locator(".if-priority-result")
    assert "P3" in result.inner_text()
    _choose(page, "impact", "High")
    _choose(page, "urgency", "High")
    page.wait_for_function(
        "() => document.querySelector('.if-priority-result').innerText.includes('P1 Critical')"
    )
    assert "within 15 minutes" in result.inner_text()
    _choose(page, "impact", "Low")
    _choose(page, "urgency", "Low")
    page.wait_for_function(
        "() => document.querySelector('.if-priority-result').innerText.includes('P5 Planning')"
    )
    assert "P5 Planning (your choice)" in page.locator(".if-priority-matrix").inner_text()


def test_life_risk_checkbox_updates_the_text(page, voila_server):
    _open_app(page, voila_server.url)
    _choose(page, "impact", "Low")
    page.locator(".if-priority-life input[type=checkbox]").check()
    page.wait_for_function(
        "() => document.querySelector('.if-priority-result').innerText.includes('risk to life')"
    )
    assert "P1 Critical" in page.locator(".if-priority-result").inner_text()


def test_kernels_do_not_pile_up(browser, voila_server):
    """Ten visits, one page kept open: kernels settle at one and that page still works."""
    context = browser.new_context()
    try:
        for _ in range(10):
            visit = context.new_page()
            _open_app(visit, voila_server.url)
            visit.close()
        kept = context.new_page()
        _open_app(kept, voila_server.url)
        assert len(voila_server.kernels()) >= 1
        assert wait_for(lambda: len(voila_server.kernels()) <= 1, timeout=60), (
            f"{len(voila_server.kernels())} kernels still running"
        )
        assert len(voila_server.kernels()) == 1, "the open page's kernel must survive culling"
        # Longer than the idle timeout: the open page's kernel is still connected and alive.
        kept.wait_for_timeout((KERNEL_IDLE_TIMEOUT_S + 2) * 1000)
        _choose(kept, "impact", "High")
        _choose(kept, "urgency", "High")
        kept.wait_for_function(
            "() => document.querySelector('.if-priority-result').innerText.includes('P1 Critical')"
        )
        kept.close()
        assert wait_for(lambda: not voila_server.kernels(), timeout=60)
    finally:
        context.close()
