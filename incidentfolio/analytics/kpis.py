"""Contact-centre KPIs and trend helpers over pandas DataFrames (domain brief §5).

Rates are fractions from 0 to 1 (show them with ``f"{x:.1%}"``); times are seconds unless
a name ends in ``_minutes``. A rate whose denominator is empty is ``nan``. Every function
checks its columns first and raises :class:`~incidentfolio.analytics.MissingColumnsError`
naming all that are missing; extra columns are ignored, so hand-made frames need only the
columns a function uses. pandas is imported inside the functions (``--help`` stays fast).

Contacts frame — one row per contact (:data:`CONTACT_COLUMNS`; the synthetic dataset in
:mod:`incidentfolio.analytics.dataset` has all of them):

======================== ===================================================================
``contact_id``           unique reference, e.g. ``C000123``
``received_at``          datetime the contact arrived (naive local time)
``channel``              ``phone``, ``email``, ``chat`` or ``social``
``category``             ``group/name`` from ``categories.yaml``, e.g. ``supply/power-cut``
``contact_type``         ``incident``, ``service_request``, ``enquiry`` or ``complaint``
``priority``             ``P1`` … ``P5`` (codes of ``priority_matrix.yaml``)
``agent_id``             agent who handled it; None if abandoned
``wait_seconds``         queue time before answer or hang-up (phone, chat); time to first
                         response (email, social)
``abandoned``            bool: the customer hung up or left before an answer
``answered_at``          datetime answered; NaT if abandoned
``talk_seconds``         talk (or writing) time; NaN if abandoned
``hold_seconds``         hold time; NaN if abandoned
``acw_seconds``          after-contact work; NaN if abandoned
``handle_seconds``       talk + hold + after-contact work; NaN if abandoned
``resolved_first_contact`` bool: resolved in the first contact, no follow-up needed
``escalation``           ``functional``, ``hierarchical`` or None
``escalated_at``         datetime escalated; NaT if not escalated
``resolved_at``          datetime resolved; NaT if not (yet) resolved
``csat``                 survey score 1–5; NaN when the customer gave none
======================== ===================================================================

Agent-time frame — one row per agent per rostered day (:data:`AGENT_DAY_COLUMNS`):
``agent_id``, ``date``, ``paid_seconds``, ``logged_in_seconds`` (handling + idle, i.e.
available for contacts), ``handling_seconds`` (talk + hold + ACW) and the shrinkage parts
``break_seconds``, ``meeting_seconds``, ``training_seconds``, ``absence_seconds``,
``leave_seconds`` (together paid − logged in).

Conventions (each is a local decision in real centres, so they are parameters here):
service level = answered within T ÷ offered, where offered includes abandoned contacts and,
with ``short_abandon_seconds``, excludes those who hung up sooner than that; FCR counts
handled (not abandoned) contacts; CSAT counts scores of 4–5 as satisfied.

Telephony measures (service level, ASA, abandonment) are meant for queued channels: pass
``contacts[contacts.channel == "phone"]``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from incidentfolio.analytics import AnalyticsError, MissingColumnsError

if TYPE_CHECKING:
    import pandas as pd

    from incidentfolio.priority import PriorityMatrix

CONTACT_COLUMNS: dict[str, str] = {
    "contact_id": "unique reference",
    "received_at": "datetime the contact arrived",
    "channel": "phone, email, chat or social",
    "category": "group/name from categories.yaml",
    "contact_type": "incident, service_request, enquiry or complaint",
    "priority": "P1 … P5",
    "agent_id": "agent who handled it (None if abandoned)",
    "wait_seconds": "queue time, or time to first response for email/social",
    "abandoned": "customer left before an answer",
    "answered_at": "datetime answered (NaT if abandoned)",
    "talk_seconds": "talk or writing time",
    "hold_seconds": "hold time",
    "acw_seconds": "after-contact work",
    "handle_seconds": "talk + hold + after-contact work",
    "resolved_first_contact": "resolved in the first contact",
    "escalation": "functional, hierarchical or None",
    "escalated_at": "datetime escalated (NaT if not)",
    "resolved_at": "datetime resolved (NaT if not yet)",
    "csat": "survey score 1–5 (NaN if none)",
}
AGENT_DAY_COLUMNS: dict[str, str] = {
    "agent_id": "agent",
    "date": "the day (midnight)",
    "paid_seconds": "paid time",
    "logged_in_seconds": "time available for contacts: handling + idle",
    "handling_seconds": "talk + hold + after-contact work",
    "break_seconds": "breaks",
    "meeting_seconds": "team meetings and one-to-ones",
    "training_seconds": "training and coaching off the phones",
    "absence_seconds": "sickness and other absence",
    "leave_seconds": "annual leave",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DERIVED = ("week", "date", "hour", "weekday")


# --- checks and small helpers ---------------------------------------------------------------


def require_columns(
    frame: object, columns: Iterable[str], purpose: str, what: str = "contacts"
) -> None:
    """Raise one error naming every column of ``columns`` that ``frame`` lacks."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise AnalyticsError(f"{what} data must be a pandas DataFrame (got {type(frame).__name__})")
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise MissingColumnsError(missing, purpose, what)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else math.nan


