"""A seeded synthetic contact-centre dataset for the KPI and trend-analysis notebooks.

``synthetic_contacts()`` gives ≥ 50,000 contacts over 8 weeks (columns: see
:data:`incidentfolio.analytics.kpis.CONTACT_COLUMNS`) and ``synthetic_agent_days()`` the
matching agent time (:data:`incidentfolio.analytics.kpis.AGENT_DAY_COLUMNS`), so every KPI
of domain brief §5 can be computed with pandas.

Values do not drift between library or Python versions: everything is drawn in pure Python
from ``random.Random(seed).random()`` — the one method whose stream Python guarantees for a
given seed — and turned into exponential, normal and weighted choices here, in integer
seconds, before pandas sees any of it. Categories come from ``categories.yaml`` and
resolution targets from ``priority_matrix.yaml``, so editing those files changes the data.

What is in it, so the analyses have something to find:

- volume: Monday busiest, Sunday quietest; intraday peaks mid-morning and early afternoon;
  a small weekly growth; phone answered 24/7 (an emergency line), chat 08:00–20:00;
- phone waits and abandonment from Erlang C per hour: agents are planned for 80/20 against
  the forecast, so hours busier than forecast miss the service level;
- a storm in week 3 (Tuesday–Thursday): power cuts, escapes of water, road and transport
  problems, a volume surge and more resolution-target breaches;
- a recurring problem: an internal system fails on Monday mornings after the weekend batch
  run, with password resets following it;
- a growing threat: authorised push payment scams rise week on week;
- a customer-facing outage on the Wednesday afternoon of week 6;
- first-contact resolution improving slowly as coaching takes effect.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from incidentfolio.analytics import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_SEED = 2026
DEFAULT_START = date(2026, 1, 5)  # a Monday
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
CHANNELS = ("phone", "email", "chat", "social")

_DAY_BASE = 1050.0
_WEEKDAY_FACTOR = (1.25, 1.10, 1.05, 1.00, 0.95, 0.60, 0.45)  # Monday … Sunday
_WEEKLY_GROWTH = 0.015
_HOUR_SHAPE = (
    0.3, 0.2, 0.15, 0.15, 0.15, 0.25, 0.6, 1.5, 4.5, 7.5, 8.5, 8.0,
    6.5, 7.0, 7.5, 7.0, 6.0, 5.0, 3.5, 2.5, 1.8, 1.3, 0.9, 0.5,
)  # fmt: skip
_PHONE_AHT_PLAN = 390.0  # seconds, what the planners assume
_PHONE_SHARE_PLAN = 0.55  # share of contacts the planners expect by phone
_CHAT_HOURS = range(8, 20)
_WRITTEN_HOURS = range(8, 20)  # email and social are answered in these hours
_PAID_SECONDS = 27_000  # 7.5-hour paid day

# Relative frequency of each category (points out of about 100 contacts).
_CATEGORY_WEIGHT = {
    "safety/gas-escape": 1.2, "safety/carbon-monoxide": 0.4, "safety/electrical-hazard": 0.6,
    "safety/fire": 0.3, "safety/entrapment": 0.2, "safety/road-hazard": 0.8,
    "safety/product-safety": 0.4, "safety/food-safety": 0.3, "safety/workplace-hazard": 0.4,
    "medical/life-threatening": 0.2, "medical/welfare-alarm": 0.8,
    "medical/assistance-abroad": 0.3,
    "safeguarding/risk-to-life": 0.3, "safeguarding/child": 0.2,
    "safeguarding/adult-at-risk": 0.4, "safeguarding/domestic-abuse": 0.3,
    "supply/power-cut": 2.0, "supply/water-network": 1.5, "supply/telecoms-network": 1.5,
    "supply/transport-disruption": 1.0,
    "it/customer-facing-outage": 1.5, "it/internal-system": 1.5, "it/single-user-fault": 3.0,
    "it/cyber-security": 0.4, "it/cosmetic-defect": 0.8,
    "data/personal-data-breach": 0.6,
    "financial-crime/card-security": 2.5, "financial-crime/account-takeover": 1.0,
    "financial-crime/app-scam": 0.8,
    "security/threat": 0.1, "security/abusive-caller": 0.6, "security/site-security": 0.3,
    "property/escape-of-water": 1.5, "property/road-collision": 1.0,
    "property/building-defect": 1.2,
    "operations/demand-surge": 0.3, "operations/site-evacuation": 0.1,
    "operations/delivery-failure": 1.0, "operations/reputational": 0.2,
    "operations/information-error": 0.5,
    "environment/fly-tipping": 0.8, "environment/pollution": 0.3,
    "request/account-update": 10.0, "request/password-reset": 12.0,
    "request/document-copy": 6.0, "request/subject-access": 1.5, "request/replacement": 5.0,
    "request/appointment": 5.5,
    "enquiry/information": 17.0,
    "complaint/service": 6.0, "complaint/billing": 5.0,
}  # fmt: skip
_UNLISTED_WEIGHT = 0.5  # a category a centre adds to categories.yaml

# Priority weights (P1…P5) by category, else by group, else by contact type.
_PRIORITY_WEIGHT: dict[str, tuple[float, ...]] = {
    "safety": (0.6, 0.3, 0.1, 0, 0),
    "safety/road-hazard": (0.3, 0.5, 0.2, 0, 0),
    "safety/product-safety": (0, 0.4, 0.4, 0.2, 0),
    "safety/food-safety": (0, 0.3, 0.5, 0.2, 0),
    "safety/workplace-hazard": (0, 0.3, 0.5, 0.2, 0),
    "medical/life-threatening": (1, 0, 0, 0, 0),
    "medical": (0.5, 0.4, 0.1, 0, 0),
    "medical/assistance-abroad": (0.3, 0.5, 0.2, 0, 0),
    "safeguarding": (0.5, 0.5, 0, 0, 0),
    "safeguarding/risk-to-life": (1, 0, 0, 0, 0),
    "safeguarding/adult-at-risk": (0.4, 0.5, 0.1, 0, 0),
    "supply": (0.1, 0.5, 0.4, 0, 0),
    "it": (0, 0.3, 0.6, 0.1, 0),
    "it/customer-facing-outage": (0.3, 0.6, 0.1, 0, 0),
    "it/single-user-fault": (0, 0, 0.3, 0.6, 0.1),
    "it/cyber-security": (0.5, 0.5, 0, 0, 0),
    "it/cosmetic-defect": (0, 0, 0, 0.2, 0.8),
    "data": (0.3, 0.6, 0.1, 0, 0),
    "financial-crime": (0, 0.6, 0.4, 0, 0),
    "financial-crime/account-takeover": (0.4, 0.6, 0, 0, 0),
    "financial-crime/app-scam": (0.7, 0.3, 0, 0, 0),
    "security": (0, 0.6, 0.4, 0, 0),
    "security/threat": (1, 0, 0, 0, 0),
    "security/abusive-caller": (0, 0.3, 0.7, 0, 0),
    "property": (0, 0.5, 0.5, 0, 0),
    "property/escape-of-water": (0.2, 0.5, 0.3, 0, 0),
    "property/building-defect": (0, 0.3, 0.5, 0.2, 0),
    "environment": (0, 0, 0.4, 0.5, 0.1),
    "request/subject-access": (0, 0, 0.2, 0.8, 0),
    "incident": (0, 0.3, 0.5, 0.2, 0),
    "service_request": (0, 0, 0, 0.6, 0.4),
    "enquiry": (0, 0, 0, 0.3, 0.7),
    "complaint": (0, 0, 0.3, 0.7, 0),
}
_CHANNEL_WEIGHT = {  # phone, email, chat, social
    "P1": (0.9, 0.0, 0.05, 0.05),
    "incident": (0.7, 0.1, 0.12, 0.08),
    "service_request": (0.4, 0.3, 0.2, 0.1),
    "enquiry": (0.4, 0.2, 0.25, 0.15),
    "complaint": (0.45, 0.35, 0.05, 0.15),
}
_TALK_MEAN = {"incident": 260.0, "service_request": 150.0, "enquiry": 100.0, "complaint": 330.0}
_FCR = {"incident": 0.55, "service_request": 0.78, "enquiry": 0.88, "complaint": 0.45}
_ESCALATE = {"P1": 0.85, "P2": 0.55, "P3": 0.25, "P4": 0.08, "P5": 0.02}
_ESCALATE_DELAY = {  # (fixed seconds, mean of the exponential part)
    "P1": (60.0, 240.0),
    "P2": (300.0, 900.0),
    "P3": (900.0, 3600.0),
    "P4": (3600.0, 14400.0),
    "P5": (3600.0, 14400.0),
}

_STORM_DAYS = frozenset({15, 16, 17})  # Tuesday–Thursday of week 3
_STORM_BOOST = {
    "supply/power-cut": 8.0,
    "property/escape-of-water": 4.0,
    "safety/road-hazard": 3.0,
    "supply/transport-disruption": 3.0,
    "supply/telecoms-network": 2.0,
    "safety/electrical-hazard": 2.0,
}
_MONDAY_MORNING_BOOST = {"it/internal-system": 6.0, "request/password-reset": 1.6}
_OUTAGE_DAY, _OUTAGE_HOURS = 37, range(13, 18)  # Wednesday of week 6
_OUTAGE_BOOST = {"it/customer-facing-outage": 25.0, "complaint/service": 2.0}


class _Rng:
    """Everything derived from ``random.Random(seed).random()`` only (a guaranteed stream)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed).random  # noqa: S311 - reproducible, not secret

    def uniform(self) -> float:
        return self._random()

    def chance(self, p: float) -> bool:
        return self._random() < p

    def exp(self, mean: float) -> float:
        return -mean * math.log(1.0 - self._random())

    def normal(self) -> float:
        """A standard normal draw (Box–Muller, one value per call)."""
        u1 = 1.0 - self._random()
        u2 = self._random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def below(self, n: int) -> int:
        return min(int(self._random() * n), n - 1)

    def pick(self, cumulative: list[float]) -> int:
        """Index drawn with the weights whose running totals are ``cumulative``."""
        return min(bisect_right(cumulative, self._random() * cumulative[-1]), len(cumulative) - 1)


