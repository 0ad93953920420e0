"""Analytics: Erlang C against exact arithmetic, the brief's worked examples through the real
CLI, KPI functions on hand-made frames, and the synthetic dataset's determinism."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import subprocess
import sys
import time
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import REPO, cli, only_error

from incidentfolio.analytics import (
    AnalyticsError,
    InvalidInputError,
    MissingColumnsError,
    dataset,
    erlang,
    kpis,
)

# --- Erlang C against an exact computation --------------------------------------------------


def exact_erlang_c(load: Fraction, agents: int) -> Fraction:
    """P(wait) straight from the textbook formula, in exact rational arithmetic.

    With A = p/q every term A^k/k! is scaled by q^N·N! to the integer p^k·q^(N−k)·N!/k!, so
    P_w = T_N·N/(N−A) ÷ (Σ_{k<N} T_k + T_N·N/(N−A)) needs no rounding at all.
    """
    p, q = load.numerator, load.denominator
    term = q**agents * math.factorial(agents)  # T_0
    below = 0
    for k in range(1, agents + 1):
        below += term  # adds T_{k-1}
        term, rest = divmod(term * p, q * k)
        assert rest == 0
    waiting = Fraction(term * agents * q, agents * q - p)  # T_N · N/(N − A)
    return waiting / (below + waiting)


LOADS = [0.1, 0.5, 1.0, 2.5, 7.3, 10.0, 48.0, 100.0, 333.3, 1000.0, 2500.0, 4999.75, 5000.0]


def _agent_counts(load: float) -> list[int]:
    root = math.sqrt(load)
    return sorted(
        {
            math.floor(load) + 1,
            math.ceil(load + root),
            math.ceil(load + 2 * root) + 1,
            math.ceil(load + 3 * root) + 3,
        }
    )


@pytest.mark.parametrize("load", LOADS)
def test_erlang_c_matches_exact_arithmetic(load):
    for agents in _agent_counts(load):
        exact = exact_erlang_c(Fraction(load), agents)
        got = erlang.erlang_c(load, agents)
        rel = abs(Fraction(got) - exact) / exact
        assert rel <= Fraction(1, 10**9), (load, agents, got, float(exact), float(rel))


def test_erlang_b_matches_the_formula_for_small_loads():
    load, agents = Fraction(3), 5
    terms = [load**k / math.factorial(k) for k in range(agents + 1)]
    exact = terms[-1] / sum(terms)
    assert erlang.erlang_b(3.0, 5) == pytest.approx(float(exact), rel=1e-12)


def test_erlang_c_at_5000_erlangs_is_fast_and_finite():
    started = time.perf_counter()
    result = erlang.staffing(calls=50_000, period_minutes=30, aht_seconds=180, target="80/20")
    elapsed = time.perf_counter() - started
    assert result.offered_load_erlangs == 5000.0
    assert result.agents_on_phones > 5000
    assert all(math.isfinite(v) for v in result.as_dict().values())
    assert elapsed < 1.0


@settings(max_examples=150, deadline=None)
@given(
    load=st.floats(min_value=0.05, max_value=800, allow_nan=False),
    extra=st.integers(min_value=0, max_value=40),
    aht=st.floats(min_value=5, max_value=1800),
    target=st.floats(min_value=0, max_value=300),
)
def test_service_level_increases_with_agents(load, extra, aht, target):
    first = math.floor(load) + 1 + extra
    rows = erlang.agents_table(load, aht, target, range(first, first + 4))
    levels = [row.service_level for row in rows]
    assert len(levels) == 4
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(levels))
    assert all(0.0 <= sl <= 1.0 for sl in levels)
    waits = [row.p_wait for row in rows]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(waits))


@settings(max_examples=150, deadline=None)
@given(
    calls=st.integers(min_value=1, max_value=3000),
    period=st.sampled_from([15, 30, 60]),
    aht=st.floats(min_value=5, max_value=900),
    factor=st.floats(min_value=1.0, max_value=3.0),
    spare=st.integers(min_value=1, max_value=30),
    target=st.floats(min_value=0, max_value=120),
)
def test_service_level_decreases_with_aht(calls, period, aht, factor, spare, target):
    longer = aht * factor
    load_short = erlang.offered_load(calls, aht, period * 60)
    load_long = erlang.offered_load(calls, longer, period * 60)
    agents = math.floor(load_long) + spare
    short = erlang.service_level(load_short, agents, aht, target)
    long = erlang.service_level(load_long, agents, longer, target)
    assert long <= short + 1e-12


@settings(max_examples=100, deadline=None)
@given(
    load=st.floats(min_value=0.05, max_value=2000),
    aht=st.floats(min_value=10, max_value=900),
    percent=st.floats(min_value=1, max_value=99),
    seconds=st.floats(min_value=0, max_value=120),
)
def test_agents_for_target_is_the_smallest_that_meets_it(load, aht, percent, seconds):
    n = erlang.agents_for_target(load, aht, percent, seconds)
    assert n > load
    assert erlang.service_level(load, n, aht, seconds) >= percent / 100
    if n - 1 > load:
        assert erlang.service_level(load, n - 1, aht, seconds) < percent / 100


# --- the worked examples of the domain brief, through the real CLI --------------------------

JSON_KEYS = {
    "offered_load_erlangs",
    "agents_on_phones",
    "agents_to_schedule",
    "service_level",
    "asa_seconds",
    "occupancy",
    "p_wait",
}


def test_worked_example_a_json():
    result = cli(
        "staffing", "--calls", "100", "--period", "30", "--aht", "180",
        "--target", "80/20", "--shrinkage", "0.3", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= JSON_KEYS
    assert list(data)[:7] == sorted(JSON_KEYS, key=list(data).index)
    assert data["offered_load_erlangs"] == 10.0
    assert data["agents_on_phones"] == 14
    assert data["agents_to_schedule"] == 20
    assert round(data["service_level"] * 100, 1) == 88.8
    assert round(data["asa_seconds"], 1) == 7.8
    assert round(data["occupancy"] * 100, 1) == 71.4
    assert round(data["p_wait"] * 100, 1) == 17.4
    assert data["shrinkage"] == 0.3
    assert (data["target_percent"], data["target_seconds"]) == (80, 20)


def test_worked_example_a_table_of_the_brief():
    """The brief's table for A = 10 Erl, AHT 180 s, within 20 s: N = 11 … 14."""
    rows = erlang.agents_table(10.0, 180, 20, range(11, 15))
    got = [
        (r.agents, round(r.occupancy * 100, 1), round(r.p_wait * 100, 1),
         round(r.service_level * 100, 1), round(r.asa_seconds, 1))
        for r in rows
    ]  # fmt: skip
    assert got == [
        (11, 90.9, 68.2, 39.0, 122.8),
        (12, 83.3, 44.9, 64.0, 40.4),
        (13, 76.9, 28.5, 79.6, 17.1),
        (14, 71.4, 17.4, 88.8, 7.8),
    ]


