"""Portfolio folder: where it is, and refusing folders that cannot be used."""

from __future__ import annotations

import stat

import pytest

from incidentfolio.errors import PortfolioError
from incidentfolio.portfolio import ensure_portfolio_dir, resolve_portfolio_path


def test_option_beats_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDENTFOLIO_PORTFOLIO", str(tmp_path / "env"))
    assert resolve_portfolio_path(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_portfolio_path(None) == tmp_path / "env"


def test_default_is_the_user_data_folder(monkeypatch):
    monkeypatch.delenv("INCIDENTFOLIO_PORTFOLIO", raising=False)
    path = resolve_portfolio_path(None)
    assert path.name == "portfolio" and "incidentfolio" in path.parts


def test_new_portfolio_is_created_user_only(tmp_path):
    path = ensure_portfolio_dir(tmp_path / "a" / "b")
    assert path.is_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(PortfolioError, match="is not a folder"):
        ensure_portfolio_dir(tmp_path / "f")
