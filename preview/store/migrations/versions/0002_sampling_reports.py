"""Sampling reports: what the sampler reported on a run, and why it chose each recipient.

Revision ID: 7d1e5b2a9c40
Revises: 4c890cbd2eaa
Create Date: 2026-11-27 10:12:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, text on SQLite (preview.store.base.Json).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "7d1e5b2a9c40"
down_revision: str | Sequence[str] | None = "4c890cbd2eaa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("sampling", JSON, nullable=True))
    with op.batch_alter_table("run_recipients") as batch:
        batch.add_column(sa.Column("reasons", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_recipients") as batch:
        batch.drop_column("reasons")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("sampling")
