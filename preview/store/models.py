"""The tables of the store, as SQLAlchemy 2 typed models.

Workspaces are the tenants: every recipient, campaign and run belongs to one. A recipient's
``record`` (the validated JSON of recipient.schema.json) is the source of truth for rendering;
the child tables (life events, orders and their items, activity, recommendations, occasion
opt-outs, attributes, segments) copy it into rows so that sampling, the dashboards and the API
can query it with SQL. The import rewrites them whenever the record changes; nothing else should.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from preview.store.base import Base, Json, choice, utcnow

RUN_STATUSES = ("queued", "running", "done", "failed")
VERDICTS = ("pass", "warn", "block")
SEVERITIES = ("block", "warn", "info")
REVIEW_STATES = ("open", "confirmed", "false_alarm", "accepted_risk")
# A review of a finding moves it to one of REVIEW_STATES; a review of a whole run decides it.
RUN_DECISIONS = ("approved", "rejected")
ROLES = ("viewer", "reviewer", "admin")
DEFAULT_WORKSPACE = "default"

_CASCADE = {"ondelete": "CASCADE"}


def _fk(target: str, **kw) -> sa.ForeignKey:
    return sa.ForeignKey(target, **kw)


def _children(target: str):
    return relationship(target, cascade="all, delete-orphan", passive_deletes=True, order_by=f"{target}.position")


class Workspace(Base):
    """A tenant. The migration creates the ``default`` one."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Recipient(Base):
    """One recipient of a workspace; ``external_id`` is the record's ``id``."""

    __tablename__ = "recipients"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "external_id"),
        # Keyset pagination of one workspace's audience walks this index.
        sa.Index("ix_recipients_workspace_id_id", "workspace_id", "id"),
        sa.Index("ix_recipients_workspace_id_email", "workspace_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_fk("workspaces.id", **_CASCADE))
    external_id: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    first_name: Mapped[str | None] = mapped_column(sa.String(200))
    last_name: Mapped[str | None] = mapped_column(sa.String(200))
    birth_date: Mapped[dt.date | None]
    locale: Mapped[str | None] = mapped_column(sa.String(35))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    is_seed: Mapped[bool] = mapped_column(default=False)
    # preferences.*, with the schema's defaults applied.
    deceased: Mapped[bool] = mapped_column(default=False)
    shared_device: Mapped[bool] = mapped_column(default=False)
    sensitive_consent: Mapped[bool] = mapped_column(default=False)
    marketing_consent: Mapped[bool] = mapped_column(default=True)
    # Plain JSON, not JSONB, on PostgreSQL too: JSONB reorders keys, and templates that loop over
    # a mapping should see it in the order of the file.
    record: Mapped[dict] = mapped_column(sa.JSON())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    workspace: Mapped[Workspace] = relationship()
    segments: Mapped[list[RecipientSegment]] = _children("RecipientSegment")
    life_events: Mapped[list[LifeEvent]] = _children("LifeEvent")
    orders: Mapped[list[Order]] = _children("Order")
    activity: Mapped[list[Activity]] = _children("Activity")
    recommendations: Mapped[list[Recommendation]] = _children("Recommendation")
    occasion_opt_outs: Mapped[list[OccasionOptOut]] = _children("OccasionOptOut")
    attributes: Mapped[list[Attribute]] = _children("Attribute")


class _Child:
    """Columns every child row of a recipient has: the recipient and its place in the list."""

    # sort_order puts the mixin's columns first in CREATE TABLE, where a reader looks for them.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    recipient_id: Mapped[int] = mapped_column(_fk("recipients.id", **_CASCADE), index=True, sort_order=-2)
    position: Mapped[int] = mapped_column(sort_order=-1)


class RecipientSegment(_Child, Base):
    """``segments[position]``."""

    __tablename__ = "recipient_segments"
    __table_args__ = (sa.Index("ix_recipient_segments_segment", "segment"),)

    segment: Mapped[str] = mapped_column(sa.String(200))


class LifeEvent(_Child, Base):
    """``life_events[position]``."""

    __tablename__ = "life_events"
    __table_args__ = (sa.Index("ix_life_events_type_status", "type", "status"),)

    type: Mapped[str] = mapped_column(sa.String(40))
    date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="happened")
    source: Mapped[str] = mapped_column(sa.String(20))
    confidence: Mapped[float | None]
    evidence: Mapped[str | None] = mapped_column(sa.Text())
    subject: Mapped[str | None] = mapped_column(sa.String(100))


class Order(_Child, Base):
    """``orders[position]``; ``external_id`` is the order's ``id``."""

    __tablename__ = "orders"

    external_id: Mapped[str] = mapped_column(sa.String(200))
    date: Mapped[dt.date]
    ship_to_other: Mapped[bool] = mapped_column(default=False)
    registry_id: Mapped[str | None] = mapped_column(sa.String(200))

    items: Mapped[list[OrderItem]] = _children("OrderItem")


