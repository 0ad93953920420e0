"""``incidentfolio serve``: the app hub on http://127.0.0.1:8866."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8866, show_default=True, help="Port."
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser tab.")
@click.option(
    "--kernel-idle-timeout",
    type=click.IntRange(1, None),
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="Stop an app's kernel this long after its page was closed.",
)
@click.option(
    "--notebooks",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Serve another folder of apps instead of the shipped ones.",
)
@click.option(
    "--exchange",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The folder candidates hand in to (offered on the portfolio app's Hand in tab).",
)
@click.pass_obj
def serve(
    app,
    host: str,
    port: int,
    no_browser: bool,
    kernel_idle_timeout: int,
    notebooks: Path | None,
    exchange: Path | None,
) -> int:
    """Serve the apps (Voilà) over the notebooks folder."""
    from incidentfolio.serve import ServeOptions, is_loopback
    from incidentfolio.serve import serve as run_server

    options = ServeOptions(
        portfolio=app.portfolio_dir(),
        host=host,
        port=port,
        open_browser=not no_browser,
        kernel_idle_timeout=kernel_idle_timeout,
        notebooks=notebooks.resolve() if notebooks else None,
        exchange=exchange.resolve() if exchange else None,
    )
    if not is_loopback(host):
        click.echo(
            f"incidentfolio: warning: listening on {host} with no authentication; anyone who "
            "can reach this address can open the apps and your portfolio",
            err=True,
        )
    return run_server(options, announce=lambda line: click.echo(line))
