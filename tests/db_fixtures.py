"""Database fixtures for any test folder: real SQLite always, real PostgreSQL when configured.

Use them from a folder's conftest.py::

    from tests.db_fixtures import db_url, empty_db_url, engine, session  # noqa: F401

(or add ``pytest_plugins = ["tests.db_fixtures"]`` to the top-level tests/conftest.py).

- ``db_url``: the URL of a migrated database, once per test session and backend. Tests that
  use it run twice: on SQLite, and on PostgreSQL when ``PREVIEW_TEST_POSTGRES_URL`` is set
  (skipped otherwise). On PostgreSQL each test session gets its own schema ``t_<random>``
  (reached through ``search_path`` in the URL), dropped at the end, so concurrent test runs on
  one server never see each other's rows.
- ``engine``/``session``: connected to ``db_url``, emptied before each test (only the default
  workspace is left).
- ``empty_db_url``: a database with no schema at all, fresh for each test (migration tests).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from preview.store import migrate
from preview.store.base import Base
from preview.store.db import make_engine, session_factory
from preview.store.models import DEFAULT_WORKSPACE, Workspace

POSTGRES_ENV = "PREVIEW_TEST_POSTGRES_URL"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} is not set"),
    ),
]


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'store-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    server = os.environ[POSTGRES_ENV]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database for the whole test session, on each backend."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path) -> Iterator[str]:
    """A database without any table, for one test, on each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row but the default workspace (what the migration leaves)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name != "workspaces"]
    # DELETE, not TRUNCATE: the tables hold a few rows, and TRUNCATE of twenty tables costs
    # PostgreSQL most of a second (new files for each) where DELETE takes milliseconds.
    with engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        connection.execute(sa.delete(Workspace).where(Workspace.slug != DEFAULT_WORKSPACE))


@pytest.fixture
def engine(db_url) -> Iterator[sa.Engine]:
    """An engine on the session's migrated database, with every table emptied first."""
    engine = make_engine(db_url)
    empty_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """A session on ``engine``; whatever the test leaves uncommitted is rolled back."""
    with session_factory(engine)() as session:
        yield session
