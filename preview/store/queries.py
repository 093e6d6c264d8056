"""Reading the audience: workspaces, recipient lookups, counts, and streaming every record.

Streaming walks the audience in primary-key order with keyset pagination (``WHERE id > last
ORDER BY id LIMIT n``): each batch is one short query, no ORM objects pile up in the session,
and memory stays flat however large the audience is. The order is stable, so a seeded sample
drawn from the stream is the same every time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview import settings
from preview.contract.errors import InputError
from preview.store.models import Recipient, RecipientSegment, Workspace

WorkspaceRef = Workspace | str | None


def get_workspace(session: Session, workspace: WorkspaceRef = None) -> Workspace:
    """The workspace named ``workspace`` (a slug; None: the default one), or :class:`InputError`."""
    if isinstance(workspace, Workspace):
        return workspace
    slug = workspace or settings.get("PREVIEW_DEFAULT_WORKSPACE")
    found = _workspace_by_slug(session, slug)
    if found is None:
        raise InputError(f"no workspace {slug!r}", field="workspace")
    return found


def ensure_workspace(session: Session, workspace: WorkspaceRef = None, name: str | None = None) -> Workspace:
    """The workspace ``workspace``, created (and flushed) when it does not exist yet."""
    if isinstance(workspace, Workspace):
        return workspace
    slug = workspace or settings.get("PREVIEW_DEFAULT_WORKSPACE")
    found = _workspace_by_slug(session, slug)
    if found is None:
        found = Workspace(slug=slug, name=name or slug)
        session.add(found)
        session.flush()
    return found


def _workspace_by_slug(session: Session, slug: str) -> Workspace | None:
    return session.scalar(sa.select(Workspace).where(Workspace.slug == slug))


def _filters(workspace_id: int, where) -> list:
    clauses = [Recipient.workspace_id == workspace_id]
    if where is not None:
        clauses.extend(where if isinstance(where, (list, tuple)) else [where])
    return clauses


def iter_record_batches(session: Session, workspace: WorkspaceRef = None, batch_size: int = 1000, where=None) -> Iterator[list[dict]]:
    """Lists of up to ``batch_size`` recipient records of ``workspace``, in a stable order.

    ``where`` is a SQLAlchemy condition (or a list of them) on :class:`Recipient`, e.g.
    ``Recipient.is_seed.is_(True)`` or ``Recipient.id.in_(select(LifeEvent.recipient_id)...)``.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ws = get_workspace(session, workspace)
    clauses = _filters(ws.id, where)
    last = None
    while True:
        query = sa.select(Recipient.id, Recipient.record).where(*clauses)
        if last is not None:
            query = query.where(Recipient.id > last)
        rows = session.execute(query.order_by(Recipient.id).limit(batch_size)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield [record for _, record in rows]
        if len(rows) < batch_size:
            return


def iter_records(session: Session, workspace: WorkspaceRef = None, batch_size: int = 1000, where=None) -> Iterator[dict]:
    """Every recipient record of ``workspace`` (optionally filtered by ``where``), one at a time."""
    for batch in iter_record_batches(session, workspace, batch_size, where):
        yield from batch


def count_recipients(session: Session, workspace: WorkspaceRef = None, where=None) -> int:
    """How many recipients ``workspace`` has (matching ``where``, when given)."""
    ws = get_workspace(session, workspace)
    return session.scalar(sa.select(sa.func.count()).select_from(Recipient).where(*_filters(ws.id, where))) or 0


def has_recipients(session: Session) -> bool:
    """Whether any workspace has any recipient."""
    return session.scalar(sa.select(Recipient.id).limit(1)) is not None


def segment_counts(session: Session, workspace: WorkspaceRef = None) -> dict[str, int]:
    """Recipients per segment in ``workspace``, largest first."""
    ws = get_workspace(session, workspace)
    n = sa.func.count(sa.distinct(RecipientSegment.recipient_id))
    rows = session.execute(
        sa.select(RecipientSegment.segment, n)
        .join(Recipient, Recipient.id == RecipientSegment.recipient_id)
        .where(Recipient.workspace_id == ws.id)
        .group_by(RecipientSegment.segment)
        .order_by(n.desc(), RecipientSegment.segment)
    ).all()
    return dict(rows)


def list_recipients(session: Session, workspace: WorkspaceRef = None, *, after_id: int | None = None, limit: int = 50, where=None) -> list[Recipient]:
    """One page of recipients in a stable order; pass the last ``id`` seen as ``after_id`` for the next."""
    ws = get_workspace(session, workspace)
    query = sa.select(Recipient).where(*_filters(ws.id, where))
    if after_id is not None:
        query = query.where(Recipient.id > after_id)
    return list(session.scalars(query.order_by(Recipient.id).limit(limit)))


def get_recipient(session: Session, workspace: WorkspaceRef, external_id: str) -> Recipient | None:
    """The recipient whose record ``id`` is ``external_id`` in ``workspace``, or None."""
    ws = get_workspace(session, workspace)
    return session.scalar(sa.select(Recipient).where(Recipient.workspace_id == ws.id, Recipient.external_id == external_id))


def get_records(session: Session, workspace: WorkspaceRef, external_ids: Iterable[str]) -> dict[str, dict]:
    """``{external id: record}`` for those of ``external_ids`` that exist in ``workspace``."""
    return _by_external_id(session, get_workspace(session, workspace).id, external_ids, Recipient.record)


def recipient_ids(session: Session, workspace_id: int, external_ids: Iterable[str]) -> dict[str, int]:
    """``{external id: primary key}`` of those of ``external_ids`` in the workspace."""
    return _by_external_id(session, workspace_id, external_ids, Recipient.id)


def _by_external_id(session: Session, workspace_id: int, external_ids: Iterable[str], column) -> dict:
    """``{external id: column}`` of those of ``external_ids`` in the workspace, a thousand ids a
    query (databases cap the parameters of one statement)."""
    wanted = list(dict.fromkeys(external_ids))
    out: dict = {}
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            sa.select(Recipient.external_id, column)
            .where(Recipient.workspace_id == workspace_id, Recipient.external_id.in_(wanted[start : start + 1000]))
        )
        out.update(rows.all())
    return out
