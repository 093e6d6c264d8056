import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from preview.contract.errors import InputError
from preview.store import migrate
from preview.store.base import Base
from preview.store.db import make_engine


@pytest.fixture
def empty_engine(empty_db_url):
    """An engine on a database without any table, disposed after the test."""
    engine = make_engine(empty_db_url)
    yield engine
    engine.dispose()


def _diff(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_create_exactly_what_the_models_declare(empty_engine):
    assert migrate.current(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current(empty_engine) == migrate.head()
    assert _diff(empty_engine) == []
    tables = set(sa.inspect(empty_engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrade_creates_the_default_workspace(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT slug FROM workspaces")).scalars().all() == ["default"]


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(empty_engine):
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    assert migrate.current(empty_engine) is None
    assert set(sa.inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_require_current_names_the_command_to_run(empty_engine):
    with pytest.raises(InputError, match="no schema yet: run `preview db upgrade`"):
        migrate.require_current(empty_engine)
    migrate.upgrade(empty_engine)
    migrate.require_current(empty_engine)
