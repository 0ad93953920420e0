"""Where the shipped content lives, found from the installed package, never from the cwd.

In a checkout (or an editable install) the content folders sit beside the package at the
top of the project; a wheel carries them inside the package under ``_content/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_FOLDERS = ("portfolio_templates", "scenarios", "notebooks")


@cache
def content_root() -> Path:
    """The folder that holds ``portfolio_templates/``, ``scenarios/`` and ``notebooks/``."""
    for candidate in (_PACKAGE_DIR / "_content", _PACKAGE_DIR.parent):
        if all((candidate / name).is_dir() for name in CONTENT_FOLDERS):
            return candidate
    raise RuntimeError(f"incidentfolio content folders not found beside {_PACKAGE_DIR}")


def templates_dir() -> Path:
    """``portfolio_templates/``: frameworks, evidence templates, matrix, page templates."""
    return content_root() / "portfolio_templates"


def scenarios_dir() -> Path:
    """``scenarios/``: incident scenarios and escalation decision trees."""
    return content_root() / "scenarios"


def notebooks_dir() -> Path:
    """``notebooks/``: the apps the hub serves."""
    return content_root() / "notebooks"


def project_checkout(start: Path | None = None) -> Path | None:
    """The incidentfolio checkout containing ``start`` (default: cwd), or None outside one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if (folder / "exports").is_dir() and pyproject.is_file():
            try:
                head = pyproject.read_text(encoding="utf-8", errors="replace")[:2000]
            except OSError:
                continue
            if 'name = "incidentfolio"' in head:
                return folder
    return None


def default_exports_dir(portfolio_dir: Path, start: Path | None = None) -> Path:
    """Bundles go to the checkout's ``exports/`` when run inside one, else the portfolio's."""
    checkout = project_checkout(start)
    return checkout / "exports" if checkout else portfolio_dir / "exports"
