"""The declarative base of the store and the column types every model shares."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that later migrations can drop or alter them by name on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON that PostgreSQL stores as JSONB (indexable, comparable) and SQLite as text.
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC (the only kind of time the store keeps)."""
    return dt.datetime.now(dt.UTC)


class UtcDateTime(sa.TypeDecorator):
    """A timestamp that is always aware UTC in Python, on PostgreSQL and on SQLite alike.

    SQLite keeps no zone, so values are converted to UTC before they are written and marked UTC
    when read back; naive datetimes are refused rather than guessed at.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """The value as written: UTC (without a zone on SQLite); a naive datetime is an error."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC times (use preview.store.base.utcnow())")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """The value as read: marked UTC when the database kept no zone."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Base of every model; ``Base.metadata`` is what the migrations must create exactly."""

    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {
        dict: Json,
        list: Json,
        dt.datetime: UtcDateTime(),
        dt.date: sa.Date(),
        # Spelled out: SQLAlchemy 2.0 maps float to Float, 2.1 to Double, and the migration
        # must match whichever version is installed.
        float: sa.Double(),
    }


def choice(column: str, values) -> sa.CheckConstraint:
    """A CHECK constraint keeping ``column`` to one of ``values`` (our own enums only).

    The recipient schema's enums (life event types, occasions) are validated on import instead,
    so that the spec can grow a value without a migration.
    """
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=column)
