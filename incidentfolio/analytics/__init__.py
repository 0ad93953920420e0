"""Contact-centre analytics: Erlang C staffing, KPIs and a synthetic contact dataset.

- :mod:`incidentfolio.analytics.erlang` — offered load, P(wait), service level, ASA,
  occupancy, the smallest number of agents meeting a target, shrinkage (pure Python).
- :mod:`incidentfolio.analytics.kpis` — AHT, FCR, CSAT, service level, ASA, abandonment,
  occupancy, shrinkage and trend helpers over pandas DataFrames of contacts.
- :mod:`incidentfolio.analytics.dataset` — a seeded synthetic contact dataset whose values
  do not drift between library versions.

Conventions everywhere: rates are fractions from 0 to 1 (format them with ``:.1%``), times
are in seconds unless a name says otherwise. This package imports nothing heavy: pandas is
imported inside the functions that need it, so ``incidentfolio --help`` stays instant.
"""

from __future__ import annotations

from incidentfolio.errors import IncidentfolioError


class AnalyticsError(IncidentfolioError):
    """Base for analytics errors a user can fix (bad input values, missing data)."""


class InvalidInputError(AnalyticsError):
    """One input value is out of range; the one-line message names it.

    ``parameter`` is the name the caller used (e.g. ``aht_seconds``) and ``problem`` the rest
    of the sentence, so a front end can substitute its own name (e.g. ``--aht``).
    """

    def __init__(self, parameter: str, problem: str) -> None:
        self.parameter = parameter
        self.problem = problem
        super().__init__(f"{parameter} {problem}")


class MissingColumnsError(AnalyticsError):
    """A DataFrame lacks columns a calculation needs; the message lists every one."""

    def __init__(self, missing: list[str], purpose: str, frame: str = "contacts") -> None:
        self.missing = list(missing)
        self.purpose = purpose
        noun = "column" if len(missing) == 1 else "columns"
        super().__init__(
            f"{frame} data is missing the {noun} needed for {purpose}: {', '.join(missing)}"
        )


__all__ = ["AnalyticsError", "InvalidInputError", "MissingColumnsError"]
