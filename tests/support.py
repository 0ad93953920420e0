"""Helpers shared by the tests: running the CLI and a real app server as subprocesses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"  # beside the clone in CI; absent in a user's clone
IN_CI = os.environ.get("CI", "").lower() == "true"
# Kernels left by closed pages are culled after this long in the test server. Short, so the
# culling test is quick, but longer than a kernel takes to start on a busy 2-core machine:
# a kernel culled while still starting prints a traceback, which fails the run.
KERNEL_IDLE_TIMEOUT_S = 12
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run ``incidentfolio ARGS`` in a real subprocess, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "incidentfolio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A running ``incidentfolio serve`` process and what it printed."""

    proc: subprocess.Popen
    url: str
    port: int
    log_path: Path
    portfolio: Path
    extra: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernels(self) -> list[psutil.Process]:
        """Kernel processes started by this server (children of its Voilà process)."""
        try:
            tree = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        out = []
        for child in tree:
            try:
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    out.append(child)
            except psutil.Error:
                continue
        return out

    def listening_addresses(self) -> set[tuple[str, int]]:
        addrs = set()
        for proc in [
            psutil.Process(self.proc.pid),
            *psutil.Process(self.proc.pid).children(recursive=True),
        ]:
            try:
                for conn in proc.net_connections(kind="inet"):
                    if conn.status == psutil.CONN_LISTEN:
                        addrs.add((conn.laddr.ip, conn.laddr.port))
            except psutil.Error:
                continue
        return addrs

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(
    tmp: Path, *extra_args: str, idle_timeout: int = 4, ready_timeout: float = 90
) -> AppServer:
    """Start ``incidentfolio serve`` on a free port and wait until the hub answers."""
    port = free_port()
    portfolio = tmp / "portfolio"
    log_path = tmp / f"server-{port}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "incidentfolio",
            "--portfolio",
            str(portfolio),
            "serve",
            "--no-browser",
            "--port",
            str(port),
            "--kernel-idle-timeout",
            str(idle_timeout),
            *extra_args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    server = AppServer(proc, f"http://127.0.0.1:{port}/", port, log_path, portfolio)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        if "incidentfolio app hub:" in server.log():
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready in {ready_timeout} s:\n{server.log()}")


def http_get(url: str) -> tuple[int, str]:
    """GET a URL; returns (status, body) and never raises for HTTP error statuses."""
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def wait_for(predicate, timeout: float, interval: float = 0.5) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def write_variant(source: Path, target: Path, mutate) -> Path:
    """Copy a shipped YAML content file to ``target`` after ``mutate(data)`` changed it."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    mutate(data)
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def expect_content_error(load, path: Path, expected: str) -> None:
    """``load(path)`` must raise one ContentError line that names the file and says ``expected``."""
    from incidentfolio.errors import ContentError

    try:
        load(path)
    except ContentError as exc:
        message = str(exc)
    else:
        raise AssertionError(f"{path} loaded without a ContentError")
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert "\n" not in message


def only_error(result: subprocess.CompletedProcess) -> str:
    """Exit 1, nothing on stdout, exactly one ``incidentfolio: error:`` line: its message."""
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("incidentfolio: error: "), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0].removeprefix("incidentfolio: error: ")


def skip_outside_ci(reason: str) -> None:
    """Skip with ``reason`` on a user's machine; under CI=true fail instead (nothing skips)."""
    import pytest

    if IN_CI:
        pytest.fail(f"{reason}, and CI may not skip tests")
    pytest.skip(reason)
