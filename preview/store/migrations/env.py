"""Alembic's entry point for the store's migrations, run by :mod:`preview.store.migrate`.

There is no alembic.ini: ``preview.store.migrate`` builds the configuration in code and hands
over either an open connection (``config.attributes["connection"]``) or a URL.
"""

from alembic import context

from preview.store import models  # noqa: F401  (registers every table on Base.metadata)
from preview.store.base import Base
from preview.store.db import make_engine

config = context.config


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Migrate over the connection we were given, or one opened from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `preview db upgrade`")
run()
