"""environment.yml (conda-forge) declares the same dependencies as pyproject.toml."""

from __future__ import annotations

import re

import tomllib
import yaml
from support import REPO


def _normalise(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = dict(
        _normalise(s) for s in project["dependencies"] + project["optional-dependencies"]["test"]
    )
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    declared = dict(_normalise(s) for s in env["dependencies"] if isinstance(s, str))
    python = declared.pop("python")
    assert python == ">=3.10"
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_block == [{"pip": ["-e ."]}], "the project itself is installed with pip -e ."
    declared.pop("pip")
    assert declared == wanted


def test_slow_iri_grammar_is_not_installed():
    """rfc3987-syntax costs ~1.5 s per process importing jsonschema; overrides.txt drops it."""
    import importlib.util

    assert importlib.util.find_spec("rfc3987_syntax") is None