def test_worked_example_a_human_output():
    result = cli(
        "staffing", "--calls", "100", "--period", "30", "--aht", "180",
        "--target", "80/20", "--shrinkage", "0.3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "10.00 Erlangs" in out
    lines = {line.split("  ")[0]: line for line in out.splitlines() if line}
    assert lines["Agents on phones"].split()[-1] == "14"
    assert lines["Agents to schedule"].split()[3] == "20"
    assert "88.8 %" in lines["Service level"]
    curve = out.splitlines()[-1]
    assert curve.startswith("N vs service level within 20 s:")
    for n, sl in [(12, "64.0"), (13, "79.6"), (14, "88.8"), (15, "94.1"), (17, "98.6")]:
        assert f"{n}: {sl} %" in curve
    assert "11:" not in curve and "18:" not in curve


def test_worked_example_b():
    args = ("staffing", "--calls", "360", "--period", "30", "--aht", "240", "--target", "80/15")
    data = json.loads(cli(*args, "--json").stdout)
    assert data["offered_load_erlangs"] == 48.0
    assert data["agents_on_phones"] == 55
    assert data["agents_to_schedule"] == 55
    assert round(data["service_level"] * 100, 1) == 84.6
    assert round(data["p_wait"] * 100, 2) == 23.87
    assert round(data["asa_seconds"], 1) == 8.2
    assert round(data["occupancy"] * 100, 1) == 87.3
    human = cli(*args)
    assert human.returncode == 0
    assert "54: 79.3 %" in human.stdout and "55: 84.6 % ◀" in human.stdout


def test_staffing_is_listed_in_help():
    result = cli("--help")
    assert "staffing" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--period", "0"], "--period must be more than 0 minutes (got 0)"),
        (["--aht", "-180"], "--aht must be more than 0 seconds (got -180)"),
        (["--calls", "-5"], "--calls must be more than 0 (got -5)"),
        (["--calls", "nan"], "--calls must be a finite number"),
        (["--target", "120/20"], "--target percentage must be above 0 and below 100 (got 120)"),
        (["--target", "0/20"], "--target percentage must be above 0 and below 100 (got 0)"),
        (["--target", "80/-1"], "--target seconds must be 0 or more (got -1)"),
        (["--shrinkage", "1"], "--shrinkage must be at least 0 and below 1"),
        (["--shrinkage", "30"], "--shrinkage must be at least 0 and below 1, e.g. 0.3 for 30 %"),
        (["--shrinkage", "-0.1"], "--shrinkage must be at least 0 and below 1"),
        (["--calls", "1e9"], "offered load of 100000000.00 Erlangs is more than"),
    ],
)
def test_invalid_staffing_input_is_one_line(args, expected):
    base = {"--calls": "100", "--period": "30", "--aht": "180", "--target": "80/20"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [x for pair in base.items() for x in pair]
    message = only_error(cli("staffing", *argv))
    assert message.startswith(expected), message


@pytest.mark.parametrize("target", ["80-20", "80", "eighty/20", "80/20/5", ""])
def test_malformed_target_is_a_usage_error(target):
    result = cli("staffing", "--calls", "100", "--period", "30", "--aht", "180", "--target", target)
    assert result.returncode == 2
    assert "--target" in result.stderr and "80/20" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_required_option_is_a_usage_error():
    result = cli("staffing", "--calls", "100", "--aht", "180")
    assert result.returncode == 2
    assert "--period" in result.stderr


@pytest.mark.parametrize(
    ("call", "parameter", "text"),
    [
        (lambda: erlang.erlang_c(10.0, 10), "agents", "more than the offered load of 10.00"),
        (lambda: erlang.erlang_c(10.0, 9), "agents", "queue grows without limit"),
        (lambda: erlang.service_level(5, 8, 0, 20), "aht_seconds", "more than 0 seconds"),
        (lambda: erlang.service_level(5, 8, 180, -1), "target_seconds", "0 or more"),
        (lambda: erlang.offered_load(10, 180, 0), "period_seconds", "more than 0"),
        (lambda: erlang.offered_load(-1, 180, 60), "calls", "more than 0"),
        (lambda: erlang.scheduled_agents(14, 1.0), "shrinkage", "below 1"),
        (lambda: erlang.agents_for_target(5, 180, 100, 20), "target_percent", "below 100"),
        (lambda: erlang.staffing(100, 30, 180, "x"), "target", "must look like 80/20"),
        (lambda: erlang.erlang_c("10", 12), "load", "must be a number"),
        (lambda: erlang.erlang_c(10.0, 12.5), "agents", "whole number"),
    ],
)
def test_core_errors_name_the_parameter_in_one_line(call, parameter, text):
    with pytest.raises(InvalidInputError) as info:
        call()
    message = str(info.value)
    assert info.value.parameter == parameter
    assert message.startswith(f"{parameter} ")
    assert text in message
    assert "\n" not in message


def test_scheduled_agents_rounds_up_but_not_float_noise():
    assert erlang.scheduled_agents(14, 0.3) == 20
    assert erlang.scheduled_agents(14, 0.0) == 14
    assert erlang.scheduled_agents(15, 0.3) == 22  # 21.43 → 22
    assert erlang.scheduled_agents(7, 0.3) == 10


def test_parse_target_accepts_common_spellings():
    assert erlang.parse_target("80/20") == (80.0, 20.0)
    assert erlang.parse_target(" 90 % / 15s ") == (90.0, 15.0)
    assert erlang.parse_target("80.5/10.5") == (80.5, 10.5)


# --- KPIs on hand-made frames ---------------------------------------------------------------

T0 = pd.Timestamp("2026-01-05 09:00:00")  # a Monday


def _contacts() -> pd.DataFrame:
    """Six phone calls with round numbers; the expected KPIs are worked out by hand."""
    return pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "received_at": [T0 + pd.Timedelta(minutes=m) for m in (0, 5, 10, 15, 20, 25)],
            "channel": ["phone"] * 6,
            "category": ["it/internal-system"] * 3 + ["supply/power-cut"] * 3,
            "contact_type": ["incident"] * 6,
            "priority": ["P1", "P2", "P2", "P3", "P4", "P1"],
            "wait_seconds": [0, 10, 20, 30, 40, 3],
            "abandoned": [False, False, False, False, True, True],
            "handle_seconds": [300.0, 200.0, 400.0, 100.0, None, None],
            "resolved_first_contact": [True, False, True, True, False, False],
            "csat": [5.0, 3.0, None, 4.0, None, None],
            "escalated_at": [
                T0 + pd.Timedelta(minutes=10),  # P1 after 10 min: within 15
                T0 + pd.Timedelta(minutes=5 + 90),  # P2 after 90 min: late (target 60)
                pd.NaT,
                pd.NaT,
                pd.NaT,
                pd.NaT,
            ],
            "answered_at": [
                T0,
                T0 + pd.Timedelta(minutes=5, seconds=10),
                T0 + pd.Timedelta(minutes=10, seconds=20),
                T0 + pd.Timedelta(minutes=15, seconds=30),
                pd.NaT,
                pd.NaT,
            ],
            "resolved_at": [
                T0 + pd.Timedelta(minutes=300),  # P1 target 240: breach
                T0 + pd.Timedelta(minutes=5 + 100),  # P2 target 480: met
                T0 + pd.Timedelta(minutes=10 + 481),  # P2: breach
                T0 + pd.Timedelta(minutes=15 + 60),  # P3: met
                pd.NaT,
                pd.NaT,
            ],
        }
    )


