"""Locating and preparing a portfolio folder (the store itself arrives with the evidence store)."""

from __future__ import annotations

import os
from pathlib import Path

from incidentfolio.errors import PortfolioError

ENV_VAR = "INCIDENTFOLIO_PORTFOLIO"


def resolve_portfolio_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--portfolio`` if given, else ``$INCIDENTFOLIO_PORTFOLIO``, else the user data dir."""
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs  # only when no explicit location is given

    return platformdirs.user_data_path("incidentfolio", appauthor=False) / "portfolio"


def ensure_portfolio_dir(path: Path) -> Path:
    """Create the portfolio folder (user-only, 0700) or check an existing one is usable.

    Raises PortfolioError with one plain sentence when the folder cannot be used.
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise PortfolioError(f"portfolio {path} is not a folder")
    if not path.exists():
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise PortfolioError(f"portfolio {path} cannot be created: {blocker} is a file")
        try:
            path.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise PortfolioError(
                f"portfolio {path} cannot be created: {exc.strerror or exc}"
            ) from exc
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise PortfolioError(f"portfolio {path} is not readable and writable by you")
    try:
        next(path.iterdir(), None)
    except OSError as exc:
        raise PortfolioError(f"portfolio {path} cannot be read: {exc.strerror or exc}") from exc
    return path.resolve()
