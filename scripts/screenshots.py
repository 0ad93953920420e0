"""Take the README's screenshots (docs/*.png) from a real server in headless system Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import CHROMIUM_FLAGS, REPO, start_server

# (file, path on the server, element to wait for, tab to open first or None)
SHOTS = [
    ("hub.png", "", ".if-hub-main", None),
    ("priority-explorer.png", "voila/render/priority_explorer.ipynb", ".if-priority-result", None),
    (
        "portfolio-coverage.png",
        "voila/render/portfolio_builder.ipynb",
        ".if-portfolio-tabs",
        "Coverage",
    ),
]


def main() -> int:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        # The portfolio app is shown with the sample portfolio a candidate would build.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "incidentfolio",
                "--portfolio",
                str(Path(tmp) / "portfolio"),
                "demo",
            ],
            check=True,
            capture_output=True,
        )
        server = start_server(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                for name, path, ready, tab in SHOTS:
                    page.goto(server.url + path)
                    page.locator(ready).first.wait_for(timeout=90_000)
                    if tab:
                        page.locator(".lm-TabBar-tab", has_text=tab).click()
                        page.locator(".if-portfolio-tabs").scroll_into_view_if_needed()
                    page.wait_for_timeout(1_000)
                    page.screenshot(path=str(REPO / "docs" / name))
                    print(f"wrote docs/{name}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
