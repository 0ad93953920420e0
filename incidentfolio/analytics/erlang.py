"""Erlang C staffing in pure Python: how many agents answer X % of calls within T seconds.

The model (domain brief §5): calls arrive at random (Poisson), handle times are exponential,
nobody abandons and the queue is unlimited, so it slightly overstates the staff needed.

- offered load A (Erlangs) = calls × AHT ÷ period (same time unit);
- P(wait), the chance a call queues, is Erlang C. It is computed from the Erlang B
  recursion B(0) = 1, B(n) = A·B(n−1) ÷ (n + A·B(n−1)), then
  C = N·B ÷ (N − A·(1 − B)). No factorials or powers appear, so nothing overflows and
  the result stays accurate (relative error about 1e-13) for loads up to thousands of
  Erlangs;
- service level SL(t) = 1 − P(wait)·e^(−(N−A)·t ÷ AHT); ASA = P(wait)·AHT ÷ (N − A);
  occupancy = A ÷ N. All are valid only when N > A: otherwise the queue grows forever;
- agents to schedule = ⌈N ÷ (1 − shrinkage)⌉.

Rates are fractions from 0 to 1; the target is given the way centres say it, "80/20":
80 % of calls answered within 20 seconds.

>>> r = staffing(calls=100, period_minutes=30, aht_seconds=180, target="80/20", shrinkage=0.3)
>>> r.offered_load_erlangs, r.agents_on_phones, r.agents_to_schedule, round(r.service_level, 3)
(10.0, 14, 20, 0.888)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from incidentfolio.analytics import InvalidInputError

#: Largest offered load accepted; the recursion is O(N), so this keeps answers instant.
MAX_LOAD_ERLANGS = 100_000.0

_TARGET = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%?\s*/\s*([+-]?\d+(?:\.\d+)?)\s*s?\s*$")


def _fmt(value: object) -> str:
    """A number as the user typed it, as far as that can be told (10.0 → 10)."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(name, f"must be a number (got {_fmt(value)})")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInputError(name, f"must be a finite number (got {_fmt(value)})")
    return number


def _positive(name: str, value: object, unit: str = "") -> float:
    number = _number(name, value)
    if number <= 0:
        raise InvalidInputError(name, f"must be more than 0{unit} (got {_fmt(value)})")
    return number


def _load(load: object) -> float:
    number = _number("load", load)
    if number <= 0:
        raise InvalidInputError("load", f"must be more than 0 Erlangs (got {_fmt(load)})")
    if number > MAX_LOAD_ERLANGS:
        raise InvalidInputError(
            "load",
            f"of {number:.2f} Erlangs is more than this calculator supports "
            f"({MAX_LOAD_ERLANGS:.0f} Erlangs)",
        )
    return number


def _agents(agents: object, load: float) -> int:
    if isinstance(agents, bool) or not isinstance(agents, int):
        raise InvalidInputError("agents", f"must be a whole number (got {_fmt(agents)})")
    if agents <= load:
        raise InvalidInputError(
            "agents",
            f"must be more than the offered load of {load:.2f} Erlangs (got {agents}); "
            "with N ≤ A the queue grows without limit",
        )
    return agents


def _target_seconds(value: object) -> float:
    seconds = _number("target_seconds", value)
    if seconds < 0:
        raise InvalidInputError("target_seconds", f"must be 0 or more (got {_fmt(value)})")
    return seconds


def _target_percent(value: object) -> float:
    percent = _number("target_percent", value)
    if not 0 < percent < 100:
        raise InvalidInputError(
            "target_percent", f"must be above 0 and below 100 (got {_fmt(value)})"
        )
    return percent


def _shrinkage(value: object) -> float:
    fraction = _number("shrinkage", value)
    if not 0 <= fraction < 1:
        raise InvalidInputError(
            "shrinkage",
            f"must be at least 0 and below 1, e.g. 0.3 for 30 % (got {_fmt(value)})",
        )
    return fraction


# --- the formulas --------------------------------------------------------------------------


