"""Hub: apps discovered from notebook metadata and rendered grouped by audience."""

from __future__ import annotations

import json

import pytest

from incidentfolio import paths
from incidentfolio.errors import ContentError
from incidentfolio.hub import GROUPS, discover_apps, render_hub_html


def _notebook(path, meta):
    path.write_text(
        json.dumps(
            {"cells": [], "metadata": {"incidentfolio": meta}, "nbformat": 4, "nbformat_minor": 5}
        )
    )


def test_every_shipped_notebook_has_valid_hub_metadata():
    apps = discover_apps(paths.notebooks_dir())
    assert apps, "no apps found"
    assert {a.audience for a in apps} <= set(GROUPS)
    assert "priority_explorer.ipynb" in {a.path for a in apps}


def test_apps_are_grouped_in_hub_order_then_by_order(tmp_path):
    _notebook(tmp_path / "b.ipynb", {"title": "Assess me", "audience": "assess", "summary": "s"})
    _notebook(
        tmp_path / "a.ipynb", {"title": "Second", "audience": "learn", "summary": "s", "order": 2}
    )
    _notebook(
        tmp_path / "c.ipynb", {"title": "First", "audience": "learn", "summary": "s", "order": 1}
    )
    (tmp_path / ".ipynb_checkpoints").mkdir()
    _notebook(
        tmp_path / ".ipynb_checkpoints" / "x.ipynb",
        {"title": "Hidden", "audience": "learn", "summary": "s"},
    )
    assert [a.title for a in discover_apps(tmp_path)] == ["First", "Second", "Assess me"]


def test_html_escapes_titles_and_omits_empty_groups(tmp_path):
    _notebook(
        tmp_path / "x.ipynb",
        {"title": "<script>alert(1)</script>", "audience": "practise", "summary": "a & b"},
    )
    html = render_hub_html(discover_apps(tmp_path))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "a &amp; b" in html
    assert 'data-group="practise"' in html
    assert 'data-group="learn"' not in html
    assert 'href="voila/render/x.ipynb"' in html


@pytest.mark.parametrize(
    ("meta", "location"),
    [
        (None, "metadata.incidentfolio: missing hub metadata"),
        (
            {"title": "", "audience": "learn", "summary": "s"},
            "metadata.incidentfolio.title: missing or empty",
        ),
        (
            {"title": "t", "audience": "everyone", "summary": "s"},
            "metadata.incidentfolio.audience: 'everyone' is not one of",
        ),
        (
            {"title": "t", "audience": "learn", "summary": "s", "order": "1"},
            "metadata.incidentfolio.order: must be a whole number",
        ),
    ],
)
def test_bad_metadata_names_the_field(tmp_path, meta, location):
    nb = tmp_path / "bad.ipynb"
    if meta is None:
        nb.write_text(json.dumps({"cells": [], "metadata": {}}))
    else:
        _notebook(nb, meta)
    with pytest.raises(ContentError, match=location.replace("(", r"\(")):
        discover_apps(tmp_path)


def test_unreadable_notebook_is_a_content_error(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    with pytest.raises(ContentError, match="not a readable notebook"):
        discover_apps(tmp_path)
