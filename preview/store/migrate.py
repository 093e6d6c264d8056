"""Running the Alembic migrations from code: upgrade, downgrade, current and head revisions.

The migration scripts live in ``preview/store/migrations`` (installed with the package), so
no ``alembic.ini`` is needed anywhere; developers make a new revision with :func:`revision`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from preview.contract.errors import InputError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection=None, url: str | None = None) -> Config:
    """An Alembic configuration for our scripts, over ``connection`` or ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database of ``engine`` up to ``revision`` in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    """Migrate the database of ``engine`` down to ``revision`` (default: one step)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision of the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def require_current(engine: Engine) -> None:
    """Raise :class:`InputError` unless the database is at the code's head revision."""
    at, want = current(engine), head()
    if at != want:
        state = "has no schema yet" if at is None else f"is at revision {at}, the code expects {want}"
        raise InputError(f"the database {state}: run `preview db upgrade`")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration script: the difference between the models and ``engine``'s database."""
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