class OrderItem(Base):
    """``orders[n].items[position]``; ``recipient_id`` is repeated so items can be queried alone."""

    __tablename__ = "order_items"
    __table_args__ = (sa.Index("ix_order_items_category", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(_fk("orders.id", **_CASCADE), index=True)
    recipient_id: Mapped[int] = mapped_column(_fk("recipients.id", **_CASCADE), index=True)
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.Text())
    category: Mapped[str | None] = mapped_column(sa.String(300))
    price: Mapped[float | None]
    quantity: Mapped[int] = mapped_column(default=1)
    gift: Mapped[bool] = mapped_column(default=False)
    gift_wrap: Mapped[bool] = mapped_column(default=False)
    returned: Mapped[bool] = mapped_column(default=False)
    return_date: Mapped[dt.date | None]
    return_reason: Mapped[str | None] = mapped_column(sa.Text())


class Activity(_Child, Base):
    """``activity[position]``: a view, pin, search, cart, click or wishlist signal."""

    __tablename__ = "activity"

    type: Mapped[str] = mapped_column(sa.String(20))
    date: Mapped[dt.date]
    sku: Mapped[str | None] = mapped_column(sa.String(200))
    category: Mapped[str | None] = mapped_column(sa.String(300))
    query: Mapped[str | None] = mapped_column(sa.Text())
    count: Mapped[int] = mapped_column(default=1)


class Recommendation(_Child, Base):
    """``recommendations[position]``, with its ``reason`` flattened into columns."""

    __tablename__ = "recommendations"

    sku: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.Text())
    category: Mapped[str | None] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.Text())
    image: Mapped[str | None] = mapped_column(sa.Text())
    price: Mapped[float | None]
    reason_type: Mapped[str | None] = mapped_column(sa.String(20))
    reason_source_sku: Mapped[str | None] = mapped_column(sa.String(200))
    reason_source_order: Mapped[str | None] = mapped_column(sa.String(200))


class OccasionOptOut(_Child, Base):
    """``preferences.occasion_opt_outs[position]``."""

    __tablename__ = "occasion_opt_outs"
    __table_args__ = (sa.Index("ix_occasion_opt_outs_occasion", "occasion"),)

    occasion: Mapped[str] = mapped_column(sa.String(40))


class Attribute(_Child, Base):
    """``attributes[name]`` with its provenance from ``attribute_sources``.

    ``source`` is NULL when the record names none, which the spec reads as ``declared``;
    ``value_text`` holds scalar values as text for simple SQL filters. A source given for an
    attribute the record does not have is kept in ``record`` only.
    """

    __tablename__ = "attributes"
    __table_args__ = (sa.Index("ix_attributes_name", "name"),)

    name: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(Json)
    value_text: Mapped[str | None] = mapped_column(sa.Text())
    source: Mapped[str | None] = mapped_column(sa.String(20))


class Campaign(Base):
    """A campaign of a workspace; its content lives in its versions."""

    __tablename__ = "campaigns"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_fk("workspaces.id", **_CASCADE))
    slug: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    workspace: Mapped[Workspace] = relationship()
    versions: Mapped[list[CampaignVersion]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True, order_by="CampaignVersion.number"
    )


class CampaignVersion(Base):
    """One saved version of a campaign file, never changed once written.

    ``filename`` is what the source was parsed as (its suffix gives the default body format and
    it names the file in error messages); ``sha256`` lets a save of identical text be skipped.
    """

    __tablename__ = "campaign_versions"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(_fk("campaigns.id", **_CASCADE))
    number: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(300))
    source: Mapped[str] = mapped_column(sa.Text())
    sha256: Mapped[str] = mapped_column(sa.String(64))
    author: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="versions")


class Run(Base):
    """One check run of a campaign version against a sample of recipients.

    ``params`` holds what the run was asked for: ``sampling`` (strategy name and its options),
    ``size``, ``seed``, ``send_date``, check settings. A repeated request with the same
    ``idempotency_key`` in a workspace gets the existing run back.
    """

    __tablename__ = "runs"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "idempotency_key"),
        sa.Index("ix_runs_workspace_id_created_at", "workspace_id", "created_at"),
        choice("status", RUN_STATUSES),
        choice("verdict", VERDICTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_fk("workspaces.id", **_CASCADE))
    campaign_version_id: Mapped[int] = mapped_column(_fk("campaign_versions.id", **_CASCADE), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="queued", index=True)
    params: Mapped[dict] = mapped_column(default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200))
    recipients_planned: Mapped[int | None]
    recipients_checked: Mapped[int] = mapped_column(default=0)
    findings_block: Mapped[int] = mapped_column(default=0)
    findings_warn: Mapped[int] = mapped_column(default=0)
    findings_info: Mapped[int] = mapped_column(default=0)
    # Report errors[]: recipients that could not be checked at all.
    errors: Mapped[list] = mapped_column(default=list)
    # What the sampler reported (preview.sampling.Sample.to_dict without the recipients): the
    # strata, edge categories or branch coverage, and notes. Not in ``params``, which must stay
    # what was asked for so that an idempotent retry still matches it.
    sampling: Mapped[dict | None]
    verdict: Mapped[str | None] = mapped_column(sa.String(10))
    error: Mapped[str | None] = mapped_column(sa.Text())
    created_by: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    campaign_version: Mapped[CampaignVersion] = relationship()

    @property
    def progress(self) -> float | None:
        """Share of the planned recipients checked so far (None while the plan is unknown)."""
        if self.status == "done":
            return 1.0
        if not self.recipients_planned:
            return None
        return min(1.0, self.recipients_checked / self.recipients_planned)