def offered_load(calls: float, aht_seconds: float, period_seconds: float) -> float:
    """Traffic intensity in Erlangs: ``calls × aht_seconds ÷ period_seconds``.

    >>> offered_load(100, 180, 1800)
    10.0
    """
    calls_n = _positive("calls", calls)
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    period = _positive("period_seconds", period_seconds, " seconds")
    return calls_n * aht / period


def _erlang_b_series(load: float) -> Iterator[tuple[int, float]]:
    """(n, Erlang B blocking probability) for n = 1, 2, 3, … by the stable recursion."""
    b = 1.0
    n = 0
    while True:
        n += 1
        ab = load * b
        b = ab / (n + ab)
        yield n, b


def _c_from_b(load: float, agents: int, b: float) -> float:
    # C = N·B / (N − A·(1 − B)), with the denominator as (N − A) + A·B: no cancellation.
    return agents * b / ((agents - load) + load * b)


def erlang_b(load: float, agents: int) -> float:
    """Erlang B: the chance a call is blocked when ``agents`` lines carry ``load`` Erlangs."""
    a = _load(load)
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise InvalidInputError("agents", f"must be a whole number of 0 or more (got {agents})")
    if agents == 0:
        return 1.0
    for n, b in _erlang_b_series(a):
        if n == agents:
            return b
    raise AssertionError("unreachable")  # pragma: no cover


def erlang_c(load: float, agents: int) -> float:
    """P(wait): the chance a call has to queue, for ``agents`` > ``load`` (Erlangs)."""
    a = _load(load)
    n = _agents(agents, a)
    return _c_from_b(a, n, erlang_b(a, n))


def _sl(load: float, agents: int, p_wait: float, aht: float, target_seconds: float) -> float:
    return 1.0 - p_wait * math.exp(-(agents - load) * target_seconds / aht)


