"""``incidentfolio validate`` and ``incidentfolio frameworks``."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _portfolio_path(ctx: click.Context) -> Path:
    """The portfolio location from ``--portfolio``/the environment, without creating it."""
    from incidentfolio.portfolio import resolve_portfolio_path

    return resolve_portfolio_path(getattr(ctx.obj, "portfolio_option", None))


def _imported_frameworks_dirs(ctx: click.Context) -> list[Path]:
    """The portfolio's imported-frameworks folder if it exists (validate never creates it)."""
    from incidentfolio.frameworks import imported_frameworks_dir

    folder = imported_frameworks_dir(_portfolio_path(ctx))
    try:
        return [folder] if folder.is_dir() else []
    except OSError:  # e.g. permission denied on the portfolio: nothing to add
        return []


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> int:
    """Check content files (default: all shipped content and the portfolio's imported
    frameworks). One line per problem."""
    from incidentfolio.content.registry import check_all, shipped_content

    targets = list(paths) if paths else [*shipped_content(), *_imported_frameworks_dirs(ctx)]
    count, problems = check_all(targets)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"checked {count} file{'s' if count != 1 else ''}: no problems")
    return 0


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--export-matrix",
    "export_id",
    metavar="FW_ID",
    help="Print framework FW_ID as a Mahara SmartEvidence .matrix file (JSON).",
)
@click.option(
    "--import-matrix",
    "import_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Import a Mahara SmartEvidence .matrix file into the portfolio's frameworks.",
)
@click.option("--replace", is_flag=True, help="With --import-matrix: overwrite an earlier import.")
@click.pass_context
def frameworks(
    ctx: click.Context,
    as_json: bool,
    export_id: str | None,
    import_file: Path | None,
    replace: bool,
) -> None:
    """List the criteria frameworks (shipped and imported) with their criterion counts,
    or export/import one as a Mahara SmartEvidence .matrix."""
    if export_id is not None and import_file is not None:
        raise click.UsageError("--export-matrix and --import-matrix cannot be used together")
    if replace and import_file is None:
        raise click.UsageError("--replace only applies to --import-matrix")
    if as_json and (export_id is not None or import_file is not None):
        raise click.UsageError(
            "--json lists frameworks; it cannot be combined with a matrix option"
        )
    if import_file is not None:
        _import(ctx, import_file, replace)
        return

    from incidentfolio.errors import IncidentfolioError
    from incidentfolio.frameworks import load_all_frameworks, load_frameworks

    found = load_all_frameworks(_portfolio_path(ctx))
    if export_id is not None:
        from incidentfolio.matrix import matrix_text

        if export_id not in found:
            raise IncidentfolioError(
                f"unknown framework {export_id} (known: {', '.join(sorted(found))})"
            )
        click.echo(matrix_text(found[export_id]), nl=False)
        return
    shipped = load_frameworks()
    if as_json:
        rows = [
            {
                "id": fw.id,
                "title": fw.title,
                "level": fw.level,
                "provisional": fw.provisional,
                "imported": fw.id not in shipped,
                "criteria": len(fw.criteria),
                "learning_outcomes": {
                    lo.id: len(fw.criteria_for(lo.id)) for lo in fw.learning_outcomes
                },
            }
            for fw in found.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max([22, *(len(fw_id) for fw_id in found)])  # imported ids may be long
    for fw in found.values():
        notes = ["provisional wording"] if fw.provisional else []
        if fw.id not in shipped:
            notes.append("imported")
        note = f" ({', '.join(notes)})" if notes else ""
        click.echo(f"{fw.id:<{width}} {len(fw.criteria):>3} criteria  {fw.title}{note}")


def _import(ctx: click.Context, source: Path, replace: bool) -> None:
    from incidentfolio.matrix import import_matrix

    saved = import_matrix(source, ctx.obj.portfolio_dir(), replace=replace)
    for warning in saved.warnings:
        click.echo(f"incidentfolio: warning: {warning}", err=True)
    fw = saved.framework
    verb = "replaced" if saved.replaced else "imported"
    status = ", provisional" if fw.provisional else ""
    click.echo(f"{verb} framework {fw.id} ({len(fw.criteria)} criteria{status}): {saved.path}")