def test_kpis_on_a_hand_made_frame():
    df = _contacts()
    assert kpis.aht(df) == 250.0  # (300 + 200 + 400 + 100) / 4 handled
    assert kpis.fcr(df) == 0.75  # 3 of 4 handled
    assert kpis.csat(df) == pytest.approx(2 / 3)  # 5 and 4 of three scores
    assert kpis.service_level(df) == pytest.approx(3 / 6)  # waits 0, 10, 20 of 6 offered
    assert kpis.service_level(df, threshold_seconds=30) == pytest.approx(4 / 6)
    assert kpis.service_level(df, short_abandon_seconds=5) == pytest.approx(3 / 5)
    assert kpis.asa(df) == 15.0  # (0 + 10 + 20 + 30) / 4
    assert kpis.abandonment_rate(df) == pytest.approx(2 / 6)
    assert kpis.abandonment_rate(df, short_abandon_seconds=5) == pytest.approx(1 / 5)


def test_kpis_of_nothing_are_nan():
    empty = _contacts().iloc[0:0]
    assert math.isnan(kpis.aht(empty))
    assert math.isnan(kpis.service_level(empty))
    assert math.isnan(kpis.csat(empty))


def test_kpi_table_matches_the_single_functions():
    df = _contacts()
    table = kpis.kpi_table(df)
    assert list(table.columns) == list(kpis.KPI_TABLE_COLUMNS)
    row = table.loc["all"]
    assert (row["contacts"], row["handled"]) == (6, 4)
    assert row["aht_seconds"] == 250.0
    assert row["fcr"] == 0.75
    assert row["csat"] == pytest.approx(2 / 3)
    assert row["service_level"] == pytest.approx(0.5)
    assert row["asa_seconds"] == 15.0
    by_cat = kpis.kpi_table(df, by="category")
    assert by_cat.loc["it/internal-system", "aht_seconds"] == 300.0
    assert by_cat.loc["supply/power-cut", "abandonment_rate"] == pytest.approx(2 / 3)
    assert by_cat.loc["supply/power-cut", "asa_seconds"] == 30.0
    by_week = kpis.kpi_table(df, by="week")
    assert list(by_week.index) == [pd.Timestamp("2026-01-05")]


