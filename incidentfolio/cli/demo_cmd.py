"""``incidentfolio demo``: fill an empty portfolio with a complete sample portfolio."""

from __future__ import annotations

import click


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Create a complete sample portfolio for a fictional candidate (empty portfolios only).

    Prints a short summary and, on the last line, the portfolio folder.
    """
    from incidentfolio.demo import build_demo, load_demo

    sample = load_demo()  # checked before the portfolio folder is touched
    result = build_demo(ctx.obj.portfolio_dir(), sample)
    for line in result.summary_lines():
        click.echo(line)
    click.echo(str(result.folder))