def _bool(series: pd.Series) -> pd.Series:
    """True where the value is true; missing values count as False."""
    if series.dtype == bool:
        return series
    return series.eq(True).fillna(False).astype(bool)


def _times(series: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(series)


def week_start(times: pd.Series) -> pd.Series:
    """Monday 00:00 of each timestamp's week (ISO weeks start on Monday)."""
    import pandas as pd

    t = _times(times)
    return t.dt.normalize() - pd.to_timedelta(t.dt.day_of_week, unit="D")


def _keys(contacts: pd.DataFrame, by: str | Sequence[str] | None, purpose: str) -> list:
    """Group keys: column names, or ``week``/``date``/``hour``/``weekday`` of received_at."""
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    needed = [n for n in names if n in contacts.columns or n not in _DERIVED]
    if any(n not in contacts.columns for n in names if n in _DERIVED):
        needed.append("received_at")
    require_columns(contacts, needed, purpose)
    keys = []
    for name in names:
        if name in contacts.columns:
            keys.append(contacts[name])
            continue
        t = _times(contacts["received_at"])
        derived = {
            "week": lambda t=t: week_start(t),
            "date": lambda t=t: t.dt.normalize(),
            "hour": lambda t=t: t.dt.hour,
            "weekday": lambda t=t: t.dt.day_of_week,
        }[name]()
        keys.append(derived.rename(name))
    return keys


# --- the KPIs -------------------------------------------------------------------------------


def aht(contacts: pd.DataFrame) -> float:
    """Average handle time in seconds: (talk + hold + ACW) ÷ contacts handled.

    Uses ``handle_seconds``; rows without one (abandoned contacts) were not handled.
    """
    require_columns(contacts, ["handle_seconds"], "AHT")
    handle = contacts["handle_seconds"].dropna()
    return _ratio(handle.sum(), len(handle))


def fcr(contacts: pd.DataFrame) -> float:
    """First-contact resolution: handled contacts resolved at first contact ÷ handled."""
    require_columns(contacts, ["resolved_first_contact", "abandoned"], "FCR")
    handled = ~_bool(contacts["abandoned"])
    return _ratio((_bool(contacts["resolved_first_contact"]) & handled).sum(), handled.sum())


def csat(contacts: pd.DataFrame, satisfied_from: float = 4) -> float:
    """Customer satisfaction: scores ≥ ``satisfied_from`` ÷ all scores given."""
    require_columns(contacts, ["csat"], "CSAT")
    scores = contacts["csat"].dropna()
    return _ratio((scores >= satisfied_from).sum(), len(scores))


def _offered(contacts: pd.DataFrame, short_abandon_seconds: float | None) -> pd.Series:
    """Rows that count as offered: all, less abandons quicker than the short-abandon limit."""
    abandoned = _bool(contacts["abandoned"])
    if short_abandon_seconds is None:
        return ~abandoned | abandoned
    return ~(abandoned & (contacts["wait_seconds"] < short_abandon_seconds))


def service_level(
    contacts: pd.DataFrame,
    threshold_seconds: float = 20,
    short_abandon_seconds: float | None = None,
) -> float:
    """Contacts answered within ``threshold_seconds`` ÷ contacts offered (abandoned included;
    with ``short_abandon_seconds``, hang-ups quicker than that are left out)."""
    require_columns(contacts, ["wait_seconds", "abandoned"], "service level")
    offered = _offered(contacts, short_abandon_seconds)
    met = ~_bool(contacts["abandoned"]) & (contacts["wait_seconds"] <= threshold_seconds)
    return _ratio((met & offered).sum(), offered.sum())


def asa(contacts: pd.DataFrame) -> float:
    """Average speed of answer in seconds: total queue time of answered contacts ÷ answered."""
    require_columns(contacts, ["wait_seconds", "abandoned"], "ASA")
    answered = contacts.loc[~_bool(contacts["abandoned"]), "wait_seconds"]
    return _ratio(answered.sum(), len(answered))


def abandonment_rate(contacts: pd.DataFrame, short_abandon_seconds: float | None = None) -> float:
    """Abandoned ÷ offered (optionally leaving out hang-ups quicker than the given seconds)."""
    columns = ["abandoned"] + (["wait_seconds"] if short_abandon_seconds is not None else [])
    require_columns(contacts, columns, "abandonment rate")
    offered = _offered(contacts, short_abandon_seconds)
    return _ratio((_bool(contacts["abandoned"]) & offered).sum(), offered.sum())


def occupancy(agent_days: pd.DataFrame) -> float:
    """Handling time ÷ logged-in available time (handling + idle)."""
    require_columns(
        agent_days, ["handling_seconds", "logged_in_seconds"], "occupancy", "agent time"
    )
    return _ratio(agent_days["handling_seconds"].sum(), agent_days["logged_in_seconds"].sum())


def shrinkage(agent_days: pd.DataFrame) -> float:
    """Paid time not available for contacts ÷ paid time: 1 − logged in ÷ paid."""
    require_columns(agent_days, ["paid_seconds", "logged_in_seconds"], "shrinkage", "agent time")
    paid = agent_days["paid_seconds"].sum()
    return _ratio(paid - agent_days["logged_in_seconds"].sum(), paid)


def shrinkage_breakdown(agent_days: pd.DataFrame) -> pd.Series:
    """Each shrinkage part (breaks, meetings, training, absence, leave) ÷ paid time."""
    import pandas as pd

    parts = [c for c in AGENT_DAY_COLUMNS if c.endswith("_seconds") and c not in
             ("paid_seconds", "logged_in_seconds", "handling_seconds")]  # fmt: skip
    require_columns(agent_days, ["paid_seconds", *parts], "the shrinkage breakdown", "agent time")
    paid = agent_days["paid_seconds"].sum()
    sums = agent_days[parts].sum()
    out = sums / paid if paid else sums * math.nan
    return pd.Series(out.to_numpy(), index=[p.removesuffix("_seconds") for p in parts])


KPI_TABLE_COLUMNS = (
    "contacts",
    "handled",
    "aht_seconds",
    "fcr",
    "csat",
    "service_level",
    "asa_seconds",
    "abandonment_rate",
)


def kpi_table(
    contacts: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    threshold_seconds: float = 20,
    satisfied_from: float = 4,
) -> pd.DataFrame:
    """All contact KPIs at once, one row per group (``by`` a column, a list of columns, or
    ``week``/``date``/``hour``/``weekday`` derived from ``received_at``; None → one row
    labelled ``all``). Columns: :data:`KPI_TABLE_COLUMNS`. Same conventions as the single
    functions (no short-abandon exclusion)."""
    import pandas as pd

    needed = ["handle_seconds", "resolved_first_contact", "abandoned", "wait_seconds", "csat"]
    require_columns(contacts, needed, "the KPI table")
    keys = _keys(contacts, by, "the KPI table")
    abandoned = _bool(contacts["abandoned"])
    handled = ~abandoned
    wait = contacts["wait_seconds"]
    parts = pd.DataFrame(
        {
            "contacts": 1,
            "handled": handled.astype("int64"),
            "handle_n": contacts["handle_seconds"].notna().astype("int64"),
            "handle_sum": contacts["handle_seconds"].fillna(0.0),
            "fcr_n": (_bool(contacts["resolved_first_contact"]) & handled).astype("int64"),
            "csat_n": contacts["csat"].notna().astype("int64"),
            "csat_ok": (contacts["csat"] >= satisfied_from).astype("int64"),
            "met": (handled & (wait <= threshold_seconds)).astype("int64"),
            "wait_answered": wait.where(handled, 0),
            "abandoned": abandoned.astype("int64"),
        },
        index=contacts.index,
    )
    sums = parts.groupby(keys, sort=True).sum() if keys else parts.sum().to_frame("all").T

    def div(a: str, b: str) -> pd.Series:
        return sums[a] / sums[b].where(sums[b] != 0)

    table = pd.DataFrame(
        {
            "contacts": sums["contacts"].astype("int64"),
            "handled": sums["handled"].astype("int64"),
            "aht_seconds": div("handle_sum", "handle_n"),
            "fcr": div("fcr_n", "handled"),
            "csat": div("csat_ok", "csat_n"),
            "service_level": div("met", "contacts"),
            "asa_seconds": div("wait_answered", "handled"),
            "abandonment_rate": div("abandoned", "contacts"),
        }
    )
    return table.astype(dict.fromkeys(KPI_TABLE_COLUMNS[2:], "float64"))


# --- trends for the L4/5 notebook -----------------------------------------------------------


def category_counts_by_week(
    contacts: pd.DataFrame, contact_type: str | None = "incident"
) -> pd.DataFrame:
    """Contacts per week (rows: Monday of the week) and category (columns, busiest first).

    ``contact_type`` keeps only that type (default incidents); None keeps all.
    """
    columns = ["received_at", "category"] + (["contact_type"] if contact_type else [])
    require_columns(contacts, columns, "weekly category counts")
    rows = contacts if not contact_type else contacts[contacts["contact_type"] == contact_type]
    weeks = week_start(rows["received_at"]).rename("week")
    table = rows.groupby([weeks, rows["category"]]).size().unstack(fill_value=0)
    order = table.sum().sort_values(ascending=False, kind="stable").index
    table = table[order].astype("int64")
    table.columns.name = "category"
    return table


def recurring_categories(
    contacts: pd.DataFrame,
    top: int = 5,
    min_weeks: int | None = None,
    contact_type: str | None = "incident",
) -> pd.DataFrame:
    """Categories among a week's ``top`` busiest in at least ``min_weeks`` weeks (default:
    half the weeks, rounded up), busiest first.

    Columns: ``label``, ``weeks_in_top``, ``total``, ``mean_per_week``, ``trend_per_week``
    (least-squares change in weekly count per week: positive means growing),
    ``peak_week`` (Monday of its busiest week).
    """
    import pandas as pd

    from incidentfolio.categories import load_categories

    weekly = category_counts_by_week(contacts, contact_type)
    n_weeks = len(weekly)
    columns = ["label", "weeks_in_top", "total", "mean_per_week", "trend_per_week", "peak_week"]
    if n_weeks == 0:
        return pd.DataFrame(columns=columns).rename_axis("category")
    needed = math.ceil(n_weeks / 2) if min_weeks is None else min_weeks
    ranks = weekly.rank(axis=1, method="min", ascending=False)
    in_top = ((ranks <= top) & (weekly > 0)).sum()
    x = pd.Series(range(n_weeks), index=weekly.index, dtype="float64")
    xc = x - x.mean()
    denom = float((xc**2).sum())
    slope = weekly.sub(weekly.mean()).mul(xc, axis=0).sum() / denom if denom else weekly.sum() * 0
    labels = load_categories()
    table = pd.DataFrame(
        {
            "label": [labels[c].label if c in labels else c for c in weekly.columns],
            "weeks_in_top": in_top.astype("int64"),
            "total": weekly.sum().astype("int64"),
            "mean_per_week": weekly.mean(),
            "trend_per_week": slope.astype("float64"),
            "peak_week": weekly.idxmax(),
        },
        index=weekly.columns,
    )
    table = table[table["weeks_in_top"] >= needed]
    return table.sort_values(["weeks_in_top", "total"], ascending=False, kind="stable")


def weekday_hour_profile(contacts: pd.DataFrame, category: str | None = None) -> pd.DataFrame:
    """Contacts by weekday (rows Mon…Sun) and hour (columns 0…23), e.g. to see that a
    category recurs on Monday mornings. ``category`` keeps just that category."""
    import pandas as pd

    require_columns(contacts, ["received_at"] + (["category"] if category else []),
                    "the weekday × hour profile")  # fmt: skip
    rows = contacts if category is None else contacts[contacts["category"] == category]
    t = _times(rows["received_at"])
    counts = pd.crosstab(t.dt.day_of_week, t.dt.hour)
    counts = counts.reindex(index=range(7), columns=range(24), fill_value=0).astype("int64")
    counts.index = pd.Index(WEEKDAYS, name="weekday")
    counts.columns.name = "hour"
    return counts


def _targets(matrix: PriorityMatrix | None, kind: str) -> dict[str, int]:
    from incidentfolio.priority import load_priority_matrix

    m = matrix or load_priority_matrix()
    attr = f"{kind}_max_minutes"
    return {code: getattr(p, attr) for code, p in sorted(m.priorities.items(),
                                                         key=lambda kv: kv[1].rank)}  # fmt: skip


def _priority_targets(contacts: pd.DataFrame, targets: dict[str, int]) -> pd.Series:
    codes = contacts["priority"]
    unknown = sorted(set(codes.dropna().astype(str)) - set(targets))
    if unknown:
        raise AnalyticsError(
            f"priority values not in the priority matrix: {', '.join(unknown)} "
            f"(expected {', '.join(targets)})"
        )
    return codes.map(targets).astype("float64")


def sla_breaches_by_priority(
    contacts: pd.DataFrame,
    measure: str = "resolution",
    by: str | Sequence[str] | None = None,
    matrix: PriorityMatrix | None = None,
) -> pd.DataFrame:
    """Contacts that missed their priority's target time, per priority (and ``by`` groups).

    ``measure`` is ``resolution`` (received → resolved_at against the matrix's
    ``resolution_max_minutes``) or ``response`` (received → answered_at against
    ``response_max_minutes``). Contacts without that time (unresolved, abandoned) are not
    judged; they are counted in ``not_timed``. Columns: ``target_minutes``, ``contacts``,
    ``not_timed``, ``breaches``, ``breach_rate``, ``median_minutes``.
    """
    import pandas as pd

    if measure not in ("resolution", "response"):
        raise AnalyticsError(f"measure must be 'resolution' or 'response' (got {measure!r})")
    end = "resolved_at" if measure == "resolution" else "answered_at"
    purpose = f"{measure} SLA breaches"
    require_columns(contacts, ["priority", "received_at", end], purpose)
    keys = _keys(contacts, by, purpose)
    targets = _targets(matrix, measure)
    target = _priority_targets(contacts, targets)
    elapsed = (_times(contacts[end]) - _times(contacts["received_at"])).dt.total_seconds() / 60
    timed = elapsed.notna()
    parts = pd.DataFrame(
        {
            "contacts": 1,
            "not_timed": (~timed).astype("int64"),
            "breaches": (timed & (elapsed > target)).astype("int64"),
            "timed": timed.astype("int64"),
        },
        index=contacts.index,
    )
    group = [*keys, contacts["priority"].rename("priority")]
    sums = parts.groupby(group, sort=True).sum()
    medians = elapsed.groupby(group, sort=True).median()
    table = pd.DataFrame(
        {
            "target_minutes": sums.index.get_level_values("priority").map(targets),
            "contacts": sums["contacts"].astype("int64"),
            "not_timed": sums["not_timed"].astype("int64"),
            "breaches": sums["breaches"].astype("int64"),
            "breach_rate": sums["breaches"] / sums["timed"].where(sums["timed"] != 0),
            "median_minutes": medians.reindex(sums.index),
        },
        index=sums.index,
    )
    return table.astype({"target_minutes": "int64", "breach_rate": "float64"})


def time_to_escalate(
    contacts: pd.DataFrame,
    by: str | Sequence[str] | None = "priority",
    matrix: PriorityMatrix | None = None,
) -> pd.DataFrame:
    """Minutes from receipt to escalation, per group (default: priority).

    Columns: ``contacts``, ``escalated``, ``escalation_rate``, ``median_minutes``,
    ``p90_minutes``, ``late`` (escalated later than the priority's response target in the
    matrix) and ``late_rate`` (late ÷ escalated).
    """
    import pandas as pd

    require_columns(contacts, ["received_at", "escalated_at", "priority"], "time to escalate")
    keys = _keys(contacts, by, "time to escalate")
    target = _priority_targets(contacts, _targets(matrix, "response"))
    minutes = (
        _times(contacts["escalated_at"]) - _times(contacts["received_at"])
    ).dt.total_seconds() / 60
    escalated = minutes.notna()
    parts = pd.DataFrame(
        {
            "contacts": 1,
            "escalated": escalated.astype("int64"),
            "late": (escalated & (minutes > target)).astype("int64"),
        },
        index=contacts.index,
    )
    if keys:
        sums = parts.groupby(keys, sort=True).sum()
        grouped = minutes.groupby(keys, sort=True)
        median, p90 = grouped.median(), grouped.quantile(0.9)
    else:
        sums = parts.sum().to_frame("all").T
        median = pd.Series([minutes.median()], index=sums.index)
        p90 = pd.Series([minutes.quantile(0.9)], index=sums.index)
    rate = sums["escalated"].where(sums["escalated"] != 0)
    table = pd.DataFrame(
        {
            "contacts": sums["contacts"].astype("int64"),
            "escalated": sums["escalated"].astype("int64"),
            "escalation_rate": sums["escalated"] / sums["contacts"],
            "median_minutes": median.reindex(sums.index),
            "p90_minutes": p90.reindex(sums.index),
            "late": sums["late"].astype("int64"),
            "late_rate": sums["late"] / rate,
        },
        index=sums.index,
    )
    return table.astype(
        dict.fromkeys(("escalation_rate", "median_minutes", "p90_minutes", "late_rate"), "float64")
    )
