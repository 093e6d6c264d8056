"""What the campaign list and the dashboard summarise: approval state, runs with their counts,
findings over time. Flask-free queries over the store (a handful per page, whatever the size).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.store.base import utcnow
from preview.store.models import Campaign, CampaignVersion, Finding, Review, Run
from preview.web.chart import Bar


@dataclass
class Approval:
    """Where a campaign version stands: ``approved``, ``rejected``, ``in review`` or ``not run``."""

    state: str
    run: Run | None = None
    review: Review | None = None


def decisions(session: Session, run_ids: list[int]) -> dict[int, Review]:
    """The latest whole-run decision of each run that has one."""
    if not run_ids:
        return {}
    rows = session.scalars(
        sa.select(Review).where(Review.run_id.in_(run_ids), Review.finding_id.is_(None)).order_by(Review.created_at, Review.id)
    )
    return {review.run_id: review for review in rows}  # later rows overwrite earlier ones


def approval(session: Session, version: CampaignVersion | None) -> Approval:
    """Whether ``version`` has an approved run (the newest decision of each run counts)."""
    if version is None:
        return Approval("not run")
    runs = session.scalars(sa.select(Run).where(Run.campaign_version_id == version.id).order_by(Run.id.desc())).all()
    if not runs:
        return Approval("not run")
    decided = decisions(session, [r.id for r in runs])
    for run in runs:
        review = decided.get(run.id)
        if review is not None and review.decision == "approved":
            return Approval("approved", run, review)
    for run in runs:
        review = decided.get(run.id)
        if review is not None:
            return Approval("rejected", run, review)
    return Approval("in review", runs[0])


def family_counts(session: Session, run_ids: list[int]) -> dict[int, dict[str, int]]:
    """``{run id: {family: findings}}`` for the given runs, in one query."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if run_ids:
        rows = session.execute(
            sa.select(Finding.run_id, Finding.family, sa.func.count()).where(Finding.run_id.in_(run_ids)).group_by(Finding.run_id, Finding.family)
        )
        for run_id, family, n in rows:
            out[run_id][family] = n
    return out


def recent_runs(session: Session, workspace_id: int, *, limit: int = 50, campaign_id: int | None = None) -> list[Run]:
    """The newest runs of the workspace (of one campaign, when given), with their versions."""
    query = sa.select(Run).where(Run.workspace_id == workspace_id)
    if campaign_id is not None:
        query = query.join(CampaignVersion, CampaignVersion.id == Run.campaign_version_id).where(CampaignVersion.campaign_id == campaign_id)
    return list(session.scalars(query.order_by(Run.id.desc()).limit(limit)))


def findings_per_day(session: Session, workspace_id: int, days: int = 30, today: dt.date | None = None) -> list[Bar]:
    """Findings of finished runs per day (UTC, by severity) over the last ``days`` days, oldest first."""
    today = today or utcnow().date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    rows = session.execute(
        sa.select(Run.finished_at, Run.findings_block, Run.findings_warn, Run.findings_info).where(
            Run.workspace_id == workspace_id, Run.status == "done", Run.finished_at >= since
        )
    )
    totals: dict[dt.date, dict[str, int]] = {first + dt.timedelta(days=i): {"block": 0, "warn": 0, "info": 0} for i in range(days)}
    for finished, block, warn, info in rows:
        day = totals.get(finished.date())
        if day is not None:
            day["block"] += block
            day["warn"] += warn
            day["info"] += info
    return [Bar(day.isoformat(), values) for day, values in totals.items()]


def review_states(session: Session, run_ids: list[int]) -> dict[int, dict[str, int]]:
    """``{run id: {review state: findings}}``: how far each run's triage got."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if run_ids:
        rows = session.execute(
            sa.select(Finding.run_id, Finding.review_state, sa.func.count()).where(Finding.run_id.in_(run_ids)).group_by(Finding.run_id, Finding.review_state)
        )
        for run_id, review_state, n in rows:
            out[run_id][review_state] = n
    return out


def campaigns_with_latest(session: Session, workspace_id: int) -> list[tuple[Campaign, CampaignVersion | None]]:
    """The workspace's campaigns by name, each with its newest version."""
    newest = (
        sa.select(CampaignVersion.campaign_id, sa.func.max(CampaignVersion.number).label("number"))
        .group_by(CampaignVersion.campaign_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Campaign, CampaignVersion)
        .outerjoin(newest, newest.c.campaign_id == Campaign.id)
        .outerjoin(CampaignVersion, sa.and_(CampaignVersion.campaign_id == Campaign.id, CampaignVersion.number == newest.c.number))
        .where(Campaign.workspace_id == workspace_id)
        .order_by(Campaign.name, Campaign.id)
    )
    return [(c, v) for c, v in rows.all()]


# A run can be approved once every blocking finding has been looked at and judged a false alarm
# or an accepted risk; an open or confirmed block means the email would go out wrong.
RESOLVED_STATES = ("false_alarm", "accepted_risk")


def unresolved_blocks(session: Session, run: Run) -> int:
    """How many of the run's blocking findings are still open or confirmed."""
    return session.scalar(
        sa.select(sa.func.count()).select_from(Finding).where(
            Finding.run_id == run.id, Finding.severity == "block", Finding.review_state.not_in(RESOLVED_STATES)
        )
    ) or 0
