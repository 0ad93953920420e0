"""``incidentfolio staffing``: Erlang C agents for a call volume and a service-level target."""

from __future__ import annotations

import json

import click

# Core parameter names → the options a CLI user typed, for one-line error messages.
_OPTION_NAMES = {
    "calls": "--calls",
    "period_minutes": "--period",
    "aht_seconds": "--aht",
    "target_percent": "--target percentage",
    "target_seconds": "--target seconds",
    "shrinkage": "--shrinkage",
    "load": "offered load",
}


def _target(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Parse ``80/20`` (format only: ranges are checked by the calculation, exit 1)."""
    from incidentfolio.analytics import InvalidInputError
    from incidentfolio.analytics.erlang import parse_target

    try:
        return parse_target(value)
    except InvalidInputError as exc:
        raise click.BadParameter(
            f"{value!r} should look like 80/20 (percent answered / within seconds)"
        ) from exc


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def _num(value: float) -> str:
    return f"{value:g}"


@click.command()
@click.option(
    "--calls", type=float, required=True, metavar="N", help="Calls offered in the period."
)
@click.option(
    "--period", type=float, required=True, metavar="MINUTES", help="Length of the period."
)
@click.option("--aht", type=float, required=True, metavar="SECONDS", help="Average handle time.")
@click.option(
    "--target",
    default="80/20",
    show_default=True,
    callback=_target,
    metavar="PERCENT/SECONDS",
    help="Service-level target: 80/20 means 80 % of calls answered within 20 seconds.",
)
@click.option(
    "--shrinkage",
    type=float,
    default=0.0,
    show_default=True,
    metavar="FRACTION",
    help="Paid time not available for calls, e.g. 0.3 for 30 %.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def staffing(
    calls: float,
    period: float,
    aht: float,
    target: tuple[float, float],
    shrinkage: float,
    as_json: bool,
) -> None:
    """Agents needed on the phones (Erlang C) and on the rota (with shrinkage).

    Example: incidentfolio staffing --calls 100 --period 30 --aht 180 --target 80/20
    --shrinkage 0.3
    """
    from incidentfolio.analytics import InvalidInputError
    from incidentfolio.analytics.erlang import staffing as calculate

    try:
        result = calculate(calls, period, aht, target, shrinkage)
    except InvalidInputError as exc:
        raise InvalidInputError(
            _OPTION_NAMES.get(exc.parameter, exc.parameter), exc.problem
        ) from exc
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    r = result
    target_text = f"{_num(r.target_percent)} % answered within {_num(r.target_seconds)} s"
    rows = [
        (
            "Offered load",
            f"{r.offered_load_erlangs:.2f} Erlangs "
            f"({_num(r.calls)} calls × {_num(r.aht_seconds)} s ÷ {_num(r.period_minutes)} min)",
        ),
        ("Target", target_text),
        ("Agents on phones", str(r.agents_on_phones)),
        ("Service level", f"{_pct(r.service_level)} within {_num(r.target_seconds)} s"),
        ("ASA", f"{r.asa_seconds:.1f} s"),
        ("Occupancy", _pct(r.occupancy)),
        ("P(wait)", _pct(r.p_wait)),
        ("Shrinkage", f"{r.shrinkage * 100:g} %"),
        (
            "Agents to schedule",
            f"{r.agents_to_schedule} (= {r.agents_on_phones} ÷ (1 − {r.shrinkage:g}), rounded up)"
            if r.shrinkage
            else str(r.agents_to_schedule),
        ),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        click.echo(f"{label.ljust(width)}  {value}")
    curve = "  ".join(
        f"{row.agents}: {_pct(row.service_level)}"
        + (" ◀" if row.agents == r.agents_on_phones else "")
        for row in r.neighbours()
    )
    click.echo(f"\nN vs service level within {_num(r.target_seconds)} s:  {curve}")