def test_occupancy_and_shrinkage():
    days = pd.DataFrame(
        {
            "agent_id": ["A1", "A2"],
            "paid_seconds": [27_000, 27_000],
            "logged_in_seconds": [20_000, 0],
            "handling_seconds": [16_000, 0],
            "break_seconds": [2_700, 0],
            "meeting_seconds": [1_800, 0],
            "training_seconds": [2_500, 0],
            "absence_seconds": [0, 27_000],
            "leave_seconds": [0, 0],
        }
    )
    assert kpis.occupancy(days) == 0.8
    assert kpis.shrinkage(days) == pytest.approx(34_000 / 54_000)
    parts = kpis.shrinkage_breakdown(days)
    assert parts["absence"] == 0.5
    assert parts.sum() == pytest.approx(kpis.shrinkage(days))


def test_sla_breaches_by_priority_uses_the_matrix_targets():
    table = kpis.sla_breaches_by_priority(_contacts())
    assert table.loc["P1", "target_minutes"] == 240
    assert table.loc["P2", "target_minutes"] == 480
    assert table.loc["P1", ["contacts", "not_timed", "breaches"]].tolist() == [2, 1, 1]
    assert table.loc["P1", "breach_rate"] == 1.0
    assert table.loc["P2", "breaches"] == 1 and table.loc["P2", "breach_rate"] == 0.5
    assert table.loc["P3", "breaches"] == 0
    response = kpis.sla_breaches_by_priority(_contacts(), measure="response")
    assert response["breaches"].sum() == 0  # every answer within 31 s


