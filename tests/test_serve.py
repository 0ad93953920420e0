"""The Voilà launch: safety settings spelled out, loopback detection, runtime template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from incidentfolio import paths
from incidentfolio.serve import (
    FILE_ALLOWLIST,
    FILE_DENYLIST,
    ServeOptions,
    is_loopback,
    prepare_runtime,
    voila_argv,
)


def test_argv_carries_every_safety_setting(tmp_path):
    argv = voila_argv(ServeOptions(portfolio=tmp_path), paths.notebooks_dir())
    for flag in (
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--MappingKernelManager.cull_idle_timeout=300",
        "--MappingKernelManager.cull_connected=False",
        "--template=incidentfolio",
    ):
        assert flag in argv


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("chart.png", True),
        ("img/logo.svg", True),
        ("style.css", True),
        ("app.ipynb", False),
        ("helper.py", False),
        ("portfolio.db", False),
        ("data.sqlite", False),
        ("portfolio.db-wal", False),
        (".env", False),
        ("sub/.secret.png", False),
        ("notes.txt", False),
        ("scenario.yaml", False),
    ],
)
def test_file_rules(path, served):
    allowed = any(re.fullmatch(p, path, re.IGNORECASE) for p in FILE_ALLOWLIST)
    denied = any(re.fullmatch(p, path, re.IGNORECASE) for p in FILE_DENYLIST)
    assert (allowed and not denied) is served


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_cull_interval_follows_the_timeout(tmp_path):
    assert ServeOptions(portfolio=tmp_path, kernel_idle_timeout=4).cull_interval == 2
    assert ServeOptions(portfolio=tmp_path, kernel_idle_timeout=3600).cull_interval == 60


def test_runtime_holds_our_template_and_the_rendered_app_list(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "x.ipynb").write_text(
        '{"cells": [], "metadata": {"incidentfolio": {"title": "T {{ 7*7 }}", '
        '"audience": "learn", "summary": "S"}}}'
    )
    prepare_runtime(tmp_path / "rt", nbs)
    template = tmp_path / "rt" / "voila" / "templates" / "incidentfolio"
    listing = (template / "hub_apps.html").read_text()
    assert "T &#123;&#123; 7*7 &#125;&#125;" in listing, "braces must not reach Jinja"
    assert (template / "tree.html").is_file() and (template / "conf.json").is_file()
    assert Path(template / "static" / "incidentfolio.css").is_file()


def test_exchange_folder_reaches_the_kernels(tmp_path, monkeypatch):
    from incidentfolio.serve import EXCHANGE_ENV_VAR, server_env

    monkeypatch.delenv(EXCHANGE_ENV_VAR, raising=False)
    runtime = tmp_path / "runtime"
    with_exchange = ServeOptions(portfolio=tmp_path / "p", exchange=tmp_path / "exchange")
    assert server_env(with_exchange, runtime)[EXCHANGE_ENV_VAR] == str(tmp_path / "exchange")
    assert EXCHANGE_ENV_VAR not in server_env(ServeOptions(portfolio=tmp_path / "p"), runtime)
