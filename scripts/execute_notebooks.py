"""Re-run every notebook in notebooks/ in place so the outputs nbval compares are current.

Usage: python scripts/execute_notebooks.py [NOTEBOOK ...]   (default: all of them)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    # Widget state changes every run and is not needed to display the app: keep files stable.
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"executed {path.relative_to(NOTEBOOKS.parent)}")


def main(args: list[str]) -> int:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # The portfolio app opens a portfolio: run it against a throwaway one, never the user's.
    os.environ["INCIDENTFOLIO_PORTFOLIO"] = str(Path(tempfile.mkdtemp()) / "portfolio")
    targets = [Path(a).resolve() for a in args] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in targets:
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
