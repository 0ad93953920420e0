"""The CLI contract: exit codes, one-line errors, lazy imports, --debug."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from click.testing import CliRunner
from support import REPO, cli

from incidentfolio.cli import cli as cli_group
from incidentfolio.cli import main

HEAVY = ("pandas", "nbconvert", "voila", "jsonschema", "nbformat", "ipywidgets", "matplotlib")


def test_help_lists_serve_and_exits_0():
    result = cli("--help")
    assert result.returncode == 0
    assert "serve" in result.stdout
    assert "Serve the apps" in result.stdout


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("incidentfolio, version ")


def test_unknown_command_is_usage_error_exit_2():
    result = cli("nonsense")
    assert result.returncode == 2
    assert "No such command 'nonsense'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_value_is_usage_error_exit_2():
    result = cli("serve", "--port", "99999")
    assert result.returncode == 2


def test_help_imports_nothing_heavy():
    """``--help`` must stay instant: none of the heavy libraries may be imported."""
    code = (
        "import sys; from incidentfolio.cli import main; rc = main(['--help']);"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert "HEAVY=\n" in result.stdout or result.stdout.rstrip().endswith("HEAVY=")


def test_portfolio_that_is_a_file_exits_1_with_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = cli("--portfolio", str(blocker), "serve", "--no-browser")
    assert result.returncode == 1
    assert result.stderr == f"incidentfolio: error: portfolio {blocker} is not a folder\n"


def test_portfolio_below_a_file_exits_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("--portfolio", str(blocker / "inner"), "serve", "--no-browser")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "cannot be created" in result.stderr and "is a file" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = cli("--portfolio", str(blocker), "--debug", "serve", "--no-browser")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "PortfolioError" in result.stderr


def test_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = cli(
            "--portfolio", str(tmp_path / "p"), "serve", "--no-browser", "--port", str(port)
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"incidentfolio: error: port {port} on 127.0.0.1 is in use; "
        "stop the other server or pass --port\n"
    )


def test_apps_json_lists_the_priority_explorer():
    result = cli("apps", "--json")
    assert result.returncode == 0
    apps = json.loads(result.stdout)
    explorer = next(a for a in apps if a["path"] == "priority_explorer.ipynb")
    assert explorer["group"] == "Learn"
    assert explorer["title"] == "Priority matrix explorer"


def test_non_loopback_host_warns_about_no_authentication(tmp_path, monkeypatch):
    seen = {}

    def fake_serve(options, announce):
        seen["host"] = options.host
        return 0

    monkeypatch.setattr("incidentfolio.serve.serve", fake_serve)
    runner = CliRunner()
    result = runner.invoke(
        cli_group,
        ["--portfolio", str(tmp_path / "p"), "serve", "--host", "0.0.0.0", "--no-browser"],
    )
    assert result.exit_code == 0
    assert seen["host"] == "0.0.0.0"
    assert "incidentfolio: warning: listening on 0.0.0.0 with no authentication" in result.output


def test_unexpected_exception_is_one_line_without_debug(monkeypatch, capsys, tmp_path):
    def boom(options, announce):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("incidentfolio.serve.serve", boom)
    rc = main(["--portfolio", str(tmp_path / "p"), "serve", "--no-browser"])
    err = capsys.readouterr().err
    assert rc == 1
    assert err == (
        "incidentfolio: error: internal error: ZeroDivisionError: division by zero "
        "(run with --debug for details)\n"
    )
