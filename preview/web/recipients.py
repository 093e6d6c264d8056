"""The audience: recipients (masked) by segment, and importing a recipient file from the browser.

An import is all or nothing, as on the command line (``preview import``): one bad row anywhere
stops it with the file's line and field, and nothing is kept.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from preview.contract.errors import InputError
from preview.extension import db, state
from preview.store import queries
from preview.store.importer import import_file
from preview.store.models import Recipient, RecipientSegment
from preview.store.reviews import audit
from preview.web import bp
from preview.web.auth import actor, current_user, require, workspace
from preview.web.privacy import masker_for

IMPORT_SUFFIXES = (".jsonl", ".json", ".csv")
PAGE = 50


@bp.route("/recipients")
def recipient_list():
    """Segments with their sizes and a page of recipients, e-mail and names masked."""
    store = db()
    ws = queries.ensure_workspace(store, workspace())
    segment = (request.args.get("segment") or "").strip() or None
    where = None
    if segment:
        where = Recipient.id.in_(sa.select(RecipientSegment.recipient_id).where(RecipientSegment.segment == segment))
    after = request.args.get("after", type=int)
    rows = queries.list_recipients(store, ws, after_id=after, limit=PAGE, where=where)
    people = [(r, masker_for(r.record)) for r in rows]
    return render_template(
        "preview/recipients.html",
        people=people,
        total=queries.count_recipients(store, ws, where=where),
        segments=queries.segment_counts(store, ws),
        segment=segment,
        next_after=rows[-1].id if len(rows) == PAGE else None,
    )


@bp.route("/recipients/import", methods=["POST"])
@require("reviewer")
def recipient_import():
    """Import an uploaded .jsonl/.json/.csv file into the audience (updates ids already there)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a recipient file to import.", "error")
        return redirect(url_for("preview_web.recipient_list"))
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        flash(f"{name}: a recipient file ends in .jsonl, .json or .csv.", "error")
        return redirect(url_for("preview_web.recipient_list"))
    replace = request.form.get("replace") == "1"
    store = db()
    with tempfile.TemporaryDirectory(prefix="preview-import-") as folder:
        # Saved under its own name, so errors say "customers.csv:12" as the marketer knows it.
        path = Path(folder) / name
        upload.save(path)
        try:
            result = import_file(store, path, workspace(), replace=replace, batch_size=int(state().config["PREVIEW_IMPORT_BATCH_SIZE"]))
        except InputError as exc:
            store.rollback()
            message = str(exc).replace(str(path), name).replace(folder + "/", "")
            flash(f"Nothing was imported: {message}", "error")
            return redirect(url_for("preview_web.recipient_list"))
    ws = queries.get_workspace(store, workspace())
    audit(store, "recipients.import", actor=actor(), user=current_user(), workspace_id=ws.id, target=("workspace", ws.slug), detail={"file": name, "rows": result.rows, "inserted": result.inserted, "updated": result.updated, "deleted": result.deleted})
    store.commit()
    removed = f", {result.deleted:,} removed" if replace else ""
    flash(f"Imported {result.rows:,} recipients from {name} ({result.inserted:,} new, {result.updated:,} updated{removed}).", "info")
    return redirect(url_for("preview_web.recipient_list"))
