"""The core never imports UI code: every module of incidentfolio imports without it."""

from __future__ import annotations

import subprocess
import sys

from support import REPO

CODE = """
import importlib, pkgutil, sys
import incidentfolio
names = [m.name for m in pkgutil.walk_packages(incidentfolio.__path__, 'incidentfolio.')
         if m.name != 'incidentfolio.__main__']
for name in names:
    importlib.import_module(name)
print(len(names))
print(','.join(m for m in ('ipywidgets', 'IPython', 'voila') if m in sys.modules))
"""


def test_core_imports_leave_ui_packages_unloaded():
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, cwd=REPO, check=True
    )
    count, loaded = result.stdout.splitlines()
    assert int(count) >= 10, "walk_packages found too few modules"
    assert loaded == "", f"core imported UI packages: {loaded}"