def test_time_to_escalate():
    table = kpis.time_to_escalate(_contacts())
    assert table.loc["P1", "escalated"] == 1
    assert table.loc["P1", "escalation_rate"] == 0.5
    assert table.loc["P1", "median_minutes"] == 10.0
    assert table.loc["P1", "late"] == 0
    assert table.loc["P2", "median_minutes"] == 90.0
    assert table.loc["P2", "late"] == 1  # the P2 response target is 60 minutes
    overall = kpis.time_to_escalate(_contacts(), by=None)
    assert overall.loc["all", "escalated"] == 2


def test_weekly_trend_helpers():
    df = _contacts()
    later = df.assign(received_at=df["received_at"] + pd.Timedelta(days=7))
    both = pd.concat([df, later.iloc[:3]], ignore_index=True)
    weekly = kpis.category_counts_by_week(both)
    assert weekly.loc[pd.Timestamp("2026-01-12"), "it/internal-system"] == 3
    assert weekly.loc[pd.Timestamp("2026-01-12"), "supply/power-cut"] == 0
    assert list(weekly.columns) == ["it/internal-system", "supply/power-cut"]
    # week 1 is a tie (both rank 1), so each is in the top 1 at least once
    assert len(kpis.recurring_categories(both, top=1)) == 2
    recurring = kpis.recurring_categories(both, top=1, min_weeks=2)
    assert list(recurring.index) == ["it/internal-system"]
    assert recurring.loc["it/internal-system", "label"] == "Internal system failure"
    assert recurring.loc["it/internal-system", "weeks_in_top"] == 2
    profile = kpis.weekday_hour_profile(both, "it/internal-system")
    assert profile.loc["Mon", 9] == 6
    assert profile.to_numpy().sum() == 6


