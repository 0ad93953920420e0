"""``incidentfolio scenarios`` and ``incidentfolio score``."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import click

PRIORITY_CHOICE = click.Choice(["P1", "P2", "P3", "P4", "P5"], case_sensitive=False)


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    lines = []
    for row in [headers, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=True)] + [str(row[-1])]
        lines.append("  ".join(cells).rstrip())
    return lines


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--sector", metavar="SECTOR", help="Only scenarios from this sector.")
@click.option("--priority", type=PRIORITY_CHOICE, help="Only incidents with this priority.")
def scenarios(as_json: bool, sector: str | None, priority: str | None) -> None:
    """List the practice scenarios (answers stay hidden, apart from type and priority)."""
    from incidentfolio.scenarios import load_scenarios

    found = list(load_scenarios().values())
    if sector is not None:
        sectors = sorted({s.sector for s in found})
        if sector not in sectors:
            raise click.BadParameter(
                f"{sector!r} is not a sector here; choose from: {', '.join(sectors)}",
                param_hint="'--sector'",
            )
        found = [s for s in found if s.sector == sector]
    if priority is not None:
        found = [s for s in found if s.priority == priority.upper()]
    if as_json:
        click.echo(json.dumps([s.summary_row() for s in found], indent=2))
        return
    rows = []
    for s in found:
        flags = [
            flag
            for flag, on in (
                ("vulnerable", s.vulnerable),
                ("multi-agency", s.multi_agency),
                (f"presented as {s.truth.get('presented_as', '').replace('_', ' ')}",
                 s.hidden_incident),
            )
            if on
        ]  # fmt: skip
        kind = s.priority if s.is_incident else s.contact_type.replace("_", " ")
        rows.append([s.id, s.sector, s.channel, kind or "", ", ".join(flags) or "-"])
    for line in _table(rows, ["ID", "SECTOR", "CHANNEL", "TYPE", "NOTES"]):
        click.echo(line)
    counts = Counter(s.contact_type for s in found)
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
    click.echo(
        f"\n{len(found)} scenario{'s' if len(found) != 1 else ''}"
        + (f": {summary}" if found else "")
    )


@click.command()
@click.argument("scenario_id")
@click.argument("log_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def score(scenario_id: str, log_file: Path, as_json: bool) -> None:
    """Score an incident log (YAML or JSON) against a scenario's hidden answers."""
    from incidentfolio.content.files import load_data
    from incidentfolio.scenarios import get_scenario
    from incidentfolio.scoring import score as score_log

    scenario = get_scenario(scenario_id)
    log = load_data(log_file)
    report = score_log(scenario, log)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    for line in _report_lines(scenario, report):
        click.echo(line)


def _report_lines(scenario: Any, report: Any) -> list[str]:
    from incidentfolio.frameworks import load_frameworks
    from incidentfolio.misconceptions import load_catalogue

    framework = load_frameworks()[report.framework]
    catalogue = load_catalogue()
    lines = [f"{scenario.id}: {scenario.title}", f"Score: {report.total}/{report.max}", ""]
    rows = [
        [m.criterion, f"{m.awarded}/{m.available}",
         textwrap.shorten(framework.criterion(m.criterion).statement, 70)]
        for m in report.marks
    ]  # fmt: skip
    lines += _table(rows, ["CRITERION", "MARKS", "STATEMENT"])
    lines.append("")
    if not report.findings:
        lines.append("No findings: this log meets every check for the scenario.")
        return lines
    lines.append(f"Findings ({len(report.findings)}):")
    for f in report.findings:
        lines.append(f"  [{f.severity}] {f.code} ({', '.join(f.criteria)})")
        lines += textwrap.wrap(f.message, 96, initial_indent="    ", subsequent_indent="    ")
        for entry_id in f.misconceptions:
            entry = catalogue.get(entry_id)
            if entry is not None and entry.kind == "misconception":
                text = f"Common mistake ({entry_id}): {entry.statement}"
                lines += textwrap.wrap(text, 96, initial_indent="    ", subsequent_indent="      ")
    return lines
