"""Human review: deciding findings and runs, and the audit log that records who did what.

Every decision is kept as a :class:`Review` row (the history) and the finding's
``review_state`` holds the latest one (what the dashboards filter on); each also writes an
audit log entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.contract.errors import InputError
from preview.store.models import REVIEW_STATES, RUN_DECISIONS, AuditLog, Finding, Review, Run, User


def audit(
    session: Session,
    action: str,
    *,
    actor: str,
    user: User | None = None,
    workspace_id: int | None = None,
    target=None,
    detail: dict | None = None,
) -> AuditLog:
    """Append an audit entry. ``target`` is a model instance or a ``(type, id)`` pair."""
    target_type = target_id = None
    if isinstance(target, tuple):
        target_type, target_id = target[0], str(target[1])
    elif target is not None:
        target_type, target_id = target.__tablename__, str(target.id)
    entry = AuditLog(
        action=action,
        actor=actor,
        user_id=user.id if user else None,
        workspace_id=workspace_id,
        target_type=target_type,
        target_id=target_id,
        detail=dict(detail or {}),
    )
    session.add(entry)
    session.flush()
    return entry


def _actor(user: User | None, actor: str | None) -> str:
    return actor or (user.username if user else "anonymous")


def review_finding(session: Session, finding: Finding, decision: str, *, user: User | None = None, actor: str | None = None, note: str | None = None) -> Review:
    """Move ``finding`` to review state ``decision`` (``open`` reopens it) and record who did."""
    if decision not in REVIEW_STATES:
        raise InputError(f"{decision!r} is not a review state; use one of: {', '.join(REVIEW_STATES)}", field="decision")
    before = finding.review_state
    finding.review_state = decision
    review = Review(run_id=finding.run_id, finding_id=finding.id, user_id=user.id if user else None, decision=decision, note=note)
    session.add(review)
    run = session.get(Run, finding.run_id)
    audit(
        session, "finding.review", actor=_actor(user, actor), user=user, workspace_id=run.workspace_id if run else None,
        target=finding, detail={"from": before, "to": decision, "code": finding.code, "note": note},
    )
    return review


def decide_run(session: Session, run: Run, decision: str, *, user: User | None = None, actor: str | None = None, note: str | None = None) -> Review:
    """Approve or reject a whole run (the campaign version it checked) and record who did."""
    if decision not in RUN_DECISIONS:
        raise InputError(f"{decision!r} is not a run decision; use one of: {', '.join(RUN_DECISIONS)}", field="decision")
    review = Review(run_id=run.id, finding_id=None, user_id=user.id if user else None, decision=decision, note=note)
    session.add(review)
    audit(session, f"run.{decision}", actor=_actor(user, actor), user=user, workspace_id=run.workspace_id, target=run, detail={"note": note, "verdict": run.verdict})
    return review


def run_decision(session: Session, run: Run) -> Review | None:
    """The latest decision on the whole run, or None while it is undecided."""
    return session.scalar(
        sa.select(Review).where(Review.run_id == run.id, Review.finding_id.is_(None)).order_by(Review.created_at.desc(), Review.id.desc()).limit(1)
    )


def finding_history(session: Session, finding: Finding) -> list[Review]:
    """Every review of ``finding``, oldest first."""
    return list(session.scalars(sa.select(Review).where(Review.finding_id == finding.id).order_by(Review.created_at, Review.id)))
