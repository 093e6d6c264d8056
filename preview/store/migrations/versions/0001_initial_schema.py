"""Initial schema: workspaces (with the default one), recipients and their data, campaigns and
their versions, runs, run recipients, findings, users, reviews, the audit log and API tokens.

Revision ID: 4c890cbd2eaa
Revises:
Create Date: 2026-11-23 14:29:50.585896
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL, text on SQLite (preview.store.base.Json).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "4c890cbd2eaa"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('viewer', 'reviewer', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("slug", name=op.f("uq_workspaces_slug")),
    )
    # Every command and request that names no workspace uses this one. The table is written
    # here, frozen, rather than through the models, which will change after this revision.
    op.bulk_insert(
        sa.table(
            "workspaces",
            sa.column("slug"),
            sa.column("name"),
            sa.column("created_at", sa.DateTime(timezone=True)),
        ),
        [{"slug": "default", "name": "Default workspace", "created_at": dt.datetime.now(dt.UTC)}],
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_api_tokens_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_prefix"), "api_tokens", ["prefix"])
    op.create_index(op.f("ix_api_tokens_workspace_id"), "api_tokens", ["workspace_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=60), nullable=True),
        sa.Column("target_id", sa.String(length=200), nullable=True),
        sa.Column("detail", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_audit_log_workspace_id_workspaces"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])
    op.create_index(
        "ix_audit_log_workspace_id_created_at", "audit_log", ["workspace_id", "created_at"]
    )

    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_campaigns_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("workspace_id", "slug", name=op.f("uq_campaigns_workspace_id_slug")),
    )
    op.create_table(
        "recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("is_seed", sa.Boolean(), nullable=False),
        sa.Column("deceased", sa.Boolean(), nullable=False),
        sa.Column("shared_device", sa.Boolean(), nullable=False),
        sa.Column("sensitive_consent", sa.Boolean(), nullable=False),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_recipients_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
        sa.UniqueConstraint(
            "workspace_id", "external_id", name=op.f("uq_recipients_workspace_id_external_id")
        ),
    )
    op.create_index("ix_recipients_workspace_id_email", "recipients", ["workspace_id", "email"])
    op.create_index("ix_recipients_workspace_id_id", "recipients", ["workspace_id", "id"])

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=300), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_activity_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index(op.f("ix_activity_recipient_id"), "activity", ["recipient_id"])

    op.create_table(
        "attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_attributes_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attributes")),
    )
    op.create_index("ix_attributes_name", "attributes", ["name"])
    op.create_index(op.f("ix_attributes_recipient_id"), "attributes", ["recipient_id"])

    op.create_table(
        "campaign_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_versions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_versions")),
        sa.UniqueConstraint(
            "campaign_id", "number", name=op.f("uq_campaign_versions_campaign_id_number")
        ),
    )
    op.create_table(
        "life_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_life_events_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_life_events")),
    )
    op.create_index(op.f("ix_life_events_recipient_id"), "life_events", ["recipient_id"])
    op.create_index("ix_life_events_type_status", "life_events", ["type", "status"])

    op.create_table(
        "occasion_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_occasion_opt_outs_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occasion_opt_outs")),
    )
    op.create_index("ix_occasion_opt_outs_occasion", "occasion_opt_outs", ["occasion"])
    op.create_index(
        op.f("ix_occasion_opt_outs_recipient_id"), "occasion_opt_outs", ["recipient_id"]
    )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("ship_to_other", sa.Boolean(), nullable=False),
        sa.Column("registry_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_orders_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index(op.f("ix_orders_recipient_id"), "orders", ["recipient_id"])

    op.create_table(
        "recipient_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_recipient_segments_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_segments")),
    )
    op.create_index(
        op.f("ix_recipient_segments_recipient_id"), "recipient_segments", ["recipient_id"]
    )
    op.create_index("ix_recipient_segments_segment", "recipient_segments", ["segment"])

    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=300), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("price", sa.Double(), nullable=True),
        sa.Column("reason_type", sa.String(length=20), nullable=True),
        sa.Column("reason_source_sku", sa.String(length=200), nullable=True),
        sa.Column("reason_source_order", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_recommendations_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    op.create_index(op.f("ix_recommendations_recipient_id"), "recommendations", ["recipient_id"])

    op.create_table(
        "order_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=300), nullable=True),
        sa.Column("price", sa.Double(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("gift", sa.Boolean(), nullable=False),
        sa.Column("gift_wrap", sa.Boolean(), nullable=False),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("return_date", sa.Date(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_order_items_recipient_id_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
    )
    op.create_index("ix_order_items_category", "order_items", ["category"])
    op.create_index(op.f("ix_order_items_order_id"), "order_items", ["order_id"])
    op.create_index(op.f("ix_order_items_recipient_id"), "order_items", ["recipient_id"])

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("campaign_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("recipients_planned", sa.Integer(), nullable=True),
        sa.Column("recipients_checked", sa.Integer(), nullable=False),
        sa.Column("findings_block", sa.Integer(), nullable=False),
        sa.Column("findings_warn", sa.Integer(), nullable=False),
        sa.Column("findings_info", sa.Integer(), nullable=False),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_runs_status")
        ),
        sa.CheckConstraint("verdict IN ('pass', 'warn', 'block')", name=op.f("ck_runs_verdict")),
        sa.ForeignKeyConstraint(
            ["campaign_version_id"],
            ["campaign_versions.id"],
            name=op.f("fk_runs_campaign_version_id_campaign_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_runs_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.UniqueConstraint(
            "workspace_id", "idempotency_key", name=op.f("uq_runs_workspace_id_idempotency_key")
        ),
    )
    op.create_index(op.f("ix_runs_campaign_version_id"), "runs", ["campaign_version_id"])
    op.create_index(op.f("ix_runs_status"), "runs", ["status"])
    op.create_index("ix_runs_workspace_id_created_at", "runs", ["workspace_id", "created_at"])

    op.create_table(
        "run_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("findings_count", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "verdict IN ('pass', 'warn', 'block')", name=op.f("ck_run_recipients_verdict")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_run_recipients_recipient_id_recipients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_recipients_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_recipients")),
        sa.UniqueConstraint(
            "run_id", "external_id", name=op.f("uq_run_recipients_run_id_external_id")
        ),
    )
    op.create_index(op.f("ix_run_recipients_recipient_id"), "run_recipients", ["recipient_id"])
    op.create_index("ix_run_recipients_run_id_verdict", "run_recipients", ["run_id", "verdict"])

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("run_recipient_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("family", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("args", JSON, nullable=False),
        sa.Column("review_state", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "review_state IN ('open', 'confirmed', 'false_alarm', 'accepted_risk')",
            name=op.f("ck_findings_review_state"),
        ),
        sa.CheckConstraint(
            "severity IN ('block', 'warn', 'info')", name=op.f("ck_findings_severity")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_findings_run_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_recipient_id"],
            ["run_recipients.id"],
            name=op.f("fk_findings_run_recipient_id_run_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index("ix_findings_run_id_code", "findings", ["run_id", "code"])
    op.create_index(
        "ix_findings_run_id_family_severity", "findings", ["run_id", "family", "severity"]
    )
    op.create_index(
        "ix_findings_run_id_run_recipient_id", "findings", ["run_id", "run_recipient_id"]
    )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('open', 'confirmed', 'false_alarm', 'accepted_risk', 'approved', 'rejected')",
            name=op.f("ck_reviews_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_reviews_finding_id_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_reviews_run_id_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index(op.f("ix_reviews_finding_id"), "reviews", ["finding_id"])
    op.create_index(op.f("ix_reviews_run_id"), "reviews", ["run_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reviews_run_id"), table_name="reviews")
    op.drop_index(op.f("ix_reviews_finding_id"), table_name="reviews")

    op.drop_table("reviews")
    op.drop_index("ix_findings_run_id_run_recipient_id", table_name="findings")
    op.drop_index("ix_findings_run_id_family_severity", table_name="findings")
    op.drop_index("ix_findings_run_id_code", table_name="findings")

    op.drop_table("findings")
    op.drop_index("ix_run_recipients_run_id_verdict", table_name="run_recipients")
    op.drop_index(op.f("ix_run_recipients_recipient_id"), table_name="run_recipients")

    op.drop_table("run_recipients")
    op.drop_index("ix_runs_workspace_id_created_at", table_name="runs")
    op.drop_index(op.f("ix_runs_status"), table_name="runs")
    op.drop_index(op.f("ix_runs_campaign_version_id"), table_name="runs")

    op.drop_table("runs")
    op.drop_index(op.f("ix_order_items_recipient_id"), table_name="order_items")
    op.drop_index(op.f("ix_order_items_order_id"), table_name="order_items")
    op.drop_index("ix_order_items_category", table_name="order_items")

    op.drop_table("order_items")
    op.drop_index(op.f("ix_recommendations_recipient_id"), table_name="recommendations")

    op.drop_table("recommendations")
    op.drop_index("ix_recipient_segments_segment", table_name="recipient_segments")
    op.drop_index(op.f("ix_recipient_segments_recipient_id"), table_name="recipient_segments")

    op.drop_table("recipient_segments")
    op.drop_index(op.f("ix_orders_recipient_id"), table_name="orders")

    op.drop_table("orders")
    op.drop_index(op.f("ix_occasion_opt_outs_recipient_id"), table_name="occasion_opt_outs")
    op.drop_index("ix_occasion_opt_outs_occasion", table_name="occasion_opt_outs")

    op.drop_table("occasion_opt_outs")
    op.drop_index("ix_life_events_type_status", table_name="life_events")
    op.drop_index(op.f("ix_life_events_recipient_id"), table_name="life_events")

    op.drop_table("life_events")
    op.drop_table("campaign_versions")
    op.drop_index(op.f("ix_attributes_recipient_id"), table_name="attributes")
    op.drop_index("ix_attributes_name", table_name="attributes")

    op.drop_table("attributes")
    op.drop_index(op.f("ix_activity_recipient_id"), table_name="activity")

    op.drop_table("activity")
    op.drop_index("ix_recipients_workspace_id_id", table_name="recipients")
    op.drop_index("ix_recipients_workspace_id_email", table_name="recipients")

    op.drop_table("recipients")
    op.drop_table("campaigns")
    op.drop_index("ix_audit_log_workspace_id_created_at", table_name="audit_log")
    op.drop_index("ix_audit_log_target", table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_index(op.f("ix_api_tokens_workspace_id"), table_name="api_tokens")
    op.drop_index(op.f("ix_api_tokens_prefix"), table_name="api_tokens")

    op.drop_table("api_tokens")
    op.drop_table("workspaces")
    op.drop_table("users")
