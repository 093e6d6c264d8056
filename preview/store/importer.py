"""Importing recipients: validated rows in, records and their child rows out, all or nothing.

Nothing here commits. The caller opens one transaction around the whole import and commits
only when it returns, so a bad row anywhere (it raises :class:`InputError` naming the file, the
line and the field) leaves the database as it was. Rows are written in batches with
executemany-style bulk statements; a re-imported id replaces the stored record and its child
rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.contract.errors import InputError
from preview.contract.recipients import Row, iter_rows, validate_recipient
from preview.store import queries
from preview.store.base import utcnow
from preview.store.bulk import insert_rows
from preview.store.models import (
    Activity,
    Attribute,
    LifeEvent,
    OccasionOptOut,
    Order,
    OrderItem,
    Recipient,
    RecipientSegment,
    Recommendation,
)

# Deleted before a re-imported recipient's rows are written again (items before their orders).
CHILD_TABLES = (OrderItem, Order, LifeEvent, Activity, Recommendation, OccasionOptOut, Attribute, RecipientSegment)


@dataclass
class ImportResult:
    """What an import did."""

    workspace: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0


def import_file(session: Session, path: str | Path, workspace=None, *, replace: bool = False, batch_size: int = 1000) -> ImportResult:
    """Import a .jsonl, .json or .csv recipient file into ``workspace`` (created when new).

    ``replace``: the file becomes the workspace's whole audience; recipients it does not list
    are deleted (their past runs keep a copy of what was rendered).
    """
    return import_rows(session, iter_rows(path), workspace, replace=replace, batch_size=batch_size)


def import_records(session: Session, records: Iterable[dict], workspace=None, *, source: str = "records", replace: bool = False, batch_size: int = 1000) -> ImportResult:
    """Import record dicts (validated here; errors name ``source`` and the record's index)."""
    return import_rows(session, rows_from_records(records, source), workspace, replace=replace, batch_size=batch_size)


def rows_from_records(records: Iterable[dict], source: str) -> Iterator[Row]:
    """Records as validated rows, as :func:`preview.contract.recipients.iter_rows` gives them."""
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        location = f"{source}[{index}]"
        try:
            validate_recipient(record, location)
        except InputError as exc:
            yield Row(index, None, exc)
            continue
        rid = record["id"]
        if rid in seen:
            yield Row(index, None, InputError(f"duplicate id {rid!r} (first at [{seen[rid]}])", location=location, field="id"))
            continue
        seen[rid] = index
        yield Row(index, record)


def import_rows(session: Session, rows: Iterable[Row], workspace=None, *, replace: bool = False, batch_size: int = 1000) -> ImportResult:
    """Import validated rows; the first row with an error is raised and nothing is flushed after it."""
    ws = queries.ensure_workspace(session, workspace)
    result = ImportResult(workspace=ws.slug)
    seen: set[str] = set()
    batch: list[dict] = []
    for row in rows:
        if row.error is not None:
            raise row.error
        batch.append(row.record)
        if len(batch) >= batch_size:
            _write(session, ws.id, batch, result)
            seen.update(r["id"] for r in batch)
            batch = []
    if batch:
        _write(session, ws.id, batch, result)
        seen.update(r["id"] for r in batch)
    if replace:
        if not seen:
            raise InputError("no recipients to import: --replace would delete the whole audience", field="replace")
        result.deleted = _delete_absent(session, ws.id, seen, batch_size)
    # The writes above bypass the ORM; objects the session already holds must be read again.
    session.expire_all()
    return result


def _write(session: Session, workspace_id: int, records: list[dict], result: ImportResult) -> None:
    existing = queries.recipient_ids(session, workspace_id, (r["id"] for r in records))
    now = utcnow()
    table = Recipient.__table__
    old = [r for r in records if r["id"] in existing]
    new = [r for r in records if r["id"] not in existing]
    if old:
        delete_children(session, list(existing.values()))
        # The SET clause comes from the parameter names; "pk" is not a column, so it is not set.
        stmt = table.update().where(table.c.id == sa.bindparam("pk"))
        session.execute(stmt, [{"pk": existing[r["id"]], **_recipient_columns(r), "updated_at": now} for r in old])
    ids = dict(existing)
    if new:
        # Plain executemany, then one SELECT for the new keys: INSERT ... RETURNING in parameter
        # order falls back to a statement per row on SQLite and is slow to build on psycopg.
        params = [{"workspace_id": workspace_id, **_recipient_columns(r), "created_at": now, "updated_at": now} for r in new]
        insert_rows(session, table, params)
        ids.update(queries.recipient_ids(session, workspace_id, (r["id"] for r in new)))
    _insert_children(session, [(ids[r["id"]], r) for r in records])
    result.rows += len(records)
    result.inserted += len(new)
    result.updated += len(old)


def _recipient_columns(r: dict) -> dict:
    prefs = r.get("preferences") or {}
    return {
        "external_id": r["id"],
        "email": r["email"],
        "first_name": r.get("first_name"),
        "last_name": r.get("last_name"),
        "birth_date": _date(r.get("birth_date")),
        "locale": r.get("locale"),
        "timezone": r.get("timezone"),
        "is_seed": bool(r.get("is_seed", False)),
        # The schema's defaults, so that SQL sees what a check sees.
        "deceased": bool(prefs.get("deceased", False)),
        "shared_device": bool(prefs.get("shared_device", False)),
        "sensitive_consent": bool(prefs.get("sensitive_personalization_consent", False)),
        "marketing_consent": bool(prefs.get("marketing_consent", True)),
        "record": r,
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _insert_children(session: Session, pairs: list[tuple[int, dict]]) -> None:
    """Insert the child rows (segments, events, orders and items, ...) of ``(recipient key, record)`` pairs."""
    rows: dict[type, list[dict]] = {model: [] for model in CHILD_TABLES}
    orders: list[tuple[dict, list[dict]]] = []
    for rid, r in pairs:
        for i, segment in enumerate(r.get("segments") or ()):
            rows[RecipientSegment].append({"recipient_id": rid, "position": i, "segment": segment})
        for i, e in enumerate(r.get("life_events") or ()):
            rows[LifeEvent].append({
                "recipient_id": rid, "position": i, "type": e["type"], "date": _date(e.get("date")),
                "status": e.get("status") or "happened", "source": e["source"], "confidence": e.get("confidence"),
                "evidence": e.get("evidence"), "subject": e.get("subject"),
            })
        for i, o in enumerate(r.get("orders") or ()):
            orders.append((
                {"recipient_id": rid, "position": i, "external_id": o["id"], "date": _date(o["date"]),
                 "ship_to_other": bool(o.get("ship_to_other", False)), "registry_id": o.get("registry_id")},
                o["items"],
            ))
        for i, a in enumerate(r.get("activity") or ()):
            rows[Activity].append({
                "recipient_id": rid, "position": i, "type": a["type"], "date": _date(a["date"]), "sku": a.get("sku"),
                "category": a.get("category"), "query": a.get("query"), "count": a.get("count", 1),
            })
        for i, rec in enumerate(r.get("recommendations") or ()):
            reason = rec.get("reason") or {}
            rows[Recommendation].append({
                "recipient_id": rid, "position": i, "sku": rec["sku"], "name": rec["name"], "category": rec.get("category"),
                "url": rec.get("url"), "image": rec.get("image"), "price": rec.get("price"), "reason_type": reason.get("type"),
                "reason_source_sku": reason.get("source_sku"), "reason_source_order": reason.get("source_order"),
            })
        for i, occasion in enumerate((r.get("preferences") or {}).get("occasion_opt_outs") or ()):
            rows[OccasionOptOut].append({"recipient_id": rid, "position": i, "occasion": occasion})
        sources = r.get("attribute_sources") or {}
        for i, (name, value) in enumerate((r.get("attributes") or {}).items()):
            rows[Attribute].append({
                "recipient_id": rid, "position": i, "name": name, "value": value,
                "value_text": _scalar_text(value), "source": sources.get(name),
            })
    if orders:
        rows[OrderItem] = _insert_orders(session, orders)
    for model, params in rows.items():
        if model is not Order:
            insert_rows(session, model.__table__, params)


def _insert_orders(session: Session, orders: list[tuple[dict, list[dict]]]) -> list[dict]:
    """Insert the ``(order row, its items)`` of ``orders``; returns the item rows, which need the
    orders' new keys."""
    insert_rows(session, Order.__table__, [o for o, _ in orders])
    keys = _order_ids(session, list({o["recipient_id"] for o, _ in orders}))
    items = []
    for order, order_items in orders:
        order_id = keys[order["recipient_id"], order["position"]]
        for i, item in enumerate(order_items):
            items.append({
                "order_id": order_id, "recipient_id": order["recipient_id"], "position": i, "sku": item["sku"],
                "name": item["name"], "category": item.get("category"), "price": item.get("price"),
                "quantity": item.get("quantity", 1), "gift": bool(item.get("gift", False)),
                "gift_wrap": bool(item.get("gift_wrap", False)), "returned": bool(item.get("returned", False)),
                "return_date": _date(item.get("return_date")), "return_reason": item.get("return_reason"),
            })
    return items


def _order_ids(session: Session, recipient_ids: list[int]) -> dict[tuple[int, int], int]:
    table = Order.__table__
    out: dict[tuple[int, int], int] = {}
    for start in range(0, len(recipient_ids), 1000):
        chunk = recipient_ids[start : start + 1000]
        rows = session.execute(sa.select(table.c.recipient_id, table.c.position, table.c.id).where(table.c.recipient_id.in_(chunk)))
        out.update(((rid, pos), pk) for rid, pos, pk in rows)
    return out


def _scalar_text(value) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def delete_children(session: Session, recipient_ids: list[int]) -> None:
    """Delete the child rows of the given recipients (before their records are rewritten)."""
    for start in range(0, len(recipient_ids), 1000):
        chunk = recipient_ids[start : start + 1000]
        for model in CHILD_TABLES:
            session.execute(sa.delete(model.__table__).where(model.__table__.c.recipient_id.in_(chunk)))


def _delete_absent(session: Session, workspace_id: int, keep: set[str], batch_size: int) -> int:
    doomed: list[int] = []
    last = 0
    while True:
        rows = session.execute(
            sa.select(Recipient.id, Recipient.external_id)
            .where(Recipient.workspace_id == workspace_id, Recipient.id > last)
            .order_by(Recipient.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        doomed.extend(pk for pk, external_id in rows if external_id not in keep)
    delete_children(session, doomed)
    table = Recipient.__table__
    for start in range(0, len(doomed), 1000):
        session.execute(sa.delete(table).where(table.c.id.in_(doomed[start : start + 1000])))
    return len(doomed)
