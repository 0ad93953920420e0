"""Exchange commands: ``submit`` a snapshot for the assessor and ``feedback import`` theirs."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--to", "exchange", required=True, metavar="DIR",
              type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
              help="The exchange folder the assessor collects from (must exist).")  # fmt: skip
@click.pass_context
def submit(ctx: click.Context, exchange: Path) -> None:
    """Submit a snapshot of the portfolio; prints its folder on the last line.

    The portfolio must pass `incidentfolio check` and carry a current declaration. The
    snapshot (database, attachments, manifest with every file's SHA-256) appears in DIR in
    one step, readable by DIR's group only if DIR itself is group-readable.
    """
    from incidentfolio.store.submission import submit as do_submit

    with ctx.obj.store() as store:
        done = do_submit(store, exchange)
    manifest = done.manifest
    count = len(manifest["files"])
    click.echo(
        f"submitted {done.id}: {count} file{'s' if count != 1 else ''} ({done.total_bytes:,} "
        f"bytes) and manifest.json (sha256 {done.manifest_sha256[:12]}), up to ledger entry "
        f"{manifest['ledger_seq']}, declared {manifest['declaration']['declared_at'][:19]}Z"
    )
    click.echo(done.folder)


@click.group()
def feedback() -> None:
    """Import the assessor's judgements on a submission."""


@feedback.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def feedback_import(ctx: click.Context, file: Path) -> None:
    """Record an assessor's judgements file (checks its hash chain and its submission)."""
    from incidentfolio.store.submission import import_feedback

    with ctx.obj.store() as store:
        result = import_feedback(store, file)
    click.echo(result.summary())
    if result.already:
        click.echo(f"skipped {result.already} already imported from an earlier file")
    click.echo("see `incidentfolio coverage` for the criteria they judged")
