"""``incidentfolio validate`` and ``incidentfolio frameworks``."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> int:
    """Check content files (default: all shipped content). One line per problem."""
    from incidentfolio.content.registry import check_all, shipped_content

    count, problems = check_all(paths or shipped_content())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"checked {count} file{'s' if count != 1 else ''}: no problems")
    return 0


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def frameworks(as_json: bool) -> None:
    """List the criteria frameworks with their criterion counts."""
    from incidentfolio.frameworks import load_frameworks

    found = load_frameworks().values()
    if as_json:
        rows = [
            {
                "id": fw.id,
                "title": fw.title,
                "level": fw.level,
                "provisional": fw.provisional,
                "criteria": len(fw.criteria),
                "learning_outcomes": {
                    lo.id: len(fw.criteria_for(lo.id)) for lo in fw.learning_outcomes
                },
            }
            for fw in found
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for fw in found:
        note = " (provisional wording)" if fw.provisional else ""
        click.echo(f"{fw.id:<22} {len(fw.criteria):>3} criteria  {fw.title}{note}")