def service_level(load: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    """Fraction of calls answered within ``target_seconds``: 1 − P(wait)·e^(−(N−A)·t/AHT)."""
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    t = _target_seconds(target_seconds)
    a = _load(load)
    return _sl(a, agents, erlang_c(a, agents), aht, t)


def asa(load: float, agents: int, aht_seconds: float) -> float:
    """Average speed of answer in seconds: P(wait)·AHT ÷ (N − A)."""
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    a = _load(load)
    return erlang_c(a, agents) * aht / (agents - a)


def occupancy(load: float, agents: int) -> float:
    """Share of logged-in time agents spend handling calls: A ÷ N."""
    a = _load(load)
    return a / _agents(agents, a)


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to put on the rota so ``agents`` are on the phones: ⌈N ÷ (1 − shrinkage)⌉.

    >>> scheduled_agents(14, 0.3)
    20
    """
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise InvalidInputError("agents", f"must be a whole number of 0 or more (got {agents})")
    s = _shrinkage(shrinkage)
    needed = agents / (1.0 - s)
    # 14 ÷ (1 − 0.3) is 20.000000000000004 in binary floating point: it means 20.
    return math.ceil(needed - 1e-9 * max(1.0, needed))


@dataclass(frozen=True)
class AgentsRow:
    """Erlang C figures for one number of agents on the phones."""

    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float
    p_wait: float


def agents_table(
    load: float, aht_seconds: float, target_seconds: float, agents: Iterable[int]
) -> list[AgentsRow]:
    """One row per number of agents in ``agents`` that is above the load (others are skipped).

    Handy for "N vs service level" tables and plots; the recursion runs once to the largest N.
    """
    a = _load(load)
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    t = _target_seconds(target_seconds)
    wanted = sorted({n for n in agents if not isinstance(n, bool) and n > a})
    rows: list[AgentsRow] = []
    if not wanted:
        return rows
    todo = iter(wanted)
    nxt = next(todo)
    for n, b in _erlang_b_series(a):
        if n < nxt:
            continue
        c = _c_from_b(a, n, b)
        rows.append(AgentsRow(n, _sl(a, n, c, aht, t), c * aht / (n - a), a / n, c))
        nxt = next(todo, None)
        if nxt is None:
            return rows
    raise AssertionError("unreachable")  # pragma: no cover


def agents_for_target(
    load: float, aht_seconds: float, target_percent: float = 80, target_seconds: float = 20
) -> int:
    """The smallest N > A whose service level reaches ``target_percent`` % within the time.

    >>> agents_for_target(10, 180, 80, 20)
    14
    """
    a = _load(load)
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    goal = _target_percent(target_percent) / 100.0
    t = _target_seconds(target_seconds)
    for n, b in _erlang_b_series(a):
        if n > a and _sl(a, n, _c_from_b(a, n, b), aht, t) >= goal:
            return n
    raise AssertionError("unreachable")  # pragma: no cover  (SL → 1 as N grows)


def parse_target(text: str) -> tuple[float, float]:
    """``"80/20"`` → ``(80.0, 20.0)``: percent answered, within seconds (ranges unchecked).

    Raises :class:`InvalidInputError` (parameter ``target``) when it is not two numbers.
    """
    match = _TARGET.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInputError(
            "target", f"must look like 80/20 (percent answered / within seconds), got {text!r}"
        )
    return float(match.group(1)), float(match.group(2))


# --- the whole calculation ------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingResult:
    """Inputs and answer of one staffing calculation (rates are fractions 0–1)."""

    calls: float
    period_minutes: float
    aht_seconds: float
    target_percent: float
    target_seconds: float
    shrinkage: float
    offered_load_erlangs: float
    agents_on_phones: int
    agents_to_schedule: int
    service_level: float
    asa_seconds: float
    occupancy: float
    p_wait: float

    @property
    def meets_target(self) -> bool:
        return self.service_level >= self.target_percent / 100.0

    def as_dict(self) -> dict[str, float | int]:
        """Results first (``offered_load_erlangs`` … ``p_wait``), then the inputs."""
        data = asdict(self)
        results = [
            "offered_load_erlangs",
            "agents_on_phones",
            "agents_to_schedule",
            "service_level",
            "asa_seconds",
            "occupancy",
            "p_wait",
        ]
        return {key: data[key] for key in [*results, *(k for k in data if k not in results)]}

    def neighbours(self, below: int = 2, above: int = 3) -> list[AgentsRow]:
        """Rows for N − ``below`` … N + ``above`` agents (those above the load)."""
        n = self.agents_on_phones
        return agents_table(
            self.offered_load_erlangs,
            self.aht_seconds,
            self.target_seconds,
            range(n - below, n + above + 1),
        )


def staffing(
    calls: float,
    period_minutes: float,
    aht_seconds: float,
    target: str | tuple[float, float] = "80/20",
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Agents needed for ``calls`` arriving in ``period_minutes`` at a target like ``"80/20"``.

    ``target`` may also be a ``(percent, seconds)`` pair. Raises :class:`InvalidInputError`
    naming the parameter when a value is out of range.
    """
    percent, seconds = parse_target(target) if isinstance(target, str) else target
    calls_n = _positive("calls", calls)
    period = _positive("period_minutes", period_minutes, " minutes")
    aht = _positive("aht_seconds", aht_seconds, " seconds")
    percent = _target_percent(percent)
    seconds = _target_seconds(seconds)
    shrink = _shrinkage(shrinkage)
    load = _load(offered_load(calls_n, aht, period * 60.0))
    n = agents_for_target(load, aht, percent, seconds)
    row = agents_table(load, aht, seconds, [n])[0]
    return StaffingResult(
        calls=calls_n,
        period_minutes=period,
        aht_seconds=aht,
        target_percent=percent,
        target_seconds=seconds,
        shrinkage=shrink,
        offered_load_erlangs=load,
        agents_on_phones=n,
        agents_to_schedule=scheduled_agents(n, shrink),
        service_level=row.service_level,
        asa_seconds=row.asa_seconds,
        occupancy=row.occupancy,
        p_wait=row.p_wait,
    )
