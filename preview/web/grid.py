"""The queries behind a run's preview grid: one page of recipients, filters and their counts.

Everything is counted and filtered in SQL, so a run of 200 recipients (or 20,000) costs the same
few queries per page; only the page's recipients are loaded, and only they are rendered.
Flask-free (these could live in :mod:`preview.store.runs`; they are here because only the grid
asks them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.store.models import SEVERITIES, VERDICTS, Finding, RecipientSegment, Run, RunRecipient


@dataclass(frozen=True)
class GridFilter:
    """What the grid shows: recipients with a finding of this family/severity/code, in a segment."""

    family: str | None = None
    severity: str | None = None
    code: str | None = None
    segment: str | None = None
    verdict: str | None = None

    @classmethod
    def from_args(cls, args) -> GridFilter:
        """From request arguments; empty or unknown values mean "any"."""
        def value(name, allowed=None):
            raw = (args.get(name) or "").strip() or None
            return raw if raw is None or allowed is None or raw in allowed else None

        return cls(value("family"), value("severity", SEVERITIES), value("code"), value("segment"), value("verdict", VERDICTS))

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any((self.family, self.severity, self.code, self.segment, self.verdict))

    def args(self) -> dict:
        """The filter as query arguments (for links that keep it)."""
        return {k: v for k, v in self.__dict__.items() if v}


def _filtered(run: Run, flt: GridFilter) -> sa.Select:
    query = sa.select(RunRecipient).where(RunRecipient.run_id == run.id)
    if flt.verdict:
        query = query.where(RunRecipient.verdict == flt.verdict)
    if flt.family or flt.severity or flt.code:
        matching = sa.select(Finding.run_recipient_id).where(Finding.run_id == run.id, Finding.run_recipient_id.is_not(None))
        for column, value in ((Finding.family, flt.family), (Finding.severity, flt.severity), (Finding.code, flt.code)):
            if value:
                matching = matching.where(column == value)
        query = query.where(RunRecipient.id.in_(matching))
    if flt.segment:
        members = sa.select(RecipientSegment.recipient_id).where(RecipientSegment.segment == flt.segment)
        query = query.where(RunRecipient.recipient_id.in_(members))
    return query


def page_of_recipients(session: Session, run: Run, flt: GridFilter, page: int, per_page: int) -> tuple[list[RunRecipient], int]:
    """``(the page's run recipients in render order, how many match in all)``."""
    query = _filtered(run, flt)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(RunRecipient.position).limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total


def findings_by_recipient(session: Session, run: Run, row_ids: list[int]) -> dict[int, list[Finding]]:
    """The findings of the given run recipients, most severe first."""
    out: dict[int, list[Finding]] = defaultdict(list)
    if not row_ids:
        return out
    rank = sa.case({"block": 0, "warn": 1}, value=Finding.severity, else_=2)
    query = sa.select(Finding).where(Finding.run_id == run.id, Finding.run_recipient_id.in_(row_ids)).order_by(rank, Finding.code, Finding.id)
    for finding in session.scalars(query):
        out[finding.run_recipient_id].append(finding)
    return out


def template_findings(session: Session, run: Run) -> list[Finding]:
    """Findings that hold for the template itself (every recipient)."""
    rank = sa.case({"block": 0, "warn": 1}, value=Finding.severity, else_=2)
    query = sa.select(Finding).where(Finding.run_id == run.id, Finding.run_recipient_id.is_(None)).order_by(rank, Finding.code, Finding.id)
    return list(session.scalars(query))


def segment_counts(session: Session, run: Run) -> dict[str, int]:
    """Run recipients per segment (of the stored recipient), largest first."""
    n = sa.func.count(sa.distinct(RunRecipient.id))
    rows = session.execute(
        sa.select(RecipientSegment.segment, n)
        .join(RunRecipient, RunRecipient.recipient_id == RecipientSegment.recipient_id)
        .where(RunRecipient.run_id == run.id)
        .group_by(RecipientSegment.segment)
        .order_by(n.desc(), RecipientSegment.segment)
    ).all()
    return dict(rows)


def verdict_counts(session: Session, run: Run) -> dict[str, int]:
    """Run recipients per verdict."""
    rows = session.execute(sa.select(RunRecipient.verdict, sa.func.count()).where(RunRecipient.run_id == run.id).group_by(RunRecipient.verdict))
    counts = dict.fromkeys(VERDICTS, 0)
    counts.update(dict(rows.all()))
    return counts


def code_counts(session: Session, run: Run) -> list[tuple[str, str, str, str, int]]:
    """``(code, name, family, severity, findings)`` per check that fired, most findings first."""
    n = sa.func.count()
    rows = session.execute(
        sa.select(Finding.code, Finding.name, Finding.family, Finding.severity, n)
        .where(Finding.run_id == run.id)
        .group_by(Finding.code, Finding.name, Finding.family, Finding.severity)
        .order_by(n.desc(), Finding.code)
    )
    return [tuple(r) for r in rows.all()]
