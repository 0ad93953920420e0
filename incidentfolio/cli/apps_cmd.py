"""``incidentfolio apps``: the apps the hub lists, grouped by audience."""

from __future__ import annotations

import json
from dataclasses import asdict

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def apps(as_json: bool) -> None:
    """List the apps (notebooks) with their hub group and title."""
    from incidentfolio import paths
    from incidentfolio.hub import GROUPS, discover_apps

    found = discover_apps(paths.notebooks_dir())
    if as_json:
        click.echo(
            json.dumps([asdict(a) | {"group": GROUPS[a.audience][0]} for a in found], indent=2)
        )
        return
    for a in found:
        click.echo(f"{GROUPS[a.audience][0]:<20} {a.title:<40} {a.path}")
