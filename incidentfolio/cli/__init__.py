"""The ``incidentfolio`` command: one front door for everything that is not a page.

Contract: exit 0 on success; exit 1 with one line ``incidentfolio: error: MESSAGE`` on
stderr for bad input or a failed check; exit 2 for usage errors; ``--debug`` shows the
traceback. Subcommands are imported only when used, so ``--help`` stays instant.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from incidentfolio import __version__

if TYPE_CHECKING:
    from incidentfolio.store import Store

# name → "module:attribute"; each module imports its heavy libraries inside the command.
COMMANDS: dict[str, str] = {
    "apps": "incidentfolio.cli.apps_cmd:apps",
    "check": "incidentfolio.cli.store_cmds:check",
    "coverage": "incidentfolio.cli.portfolio_cmds:coverage",
    "declare": "incidentfolio.cli.store_cmds:declare",
    "demo": "incidentfolio.cli.demo_cmd:demo",
    "evidence": "incidentfolio.cli.store_cmds:evidence",
    "export": "incidentfolio.cli.export_cmds:export",
    "feedback": "incidentfolio.cli.exchange_cmds:feedback",
    "frameworks": "incidentfolio.cli.content_cmds:frameworks",
    "init": "incidentfolio.cli.store_cmds:init",
    "lint": "incidentfolio.cli.portfolio_cmds:lint",
    "scenarios": "incidentfolio.cli.scenario_cmds:scenarios",
    "score": "incidentfolio.cli.scenario_cmds:score",
    "serve": "incidentfolio.cli.serve_cmd:serve",
    "staffing": "incidentfolio.cli.analytics_cmds:staffing",
    "submit": "incidentfolio.cli.exchange_cmds:submit",
    "validate": "incidentfolio.cli.content_cmds:validate",
    "verify": "incidentfolio.cli.export_cmds:verify",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@dataclass
class AppContext:
    """Global options, handed to every subcommand as ``ctx.obj``."""

    portfolio_option: Path | None = None
    debug: bool = False

    def portfolio_dir(self) -> Path:
        """The portfolio folder, created user-only if new; PortfolioError if unusable."""
        from incidentfolio.portfolio import ensure_portfolio_dir, resolve_portfolio_path

        return ensure_portfolio_dir(resolve_portfolio_path(self.portfolio_option))

    def store(self, *, create: bool = False) -> Store:
        """The portfolio's evidence store (``create`` makes the database if it is missing)."""
        from incidentfolio.store import open_store

        return open_store(self.portfolio_dir(), create=create)


_state = AppContext()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--portfolio",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Portfolio folder (default: $INCIDENTFOLIO_PORTFOLIO, else your user data folder).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.version_option(__version__, "--version", prog_name="incidentfolio")
@click.pass_context
def cli(ctx: click.Context, portfolio: Path | None, debug: bool) -> None:
    """incidentfolio: learn, practise and evidence contact-centre incident handling."""
    _state.portfolio_option = portfolio
    _state.debug = debug
    ctx.obj = _state


def _error(message: str) -> int:
    click.echo(f"incidentfolio: error: {message}", err=True)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Console entry point: runs the CLI and applies the exit-code contract."""
    from incidentfolio.errors import IncidentfolioError

    try:
        result = cli.main(args=argv, prog_name="incidentfolio", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors: click's own message, exit 2
        exc.show()
        return exc.exit_code
    except click.Abort:
        return _error("aborted")
    except IncidentfolioError as exc:
        if _state.debug:
            raise
        return _error(str(exc))
    except BrokenPipeError:
        return 1
    except OSError as exc:
        if _state.debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        return _error(f"cannot access{where}: {exc.strerror or exc}")
    except Exception as exc:  # a bug: say so in one line; --debug shows where
        if _state.debug:
            raise
        return _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
    return result if isinstance(result, int) else 0


def run() -> None:
    """``python -m incidentfolio`` and the console script."""
    sys.exit(main())
