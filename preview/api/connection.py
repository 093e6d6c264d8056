"""The database connection of one API request, for the reads of the hot path (token, version, record).

validate and verdict read one token, one version and one record per call. Through the ORM
session each read cost about three times the query itself (SQLite: ~40 µs against ~14 µs, and
the session's own setup and close as much again), so these reads are SQLAlchemy Core statements
on a plain connection from the app's pool, opened on first use and closed when the request ends
(in autocommit mode on PostgreSQL, see :func:`reader`). Views that load or write ORM objects keep
using :func:`preview.extension.db`.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.engine import Connection, Engine

_KEY = "preview_api_connection"


def connection() -> Connection:
    """This request's connection (opened on first use from the API's :func:`reader` engine)."""
    conn = g.get(_KEY)
    if conn is None:
        conn = current_app.extensions["preview"].extra["api"].reader.connect()
        setattr(g, _KEY, conn)
    return conn


def reader(engine: Engine) -> Engine:
    """``engine`` as the API's reads use it (same pool): in autocommit mode on PostgreSQL.

    Each read is one statement, consistent on its own, so a transaction only adds round trips:
    psycopg sends BEGIN before the first statement and the pool a ROLLBACK when the connection
    goes back, each costing about what the query does. SQLite keeps its transactions: switching a
    pysqlite connection to autocommit and back runs a PRAGMA each way, which costs more than it
    saves there.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def close(_exc: BaseException | None = None) -> None:
    """Give this request's connection back to the pool (an app-context teardown hook)."""
    conn = g.pop(_KEY, None)
    if conn is not None:
        conn.close()
