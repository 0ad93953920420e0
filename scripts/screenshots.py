"""Take the README's screenshots (docs/*.png) from a real server in headless system Chromium."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import CHROMIUM_FLAGS, REPO, start_server

SHOTS = [
    ("hub.png", "", ".if-hub-main"),
    ("priority-explorer.png", "voila/render/priority_explorer.ipynb", ".if-priority-result"),
]


def main() -> int:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                for name, path, ready in SHOTS:
                    page.goto(server.url + path)
                    page.locator(ready).first.wait_for(timeout=60_000)
                    page.wait_for_timeout(500)
                    page.screenshot(path=str(REPO / "docs" / name))
                    print(f"wrote docs/{name}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