class RunRecipient(Base):
    """A recipient a run rendered, with the verdict on their email.

    ``record`` is the data as it was rendered, so a review shows what was checked even after the
    recipient is re-imported or deleted (``recipient_id`` then becomes NULL).
    """

    __tablename__ = "run_recipients"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "external_id"),
        sa.Index("ix_run_recipients_run_id_verdict", "run_id", "verdict"),
        choice("verdict", VERDICTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(_fk("runs.id", **_CASCADE))
    recipient_id: Mapped[int | None] = mapped_column(_fk("recipients.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int]
    verdict: Mapped[str] = mapped_column(sa.String(10))
    findings_count: Mapped[int] = mapped_column(default=0)
    record: Mapped[dict | None] = mapped_column(sa.JSON())
    # Why the sampler chose this recipient ("minor", "segment vip", "branch line 37 else").
    reasons: Mapped[list | None]


class Finding(Base):
    """One finding of a run, as findings.schema.json has it, plus its review state.

    ``run_recipient_id``/``external_id`` are NULL for a template-level finding (it holds for
    every recipient).
    """

    __tablename__ = "findings"
    __table_args__ = (
        sa.Index("ix_findings_run_id_run_recipient_id", "run_id", "run_recipient_id"),
        sa.Index("ix_findings_run_id_family_severity", "run_id", "family", "severity"),
        sa.Index("ix_findings_run_id_code", "run_id", "code"),
        choice("severity", SEVERITIES),
        choice("review_state", REVIEW_STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(_fk("runs.id", **_CASCADE))
    run_recipient_id: Mapped[int | None] = mapped_column(_fk("run_recipients.id", **_CASCADE))
    external_id: Mapped[str | None] = mapped_column(sa.String(200))
    code: Mapped[str] = mapped_column(sa.String(10))
    family: Mapped[str] = mapped_column(sa.String(60))
    severity: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    message: Mapped[str] = mapped_column(sa.Text())
    part: Mapped[str] = mapped_column(sa.String(20))
    evidence: Mapped[dict] = mapped_column(default=dict)
    args: Mapped[dict] = mapped_column(default=dict)
    review_state: Mapped[str] = mapped_column(sa.String(20), default="open")

    def to_dict(self) -> dict:
        """The finding as findings.schema.json has it, with its review state and store id."""
        return {
            "id": self.id,
            "code": self.code,
            "family": self.family,
            "severity": self.severity,
            "name": self.name,
            "message": self.message,
            "recipient_id": self.external_id,
            "part": self.part,
            "evidence": dict(self.evidence or {}),
            "args": dict(self.args or {}),
            "review_state": self.review_state,
        }


class User(Base):
    """Someone who signs in to the web UI; ``password_hash`` is made by the web layer."""

    __tablename__ = "users"
    __table_args__ = (choice("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[str] = mapped_column(sa.String(20), default="viewer")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class Review(Base):
    """A reviewer's decision: on one finding (``finding_id`` set) or on a whole run.

    ``decision`` is a review state (REVIEW_STATES) for a finding, or one of RUN_DECISIONS.
    """

    __tablename__ = "reviews"
    __table_args__ = (choice("decision", REVIEW_STATES + RUN_DECISIONS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(_fk("runs.id", **_CASCADE), index=True)
    finding_id: Mapped[int | None] = mapped_column(_fk("findings.id", **_CASCADE), index=True)
    user_id: Mapped[int | None] = mapped_column(_fk("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.Text())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who did what to what, and when. Rows are only ever added.

    ``actor`` is kept as text (a username, ``token:<prefix>``, ``cli``) so the log outlives the
    users and tokens it names.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_workspace_id_created_at", "workspace_id", "created_at"),
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    workspace_id: Mapped[int | None] = mapped_column(_fk("workspaces.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(_fk("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str | None] = mapped_column(sa.String(60))
    target_id: Mapped[str | None] = mapped_column(sa.String(200))
    detail: Mapped[dict] = mapped_column(default=dict)


class ApiToken(Base):
    """A bearer token of the JSON API, scoped to one workspace. Only its SHA-256 is kept.

    ``prefix`` (the first characters of the token) lets people tell their tokens apart.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_fk("workspaces.id", **_CASCADE), index=True)
    user_id: Mapped[int | None] = mapped_column(_fk("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(200))
    prefix: Mapped[str] = mapped_column(sa.String(16), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