def test_missing_columns_are_named_in_one_error():
    df = _contacts().drop(columns=["wait_seconds", "abandoned"])
    with pytest.raises(MissingColumnsError) as info:
        kpis.service_level(df)
    message = str(info.value)
    assert message == (
        "contacts data is missing the columns needed for service level: wait_seconds, abandoned"
    )
    with pytest.raises(MissingColumnsError, match=r"needed for AHT: handle_seconds$"):
        kpis.aht(df.drop(columns=["handle_seconds"]))
    with pytest.raises(MissingColumnsError, match=r"agent time data .* logged_in_seconds"):
        kpis.occupancy(pd.DataFrame({"handling_seconds": [1]}))
    with pytest.raises(MissingColumnsError, match=r"the KPI table: abandoned, wait_seconds$"):
        kpis.kpi_table(df)
    with pytest.raises(AnalyticsError, match="must be a pandas DataFrame"):
        kpis.aht([1, 2])


def test_unknown_priority_is_a_clear_error():
    df = _contacts().assign(priority="P9")
    with pytest.raises(AnalyticsError, match="not in the priority matrix: P9"):
        kpis.sla_breaches_by_priority(df)


# --- the synthetic dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def contacts():
    return dataset.synthetic_contacts()


def test_dataset_is_deterministic_and_generated_quickly(contacts):
    dataset._raw.cache_clear()
    started = time.perf_counter()
    again = dataset.synthetic_contacts(seed=2026)
    elapsed = time.perf_counter() - started
    pd.testing.assert_frame_equal(contacts, again)
    assert elapsed < 10  # about 1 s on a laptop; the limit only catches a blow-up
    other = dataset.synthetic_contacts(seed=7, weeks=1)
    assert not other["wait_seconds"].head(100).equals(contacts["wait_seconds"].head(100))


def test_dataset_size_range_and_values(contacts):
    from incidentfolio.categories import load_categories

    assert len(contacts) >= 50_000
    assert list(contacts.columns) == list(kpis.CONTACT_COLUMNS)
    assert contacts["contact_id"].is_unique
    assert contacts["received_at"].is_monotonic_increasing
    assert contacts["received_at"].min() >= pd.Timestamp("2026-01-05")
    assert contacts["received_at"].max() < pd.Timestamp("2026-03-02")
    assert contacts["received_at"].dt.normalize().nunique() == 56
    assert set(contacts["channel"]) == {"phone", "email", "chat", "social"}
    assert set(contacts["priority"]) == {"P1", "P2", "P3", "P4", "P5"}
    assert set(contacts["category"]) <= set(load_categories())
    assert set(contacts["contact_type"]) == {"incident", "service_request", "enquiry", "complaint"}
    handled = contacts[~contacts["abandoned"]]
    assert handled["handle_seconds"].notna().all()
    assert (
        handled["handle_seconds"]
        == handled["talk_seconds"] + handled["hold_seconds"] + handled["acw_seconds"]
    ).all()
    assert (handled["answered_at"] >= handled["received_at"]).all()
    assert (handled["resolved_at"] >= handled["answered_at"]).all()
    assert contacts.loc[contacts["abandoned"], "channel"].isin(["phone", "chat"]).all()
    assert contacts["csat"].dropna().isin([1, 2, 3, 4, 5]).all()