@dataclass(frozen=True)
class _Raw:
    """The generated data as plain Python columns (cached; frames are built per call)."""

    contacts: dict[str, tuple]
    agent_days: dict[str, tuple]


def _priority_weights(category_id: str, contact_type: str) -> tuple[float, ...]:
    group = category_id.split("/", 1)[0]
    for key in (category_id, group, contact_type):
        if key in _PRIORITY_WEIGHT:
            return _PRIORITY_WEIGHT[key]
    return _PRIORITY_WEIGHT["incident"]


def _plan_agents(forecast_calls: float) -> int:
    """Agents the planners roster for an hour: Erlang C for 80/20 on the forecast, at least 2."""
    from incidentfolio.analytics.erlang import agents_for_target

    load = forecast_calls * _PHONE_AHT_PLAN / 3600.0
    return max(2, agents_for_target(load, _PHONE_AHT_PLAN, 80, 20)) if load > 0 else 2


def _generate(seed: int, weeks: int, start: date) -> _Raw:
    from incidentfolio.analytics.erlang import erlang_c
    from incidentfolio.categories import load_categories
    from incidentfolio.priority import load_priority_matrix

    rng = _Rng(seed)
    categories = load_categories()
    cat_ids = list(categories)
    cat_types = [categories[c].contact_type for c in cat_ids]
    base_weights = [_CATEGORY_WEIGHT.get(c, _UNLISTED_WEIGHT) for c in cat_ids]
    prio_cum = [
        list(accumulate(_priority_weights(c, t))) for c, t in zip(cat_ids, cat_types, strict=True)
    ]
    matrix = load_priority_matrix()
    resolution_minutes = {p: matrix.priorities[p].resolution_max_minutes for p in PRIORITIES}
    hour_cum = list(accumulate(_HOUR_SHAPE))
    hour_share = [w / hour_cum[-1] for w in _HOUR_SHAPE]
    channel_cum = {k: list(accumulate(v)) for k, v in _CHANNEL_WEIGHT.items()}
    weight_cache: dict[tuple, list[float]] = {}

    def category_cum(week: int, storm: bool, monday_morning: bool, outage: bool) -> list[float]:
        key = (week, storm, monday_morning, outage)
        if key not in weight_cache:
            weights = []
            for cid, w in zip(cat_ids, base_weights, strict=True):
                if cid == "financial-crime/app-scam":
                    w *= 1.0 + 0.35 * week
                if storm:
                    w *= _STORM_BOOST.get(cid, 1.0)
                if monday_morning:
                    w *= _MONDAY_MORNING_BOOST.get(cid, 1.0)
                if outage:
                    w *= _OUTAGE_BOOST.get(cid, 1.0)
                weights.append(w)
            weight_cache[key] = list(accumulate(weights))
        return weight_cache[key]

    # Times are counted in naive clock seconds since 1970-01-01 (no time zone, no DST).
    epoch0 = (start - date(1970, 1, 1)).days * 86_400
    cols: dict[str, list] = {name: [] for name in _CONTACT_FIELDS}
    agents: dict[str, list] = {name: [] for name in _AGENT_FIELDS}
    pool = [f"A{n:03d}" for n in range(1, 61)]

    for day in range(weeks * 7):
        week, weekday = divmod(day, 7)
        storm = day in _STORM_DAYS
        mean = _DAY_BASE * _WEEKDAY_FACTOR[weekday] * (1.0 + _WEEKLY_GROWTH * week)
        expected = mean
        if storm:
            mean *= 1.3
        count = max(0, round(mean * (1.0 + 0.06 * rng.normal())))
        day_start = epoch0 + day * 86_400
        # 1. when, what, how urgent, which channel
        day_rows = []
        for _ in range(count):
            hour = rng.pick(hour_cum)
            second = rng.below(3600)
            outage = day == _OUTAGE_DAY and hour in _OUTAGE_HOURS
            cum = category_cum(week, storm, weekday == 0 and 7 <= hour < 12, outage)
            ci = rng.pick(cum)
            prio = PRIORITIES[rng.pick(prio_cum[ci])]
            ctype = cat_types[ci]
            channel = CHANNELS[rng.pick(channel_cum["P1" if prio == "P1" else ctype])]
            if channel == "chat" and hour not in _CHAT_HOURS:
                channel = "email"
            day_rows.append((hour * 3600 + second, ci, prio, channel))
        # outage afternoon: extra phone calls on top of the usual mix
        if day == _OUTAGE_DAY and "it/customer-facing-outage" in cat_ids:
            outage_ci = cat_ids.index("it/customer-facing-outage")
            for _ in range(round(mean * 0.08)):
                t = _OUTAGE_HOURS[0] * 3600 + rng.below(len(_OUTAGE_HOURS) * 3600)
                day_rows.append((t, outage_ci, "P2", "phone"))
        day_rows.sort(key=lambda r: r[0])
        # 2. phone staffing per hour, planned on the forecast, tested by the actual calls
        phone_calls = [0] * 24
        for t, _ci, _p, ch in day_rows:
            if ch == "phone":
                phone_calls[t // 3600] += 1
        hour_queue = []
        for hour in range(24):
            planned = _plan_agents(expected * hour_share[hour] * _PHONE_SHARE_PLAN)
            staffed = max(1, planned + round(0.7 * rng.normal()))
            load = phone_calls[hour] * _PHONE_AHT_PLAN / 3600.0
            if load <= 0:
                hour_queue.append((0.0, 1.0))
            elif staffed > load:
                hour_queue.append((erlang_c(load, staffed), _PHONE_AHT_PLAN / (staffed - load)))
            else:
                hour_queue.append((1.0, _PHONE_AHT_PLAN / 0.5))
        # 3. what happened to each contact
        handled_today: list[int] = []
        for t, ci, prio, channel in day_rows:
            ctype = cat_types[ci]
            hour = t // 3600
            received = day_start + t
            abandoned = False
            if channel in ("phone", "chat"):
                p_wait, mean_wait = hour_queue[hour]
                if channel == "chat":
                    mean_wait *= 1.5
                wait = rng.exp(mean_wait) if rng.chance(p_wait) else 0.0
                patience = rng.exp(
                    900.0 if prio == "P1" else (480.0 if channel == "chat" else 420.0)
                )
                if wait > patience:
                    abandoned, wait = True, patience
            else:
                opens = _next_open(t, _WRITTEN_HOURS)
                wait = (opens - t) + rng.exp(10_800.0 if channel == "email" else 3_600.0)
            wait_s = round(wait)
            cols["contact_id"].append(None)  # numbered once all days are sorted
            cols["received_at"].append(received)
            cols["channel"].append(channel)
            cols["category"].append(cat_ids[ci])
            cols["contact_type"].append(ctype)
            cols["priority"].append(prio)
            cols["wait_seconds"].append(wait_s)
            cols["abandoned"].append(abandoned)
            if abandoned:
                for name in ("agent_id", "escalation"):
                    cols[name].append(None)
                for name in _OUTCOME_NUMBERS:
                    cols[name].append(math.nan)
                cols["resolved_first_contact"].append(False)
                continue
            answered = received + wait_s
            if channel == "phone":
                talk = 40.0 + rng.exp(_TALK_MEAN[ctype])
                hold = 15.0 + rng.exp(60.0) if rng.chance(0.35) else 0.0
                acw = 20.0 + rng.exp(110.0 if ctype == "incident" else 70.0)
            elif channel == "chat":
                talk, hold, acw = 60.0 + rng.exp(420.0), 0.0, 15.0 + rng.exp(40.0)
            elif channel == "email":
                talk, hold, acw = 60.0 + rng.exp(300.0), 0.0, 10.0 + rng.exp(30.0)
            else:
                talk, hold, acw = 30.0 + rng.exp(150.0), 0.0, 10.0 + rng.exp(20.0)
            talk_s, hold_s, acw_s = round(talk), round(hold), round(acw)
            handle_s = talk_s + hold_s + acw_s
            escalated = ctype in ("incident", "complaint") and rng.chance(
                _ESCALATE[prio] if ctype == "incident" else 0.15
            )
            escalation = None
            escalated_at = math.nan
            if escalated:
                fixed, extra = _ESCALATE_DELAY[prio]
                delay = fixed + rng.exp(extra)
                if rng.chance(0.08):  # escalated too late
                    delay *= 5.0
                escalated_at = answered + round(delay)
                escalation = (
                    "hierarchical" if ctype == "complaint" or rng.chance(0.3) else "functional"
                )
            fcr_p = _FCR[ctype] + 0.005 * week
            fcr = not escalated and rng.chance(fcr_p)
            if fcr:
                resolved = answered + handle_s
            else:
                slow = 1.6 if storm and ctype == "incident" else 1.0
                fraction = rng.exp(0.45 * slow if prio != "P1" else 0.35 * slow)
                resolved = received + max(
                    wait_s + handle_s, round(fraction * resolution_minutes[prio] * 60)
                )
                if escalated:
                    resolved = max(resolved, escalated_at + 300)
            csat = math.nan
            if rng.chance(0.18):
                happy = 0.55 + (0.25 if fcr else 0.0) - 0.25 * min(wait_s, 600) / 600
                if ctype == "complaint":
                    happy -= 0.15
                if rng.chance(happy):
                    csat = 5.0 if rng.chance(0.55) else 4.0
                else:
                    u = rng.uniform()
                    csat = 3.0 if u < 0.45 else (2.0 if u < 0.75 else 1.0)
            cols["agent_id"].append(None)  # assigned below, once the rota is known
            cols["escalation"].append(escalation)
            cols["answered_at"].append(answered)
            cols["talk_seconds"].append(talk_s)
            cols["hold_seconds"].append(hold_s)
            cols["acw_seconds"].append(acw_s)
            cols["handle_seconds"].append(handle_s)
            cols["escalated_at"].append(escalated_at)
            cols["resolved_at"].append(resolved)
            cols["csat"].append(csat)
            cols["resolved_first_contact"].append(fcr)
            handled_today.append(len(cols["agent_id"]) - 1)
        # 4. the rota: enough agents present to run at 80–88 % occupancy; then who took what
        workload = sum(cols["handle_seconds"][i] for i in handled_today)
        target_occ = 0.80 + 0.08 * rng.uniform()
        present: list[int] = []  # row numbers in ``agents``
        capacity = 0.0
        offset = (day * 7) % len(pool)
        k = 0
        while (capacity * target_occ < workload or len(present) < 3) and k < len(pool):
            agent = pool[(offset + k) % len(pool)]
            k += 1
            row = dict.fromkeys(_AGENT_FIELDS, 0)
            row.update(agent_id=agent, date=day_start, paid_seconds=_PAID_SECONDS)
            if rng.chance(0.10):
                row["leave_seconds"] = _PAID_SECONDS
            elif rng.chance(0.04):
                row["absence_seconds"] = _PAID_SECONDS
            else:
                row["break_seconds"] = 2_700
                row["meeting_seconds"] = 1_800 if rng.chance(0.25) else 0
                row["training_seconds"] = (3_600 * (1 + rng.below(2))) if rng.chance(0.2) else 0
            away = sum(row[n] for n in _SHRINKAGE_FIELDS)
            row["logged_in_seconds"] = _PAID_SECONDS - away
            for name in _AGENT_FIELDS:
                agents[name].append(row[name])
            if row["logged_in_seconds"] > 0:
                present.append(len(agents["agent_id"]) - 1)
                capacity += row["logged_in_seconds"]
        load_of = dict.fromkeys(present, 0)
        for i in handled_today:
            a, b = present[rng.below(len(present))], present[rng.below(len(present))]
            la = load_of[a] / agents["logged_in_seconds"][a]
            lb = load_of[b] / agents["logged_in_seconds"][b]
            chosen = a if la <= lb else b
            load_of[chosen] += cols["handle_seconds"][i]
            cols["agent_id"][i] = agents["agent_id"][chosen]
        for r, handled in load_of.items():
            agents["handling_seconds"][r] = handled

    order = sorted(range(len(cols["received_at"])), key=lambda i: cols["received_at"][i])
    contacts = {name: tuple(cols[name][i] for i in order) for name in _CONTACT_FIELDS}
    contacts["contact_id"] = tuple(f"C{n:06d}" for n in range(1, len(order) + 1))
    return _Raw(contacts, {name: tuple(values) for name, values in agents.items()})


def _next_open(t: int, hours: range) -> int:
    """Seconds since midnight when written contacts received at ``t`` start to be worked."""
    hour = t // 3600
    if hour in hours:
        return t
    if hour < hours.start:
        return hours.start * 3600
    return 86_400 + hours.start * 3600


_CONTACT_FIELDS = (
    "contact_id", "received_at", "channel", "category", "contact_type", "priority",
    "agent_id", "wait_seconds", "abandoned", "answered_at", "talk_seconds", "hold_seconds",
    "acw_seconds", "handle_seconds", "resolved_first_contact", "escalation", "escalated_at",
    "resolved_at", "csat",
)  # fmt: skip
_OUTCOME_NUMBERS = (
    "answered_at", "talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds",
    "escalated_at", "resolved_at", "csat",
)  # fmt: skip
_SHRINKAGE_FIELDS = (
    "break_seconds", "meeting_seconds", "training_seconds", "absence_seconds", "leave_seconds",
)  # fmt: skip
_AGENT_FIELDS = (
    "agent_id", "date", "paid_seconds", "logged_in_seconds", "handling_seconds",
    *_SHRINKAGE_FIELDS,
)  # fmt: skip
_TIMES = ("received_at", "answered_at", "escalated_at", "resolved_at")


@lru_cache(maxsize=4)
def _raw(seed: int, weeks: int, start: date) -> _Raw:
    return _generate(seed, weeks, start)


def _check(seed: object, weeks: object, start: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInputError("seed", f"must be a whole number (got {seed!r})")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 52:
        raise InvalidInputError("weeks", f"must be a whole number from 1 to 52 (got {weeks!r})")
    if not isinstance(start, date) or isinstance(start, datetime):
        raise InvalidInputError("start", f"must be a date (got {start!r})")


def _epoch_to_datetime(values: tuple) -> pd.Series:
    import pandas as pd

    seconds = pd.Series(values, dtype="float64")
    return pd.to_datetime(seconds, unit="s").astype("datetime64[ns]")


def synthetic_contacts(
    seed: int = DEFAULT_SEED, weeks: int = 8, start: date = DEFAULT_START
) -> pd.DataFrame:
    """The synthetic contacts, one row each in ``received_at`` order (a new frame per call).

    Times are naive local (UK) clock times at one-second resolution; an abandoned contact
    has no answer, agent, handle times or outcome (NaT / NaN / None) and
    ``resolved_first_contact`` False. Columns: ``kpis.CONTACT_COLUMNS``.
    """
    import pandas as pd

    _check(seed, weeks, start)
    raw = _raw(seed, weeks, start).contacts
    data: dict[str, object] = {}
    for name in _CONTACT_FIELDS:
        values = raw[name]
        if name in _TIMES:
            data[name] = _epoch_to_datetime(values)
        elif name in ("wait_seconds",):
            data[name] = pd.Series(values, dtype="int64")
        elif name in ("abandoned", "resolved_first_contact"):
            data[name] = pd.Series(values, dtype="bool")
        elif name in _OUTCOME_NUMBERS:
            data[name] = pd.Series(values, dtype="float64")
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)


def synthetic_agent_days(
    seed: int = DEFAULT_SEED, weeks: int = 8, start: date = DEFAULT_START
) -> pd.DataFrame:
    """Agent time matching :func:`synthetic_contacts` (same arguments): one row per agent
    rostered per day. ``handling_seconds`` is the sum of that agent's contacts' handle time
    that day. Columns: ``kpis.AGENT_DAY_COLUMNS``.
    """
    import pandas as pd

    _check(seed, weeks, start)
    raw = _raw(seed, weeks, start).agent_days
    data: dict[str, object] = {}
    for name in _AGENT_FIELDS:
        if name == "agent_id":
            data[name] = pd.Series(raw[name], dtype="object")
        elif name == "date":
            data[name] = _epoch_to_datetime(raw[name])
        else:
            data[name] = pd.Series(raw[name], dtype="int64")
    return pd.DataFrame(data)
