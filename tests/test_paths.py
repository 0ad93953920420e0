"""Content folders are found from the package; exports go to the checkout or the portfolio."""

from __future__ import annotations

from support import REPO

from incidentfolio import paths


def test_content_folders_found_without_relying_on_cwd(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert (paths.templates_dir() / "priority_matrix.yaml").is_file()
    assert paths.notebooks_dir().is_dir()
    assert paths.scenarios_dir().is_dir()


def test_exports_inside_checkout_go_to_its_exports_folder():
    assert paths.default_exports_dir(REPO / "x", start=REPO / "incidentfolio") == REPO / "exports"


def test_exports_elsewhere_go_to_the_portfolio(tmp_path):
    portfolio = tmp_path / "portfolio"
    assert paths.default_exports_dir(portfolio, start=tmp_path) == portfolio / "exports"
