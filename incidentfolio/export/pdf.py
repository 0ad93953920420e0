"""Printing a bundle to PDF with the system's headless Chromium (no Python browser driver).

``find_chromium`` looks at ``$CHROMIUM`` first, then for ``chromium``, ``chromium-browser``,
``google-chrome`` and ``google-chrome-stable`` on the PATH; when none is found the error
says what to install. ``print_to_pdf`` runs ``chromium --headless --print-to-pdf`` with a
throw-away profile and no network features, on a page that holds no script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from incidentfolio.errors import IncidentfolioError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 180
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS: `brew install "
    "--cask chromium`) or set CHROMIUM to the path of Chromium or Google Chrome"
)


def find_chromium() -> str:
    """The Chromium (or Chrome) program to print with; IncidentfolioError if there is none."""
    chosen = os.environ.get("CHROMIUM", "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise IncidentfolioError(
                f"--pdf: CHROMIUM is set to {chosen!r}, which is not a program that can be run; "
                f"{INSTALL_HINT}"
            )
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise IncidentfolioError(
        f"--pdf needs Chromium to print the bundle and none was found: {INSTALL_HINT}"
    )


def print_to_pdf(chromium: str, page: Path, target: Path, *, timeout: float = TIMEOUT_S) -> None:
    """Print the HTML file ``page`` to the PDF file ``target`` (A4, as the page's CSS says)."""
    with tempfile.TemporaryDirectory(prefix="incidentfolio-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        command.append(page.resolve().as_uri())
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise IncidentfolioError(
                f"Chromium ({chromium}) did not finish printing the bundle in {timeout:.0f} s"
            ) from None
        except OSError as exc:
            raise IncidentfolioError(f"Chromium ({chromium}) could not be started: {exc}") from None
    ok = target.is_file() and target.stat().st_size > 0
    if ok:
        with target.open("rb") as handle:
            ok = handle.read(5) == b"%PDF-"
    if done.returncode != 0 or not ok:
        lines = [ln for ln in (done.stderr or "").splitlines() if ln.strip()]
        last = f": {lines[-1].strip()[:200]}" if lines else ""
        raise IncidentfolioError(
            f"Chromium ({chromium}) could not print the bundle to PDF "
            f"(exit {done.returncode}){last}"
        )
