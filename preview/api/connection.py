"""The database connection of one API request, for the reads of the hot path (token, version, record).

validate and verdict read one token, one version and one record per call. Through the ORM
session each read cost about three times the query itself (SQLite: ~40 µs against ~14 µs, and
the session's own setup and close as much again), so these reads are SQLAlchemy Core statements
on a plain connection from the app's pool, opened on first use and closed when the request ends.
Views that load or write ORM objects keep using :func:`preview.extension.db`.
"""

from __future__ import annotations

from flask import g
from sqlalchemy.engine import Connection

from preview.extension import state

_KEY = "preview_api_connection"


def connection() -> Connection:
    """This request's connection (opened from the app's engine on first use)."""
    conn = g.get(_KEY)
    if conn is None:
        conn = state().engine.connect()
        setattr(g, _KEY, conn)
    return conn


def close(_exc: BaseException | None = None) -> None:
    """Give this request's connection back to the pool (an app-context teardown hook)."""
    conn = g.pop(_KEY, None)
    if conn is not None:
        conn.close()
