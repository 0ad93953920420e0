"""Fixtures: a real Voilà server (session), system Chromium through Playwright, artifacts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from support import (
    CHROMIUM_FLAGS,
    IN_CI,
    KERNEL_IDLE_TIMEOUT_S,
    REPO,
    skip_outside_ci,
    start_server,
)

ARTIFACTS = REPO / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """Nothing under test may touch the user's real portfolio: point the default elsewhere.

    Set here, before any test or notebook kernel starts, so nbval's kernels inherit it.
    """
    import tempfile

    os.environ["INCIDENTFOLIO_PORTFOLIO"] = str(
        Path(tempfile.mkdtemp(prefix="incidentfolio-test-")) / "portfolio"
    )


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """``incidentfolio serve`` on a free port with a temporary portfolio and a short cull time.

    Fails the run if the server printed a traceback at any point.
    """
    server = start_server(tmp_path_factory.mktemp("serve"), idle_timeout=KERNEL_IDLE_TIMEOUT_S)
    yield server
    server.stop()
    if "Traceback" in server.log():
        pytest.fail(f"the app server printed a traceback:\n{server.log()}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        skip_outside_ci(f"Chromium not found at {path}; install it with: apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class PageProblems:
    """What a page did that a test should fail on: console errors and off-machine requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        self.forbidden: list[str] = []

    def unexpected_console_errors(self) -> list[str]:
        """Console errors, less the one Voilà logs when leaving a page.

        On unload Voilà sends a kernel-shutdown beacon without an xsrf token, which the
        server refuses (403); the kernel is culled instead (tested separately).
        """
        beacon_only = self.forbidden and all("/api/shutdown/" in url for url in self.forbidden)
        return [
            e for e in self.console_errors
            if not (beacon_only and "status of 403" in e)
        ]  # fmt: skip


@pytest.fixture
def page(browser, request):
    """A fresh browser page. Fails the test on console errors or requests leaving loopback;
    saves a screenshot to test-artifacts/ either way."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems = PageProblems()

    def route(route_obj):
        url = route_obj.request.url
        if re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/", url) or url.startswith(
            ("data:", "blob:", "about:")
        ):
            route_obj.continue_()
        else:
            problems.external_requests.append(url)
            route_obj.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on(
        "console",
        lambda msg: problems.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    pg.on("pageerror", lambda exc: problems.console_errors.append(f"page error: {exc}"))
    pg.on("response", lambda r: problems.forbidden.append(r.url) if r.status == 403 else None)
    pg.problems = problems
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    unexpected = problems.unexpected_console_errors()
    assert not unexpected, f"console errors: {unexpected} (403s: {problems.forbidden})"
    assert not problems.external_requests, (
        f"requests left the machine: {problems.external_requests}"
    )


@pytest.fixture
def portfolio_env(tmp_path, monkeypatch) -> Path:
    """Point INCIDENTFOLIO_PORTFOLIO at a fresh temporary folder."""
    folder = tmp_path / "portfolio"
    monkeypatch.setenv("INCIDENTFOLIO_PORTFOLIO", str(folder))
    return folder


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Under CI=true a skipped test is a failure, whatever skipped it."""
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped under CI=true: nothing may be skipped in CI",
            red=True,
        )
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED
