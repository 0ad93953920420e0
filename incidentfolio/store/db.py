"""SQLite plumbing: connections, explicit transactions and numbered migrations.

Every write runs inside ``BEGIN IMMEDIATE`` so two processes never interleave half a change;
readers never block writers in WAL mode; a writer waits up to ``BUSY_TIMEOUT_S`` for the lock
before the user is told, in one line, that the portfolio is busy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from incidentfolio.errors import StoreError
from incidentfolio.store.migrations import MIGRATIONS

DB_NAME = "portfolio.db"
BUSY_TIMEOUT_S = 30.0


def connect(path: Path) -> tuple[sqlite3.Connection, str]:
    """Open ``path`` with our settings; returns (connection, journal mode actually in use)."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL needs shared memory, which network filesystems do not give: SQLite then keeps
        # the rollback journal and says so in the returned mode (reported by `check`).
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a portfolio database ({exc})") from None
    return conn, str(mode).lower()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _busy_or(exc) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        raise _busy_or(exc) from None


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction: several SELECTs see one consistent state while others write."""
    if conn.in_transaction:
        yield conn
        return
    try:
        conn.execute("BEGIN")
    except sqlite3.OperationalError as exc:
        raise _busy_or(exc) from None
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def _busy_or(exc: sqlite3.OperationalError) -> StoreError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(
            f"the portfolio is busy: another program held it for more than "
            f"{BUSY_TIMEOUT_S:g} seconds; nothing was changed, try again"
        )
    return StoreError(f"the portfolio database failed: {exc}; nothing was changed")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the database up to the newest schema; refuse one written by a newer version."""
    newest = max(MIGRATIONS)
    current = schema_version(conn)
    if current > newest:
        raise StoreError(
            f"{path} was written by a newer incidentfolio (schema {current}; this version "
            f"reads up to {newest}): upgrade incidentfolio to open it"
        )
    for version in range(current + 1, newest + 1):
        with transaction(conn):
            if schema_version(conn) >= version:  # another process migrated meanwhile
                continue
            for statement in MIGRATIONS[version].strip().split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (version, _now()),
            )
            conn.execute(f"PRAGMA user_version = {version}")
    return newest


def _now() -> str:
    from incidentfolio.store.clock import now

    return now()
