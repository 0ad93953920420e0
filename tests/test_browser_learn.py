"""Every revision notebook opens as a Voilà app with its knowledge check and no console errors."""

from __future__ import annotations

import pytest

from incidentfolio import paths
from incidentfolio.hub import discover_apps

pytestmark = pytest.mark.browser

LEARN = [a for a in discover_apps(paths.notebooks_dir()) if a.audience == "learn"]


def test_the_hub_lists_every_revision_notebook():
    assert len(LEARN) >= 10  # nine topics plus the priority matrix explorer


@pytest.mark.parametrize("app", [a for a in LEARN if a.slug != "priority_explorer"],
                         ids=lambda a: a.slug)  # fmt: skip
def test_revision_notebook_loads_with_its_knowledge_check(page, voila_server, app):
    page.goto(voila_server.url + app.url.lstrip("/"))
    page.locator(".if-kc .if-kc-question").first.wait_for(timeout=120_000)
    assert page.title() == f"{app.title} · incidentfolio"
