import datetime as dt

import pytest
import sqlalchemy as sa

from preview.store.base import utcnow
from preview.store.db import display_url, make_engine
from preview.store.models import Workspace


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(session):
    from preview.store.models import Recipient

    session.add(Recipient(workspace_id=999_999, external_id="x", email="x@y.z", record={}))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_times_come_back_aware_utc_on_every_backend(session):
    when = dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ws = Workspace(slug="tz", name="tz", created_at=when)
    session.add(ws)
    session.commit()
    session.expunge_all()
    again = session.scalar(sa.select(Workspace).where(Workspace.slug == "tz"))
    assert again.created_at == when
    assert again.created_at.utcoffset() == dt.timedelta(0)


def test_naive_times_are_refused(session):
    session.add(Workspace(slug="naive", name="n", created_at=dt.datetime(2026, 1, 1)))
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        session.flush()


def test_utcnow_is_aware():
    assert utcnow().tzinfo is dt.UTC


def test_display_url_hides_the_password():
    assert "secret" not in display_url("postgresql+psycopg://me:secret@db/x")
