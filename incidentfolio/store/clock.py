"""Timestamps the store records: UTC, ISO 8601, microseconds, so order is unambiguous."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