def test_dataset_has_realistic_patterns(contacts):
    phone = contacts[contacts["channel"] == "phone"]
    assert 0.7 < kpis.service_level(phone) < 0.9
    assert 0.03 < kpis.abandonment_rate(phone) < 0.1
    assert 300 < kpis.aht(phone) < 480
    by_day = contacts.groupby(contacts["received_at"].dt.day_of_week).size()
    assert by_day.idxmax() == 0 and by_day.idxmin() == 6  # Monday busiest, Sunday quietest
    by_hour = contacts.groupby(contacts["received_at"].dt.hour).size()
    assert by_hour.loc[9:16].min() > 3 * by_hour.loc[0:5].max()
    recurring = kpis.recurring_categories(contacts)
    assert "it/internal-system" in recurring.index
    assert recurring.loc["financial-crime/app-scam", "trend_per_week"] > 10
    monday_morning = kpis.weekday_hour_profile(contacts, "it/internal-system")
    assert monday_morning.loc["Mon", 10] > 3 * monday_morning.loc["Tue", 10]


def test_agent_days_match_the_contacts(contacts):
    days = dataset.synthetic_agent_days()
    assert list(days.columns) == list(kpis.AGENT_DAY_COLUMNS)
    assert days["handling_seconds"].sum() == contacts["handle_seconds"].sum()
    parts = [c for c in days.columns if c.endswith("_seconds")][3:]
    assert (days[parts].sum(axis=1) == days["paid_seconds"] - days["logged_in_seconds"]).all()
    present = days[days["logged_in_seconds"] > 0]
    assert (present["handling_seconds"] <= present["logged_in_seconds"]).all()
    assert 0.75 < kpis.occupancy(days) < 0.9
    assert 0.2 < kpis.shrinkage(days) < 0.35
    per_agent = (
        contacts.dropna(subset=["agent_id"])
        .groupby(["agent_id", contacts["received_at"].dt.normalize().rename("date")])[
            "handle_seconds"
        ]
        .sum()
    )
    merged = days.set_index(["agent_id", "date"])["handling_seconds"]
    assert (merged.reindex(per_agent.index) == per_agent).all()


# Aggregates of the default dataset, pinned so that any drift in the generated values
# (a library upgrade, a change to the generator, categories.yaml or priority_matrix.yaml)
# is caught here. If the change is intended, update the pins and the notebooks' outputs.
PINNED = {
    "rows": 57620,
    "wait_seconds": 228716588,
    "handle_seconds": 21620934,
    "abandoned": 2643,
    "escalated": 9386,
    "csat_sum": 35275,
}
PINNED_DIGEST = "7eb99264b331923d"


def _fingerprint(df: pd.DataFrame) -> dict:
    return {
        "rows": len(df),
        "wait_seconds": int(df["wait_seconds"].sum()),
        "handle_seconds": int(df["handle_seconds"].sum()),
        "abandoned": int(df["abandoned"].sum()),
        "escalated": int(df["escalated_at"].notna().sum()),
        "csat_sum": int(df["csat"].sum()),
    }


def _digest(df: pd.DataFrame) -> str:
    summary = {
        **_fingerprint(df),
        "by_channel": df["channel"].value_counts().sort_index().to_dict(),
        "by_priority": df["priority"].value_counts().sort_index().to_dict(),
        "by_category": df["category"].value_counts().sort_index().to_dict(),
        "fcr": int(df["resolved_first_contact"].sum()),
        "first": df.iloc[0].astype(str).tolist(),
        "last": df.iloc[-1].astype(str).tolist(),
        "resolved_at": int(df["resolved_at"].dropna().astype("int64").sum() // 10**9),
    }
    return hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()[:16]


def test_dataset_checksum_is_pinned(contacts):
    assert _fingerprint(contacts) == PINNED
    assert _digest(contacts) == PINNED_DIGEST


# --- the core stays light -------------------------------------------------------------------


def test_analytics_modules_import_without_pandas():
    code = (
        "import sys; import incidentfolio.analytics.erlang, incidentfolio.analytics.kpis, "
        "incidentfolio.analytics.dataset, incidentfolio.cli.analytics_cmds; "
        "print(','.join(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""
