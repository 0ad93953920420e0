"""Starting the app hub: Voilà over ``notebooks/`` with safe settings, in a child process.

Voilà runs as ``python -m voila`` so the core never imports it. The hub page is Voilà's
tree template replaced by our own, with the app list rendered here from notebook metadata.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from incidentfolio import paths
from incidentfolio.errors import ServeError
from incidentfolio.hub import discover_apps, render_hub_html
from incidentfolio.portfolio import ENV_VAR

TEMPLATE_NAME = "incidentfolio"
# The folder candidates hand in to (``submit``); the portfolio app offers it as the default.
EXCHANGE_ENV_VAR = "INCIDENTFOLIO_EXCHANGE"
# Only images and stylesheets may be fetched from the served folder; never notebooks, code,
# databases, content files or anything hidden. Paths leaving the folder are refused by tornado.
FILE_ALLOWLIST = [r".*\.(png|jpe?g|gif|svg|webp|css)"]
FILE_DENYLIST = [
    r"(.*/)?\..*",
    r".*\.(ipynb|py|pyc|db|sqlite3?|db-wal|db-shm|wal|shm|ya?ml|json|toml|ini|cfg|env|txt)",
]
READY_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class ServeOptions:
    """What ``incidentfolio serve`` was asked for."""

    portfolio: Path
    host: str = "127.0.0.1"
    port: int = 8866
    open_browser: bool = True
    kernel_idle_timeout: int = 300
    notebooks: Path | None = None
    exchange: Path | None = None

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/"

    @property
    def cull_interval(self) -> int:
        """How often idle kernels are looked for: often enough to honour the timeout."""
        return max(1, min(60, self.kernel_idle_timeout // 2))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """Raise ServeError when ``host:port`` cannot be bound (in use, or not an address here)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == 98:  # EADDRINUSE
                raise ServeError(
                    f"port {port} on {host} is in use; stop the other server or pass --port"
                ) from exc
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def prepare_runtime(runtime: Path, notebooks: Path) -> None:
    """Lay out a Jupyter data folder holding our Voilà template and the rendered app list."""
    target = runtime / "voila" / "templates" / TEMPLATE_NAME
    shutil.copytree(paths.templates_dir() / "voila" / TEMPLATE_NAME, target)
    apps_html = render_hub_html(discover_apps(notebooks))
    # The list is included by a Jinja template: braces must not be read as Jinja syntax.
    safe = apps_html.replace("{", "&#123;").replace("}", "&#125;")
    (target / "hub_apps.html").write_text(safe, encoding="utf-8")


def voila_argv(options: ServeOptions, notebooks: Path) -> list[str]:
    """The Voilà command line with every safety setting spelled out."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--no-browser",
        f"--Voila.ip={options.host}",
        f"--Voila.port={options.port}",
        "--Voila.port_retries=0",
        "--Voila.log_level=WARN",
        f"--template={TEMPLATE_NAME}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.classic_tree=True",
        *(f"--VoilaConfiguration.file_allowlist={rule}" for rule in FILE_ALLOWLIST),
        *(f"--VoilaConfiguration.file_denylist={rule}" for rule in FILE_DENYLIST),
        # Voilà's shutdown beacon is refused (no xsrf token), so closed pages leave their
        # kernel behind: cull kernels that have had no connection for the idle timeout.
        f"--MappingKernelManager.cull_idle_timeout={options.kernel_idle_timeout}",
        f"--MappingKernelManager.cull_interval={options.cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]


def server_env(options: ServeOptions, runtime: Path) -> dict[str, str]:
    """Environment for Voilà and its kernels: our template path and the portfolio location."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(runtime), env.get("JUPYTER_PATH")]))
    env[ENV_VAR] = str(options.portfolio)
    if options.exchange is not None:
        env[EXCHANGE_ENV_VAR] = str(options.exchange)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiets ipykernel's debugger warning
    return env


def wait_until_ready(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll the hub until it answers; fail early if the server process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServeError(f"the app server stopped during start-up (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (our own URL)
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise ServeError(f"the app server did not answer at {url} within {timeout:.0f} s")


class _ShutdownRequestedError(Exception):
    """Raised by the SIGTERM handler to leave the wait for the server."""


def _raise_stop(*_: object) -> None:
    raise _ShutdownRequestedError


def _stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode or 0


def serve(options: ServeOptions, *, announce=print) -> int:
    """Run the hub until interrupted; returns the server's exit status."""
    notebooks = options.notebooks or paths.notebooks_dir()
    check_port_free(options.host, options.port)
    runtime = Path(tempfile.mkdtemp(prefix="incidentfolio-serve-"))
    try:
        prepare_runtime(runtime, notebooks)
        proc = subprocess.Popen(voila_argv(options, notebooks), env=server_env(options, runtime))
        # The handler only unwinds the main thread; stopping the child happens below. (Waiting
        # on the child inside the handler would deadlock on Popen's wait lock.)
        previous = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            wait_until_ready(options.url, proc, READY_TIMEOUT_S)
            announce(f"incidentfolio app hub: {options.url}  (Ctrl+C to stop)")
            if options.open_browser:
                import webbrowser

                with contextlib.suppress(webbrowser.Error):
                    webbrowser.open(options.url)
            return proc.wait()
        except (KeyboardInterrupt, _ShutdownRequestedError):
            return 0
        finally:
            _stop(proc)
            signal.signal(signal.SIGTERM, previous)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
