"""The store's tests run on SQLite and on PostgreSQL (when PREVIEW_TEST_POSTGRES_URL is set)."""

from tests.db_fixtures import db_url, empty_db_url, engine, session  # noqa: F401
