"""Portfolio review commands: ``coverage`` and ``lint``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from incidentfolio.coverage import CriterionCoverage, FrameworkCoverage


def _plural(n: int, word: str) -> str:
    """``1 item `` / ``2 items`` (the singular padded so columns line up)."""
    return f"{n} {word}" + ("s" if n != 1 else " ")


def _criterion_line(c: CriterionCoverage, id_width: int) -> str:
    """``  1.2  evidence mapped   1 item   1 type  (needs 2, too few)  EV-0001``."""
    short = ", too few" if c.covered and not c.sufficient else ""
    line = (
        f"  {c.id:<{id_width}}  {c.status_label:<15}  {_plural(len(c.items), 'item'):>8}  "
        f"{_plural(len(c.counted_types), 'type')} (needs {c.min_evidence_types}{short})"
    )
    if c.items:
        line += "  " + ", ".join(c.items)
    if c.other_types:
        line += f"  [not accepted here: {', '.join(c.other_types)}]"
    return line.rstrip()


def format_coverage(cov: FrameworkCoverage) -> list[str]:
    """The human report for one framework, one string per line."""
    lines = [cov.header()]
    width = max((len(c.id) for c in cov.criteria), default=1)
    lines.extend(_criterion_line(c, width) for c in cov.criteria)
    for lo in cov.learning_outcomes:
        lines.append(f"  {lo.id} {lo.title}: {lo.tally.summary()}")
    lines.append(f"  {cov.declaration.describe()}")
    return lines


@click.command()
@click.option(
    "--framework", "framework_id", metavar="FW", help="Only this framework (one of the profile's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def coverage(ctx: click.Context, framework_id: str | None, as_json: bool) -> None:
    """How much of each framework the evidence covers, criterion by criterion."""
    from incidentfolio.coverage import coverage as compute

    with ctx.obj.store() as store:
        found = compute(store, framework_id)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in found], indent=2, ensure_ascii=False))
        return
    for n, cov in enumerate(found):
        if n:
            click.echo("")
        for line in format_coverage(cov):
            click.echo(line)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_context
def lint(ctx: click.Context, as_json: bool) -> None:
    """Check the evidence is sufficient before submitting; exit 1 if any error is found."""
    from incidentfolio.lint import counts, summary_line
    from incidentfolio.lint import lint as run_lint

    with ctx.obj.store() as store:
        findings = run_lint(store)
    errors, warnings = counts(findings)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "findings": [f.as_dict() for f in findings],
                    "errors": errors,
                    "warnings": warnings,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(summary_line(findings))
    if errors:
        raise click.exceptions.Exit(1)
