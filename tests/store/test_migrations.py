import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from preview.contract.errors import InputError
from preview.store import migrate
from preview.store.base import Base
from preview.store.db import make_engine


def _diff(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_create_exactly_what_the_models_declare(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        assert migrate.current(engine) is None
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
        assert _diff(engine) == []
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_the_default_workspace(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT slug FROM workspaces")).scalars().all() == ["default"]
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        assert migrate.current(engine) is None
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_require_current_names_the_command_to_run(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        with pytest.raises(InputError, match="no schema yet: run `preview db upgrade`"):
            migrate.require_current(engine)
        migrate.upgrade(engine)
        migrate.require_current(engine)
    finally:
        engine.dispose()
