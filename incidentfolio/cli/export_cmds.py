"""Bundle commands: ``export`` an evidence bundle for an assessor and ``verify`` one.

``verify`` imports only the standard library and the store's hashing helpers, so it runs
quickly where incidentfolio is installed just to check bundles.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--framework", "framework_id", metavar="FW",
              help="Only this framework (one of the profile's) and the items mapped "
                   "to it.")  # fmt: skip
@click.option("--out", "out_dir", metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False, dir_okay=True),
              help="Folder to write the bundle in (default: exports/ of this checkout, else "
                   "of the portfolio).")  # fmt: skip
@click.option("--pdf", is_flag=True,
              help="Also print the whole bundle to bundle.pdf with headless Chromium.")  # fmt: skip
@click.option("--include-personal-data", is_flag=True,
              help="Keep personal data as it is (default: replace it with placeholders such "
                   "as [CALLER-1]).")  # fmt: skip
@click.option("--zip", "make_zip", is_flag=True, help="Also write NAME.zip beside the folder.")
@click.pass_context
def export(
    ctx: click.Context,
    framework_id: str | None,
    out_dir: Path | None,
    pdf: bool,
    include_personal_data: bool,
    make_zip: bool,
) -> None:
    """Export the evidence as a bundle an assessor opens offline; prints its folder last.

    The bundle holds index.html (the criteria matrix), a page per evidence item, the
    attachments, ledger.json, README.txt and manifest.json (every file's SHA-256). It appears
    in one step; an interrupted export leaves no bundle. Progress goes to stderr.
    """
    from incidentfolio.export.bundle import export_bundle

    with ctx.obj.store() as store:
        result = export_bundle(
            store,
            out_dir,
            framework=framework_id,
            include_personal_data=include_personal_data,
            pdf=pdf,
            make_zip=make_zip,
        )
    for line in result.summary_lines():
        click.echo(line)
    click.echo(str(result.path))


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--submission", metavar="DIR", type=click.Path(path_type=Path),
              help="Also check the bundle against this submission folder (or its "
                   "manifest.json): same candidate, its ledger head in the bundle's "
                   "ledger.")  # fmt: skip
def verify(bundle: Path, submission: Path | None) -> None:
    """Check an evidence bundle (folder or .zip) against its manifest; exit 1 if it fails.

    Prints one line for each changed, missing or extra file (only assessor/ is outside the
    manifest) and for each ledger problem.
    """
    from incidentfolio.errors import IncidentfolioError
    from incidentfolio.export.verify import verify_bundle

    report = verify_bundle(bundle, submission=submission)
    if not report.ok:
        for problem in report.problems:
            click.echo(problem)
        n = len(report.problems)
        raise IncidentfolioError(
            f"verify failed: {n} problem{'s' if n != 1 else ''} in {bundle}: it is not the "
            "bundle that was exported"
        )
    for line in report.summary_lines():
        click.echo(line)
    click.echo(f"verify passed: {bundle}")
