"""Writing many rows at once: COPY on PostgreSQL, executemany elsewhere.

An import writes about twenty child rows per recipient. psycopg's executemany sends them one
statement at a time (pipelined), which costs more than the rest of the import together; COPY
streams them in one command, inside the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys, naming columns of ``table``) into ``table``."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, table, rows)
    else:
        connection.execute(table.insert(), rows)


def _copy(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    from psycopg.types.json import Json, Jsonb
    from sqlalchemy.dialects.postgresql import JSONB

    names = list(rows[0])
    columns = [table.c[name] for name in names]
    # COPY bypasses SQLAlchemy's type processing: JSON values need psycopg's wrappers, and the
    # right one for the column's type on PostgreSQL (json keeps key order, jsonb does not).
    wrappers = []
    for column in columns:
        impl = column.type.dialect_impl(connection.dialect)
        if isinstance(impl, sa.JSON):
            wrappers.append(Jsonb if isinstance(impl, JSONB) else Json)
        else:
            wrappers.append(None)
    prep = connection.dialect.identifier_preparer
    sql = f"COPY {prep.format_table(table)} ({', '.join(prep.format_column(c) for c in columns)}) FROM STDIN"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([wrap(row[n]) if wrap else row[n] for n, wrap in zip(names, wrappers, strict=True)])
