"""A run's pages: the grid of renders with their findings, one recipient, the email itself, compare.

The grid pages in SQL (``PREVIEW_PAGE_SIZE`` cards a page) and renders only the cards it shows;
each email loads in its own lazily loaded, sandboxed iframe from :func:`render_html`, which
marks the findings server-side and sends a CSP under which nothing can run.
"""

from __future__ import annotations

import json

from flask import abort, make_response, render_template, request, url_for
from markupsafe import escape

from preview.extension import db, state
from preview.store import queries
from preview.store import runs as store_runs
from preview.store.models import Run, RunRecipient
from preview.store.reviews import finding_history, run_decision
from preview.web import bp, grid, overview, security
from preview.web.auth import workspace
from preview.web.cards import build_card, finding_view, render_spans
from preview.web.compare import changed, diff_lines, diff_words
from preview.web.highlight import mark_html
from preview.web.privacy import is_revealed, masker_for
from preview.web.rendered import RendererCache, render_run_recipient
from preview.web.sample_notes import sample_notes

VIEWS = ("desktop", "mobile", "text")


def renderers() -> RendererCache:
    """This app's cache of campaign renderers."""
    extra = state().extra
    cache = extra.get("web_renderers")
    if cache is None:
        cache = extra.setdefault("web_renderers", RendererCache(state().render_settings))
    return cache


def run_or_404(run_id: int) -> Run:
    """Run ``run_id`` of this workspace, or 404 (other workspaces' runs do not exist here)."""
    run = store_runs.get_run(db(), queries.ensure_workspace(db(), workspace()), run_id)
    if run is None:
        abort(404, description=f"No run {run_id}.")
    return run


def row_or_404(run: Run, row_id: int) -> RunRecipient:
    """Recipient ``row_id`` of ``run``, or 404."""
    row = db().get(RunRecipient, row_id)
    if row is None or row.run_id != run.id:
        abort(404, description="No such recipient in this run.")
    return row


def _card(run: Run, row: RunRecipient, findings):
    message = render_run_recipient(renderers(), run, row)
    return build_card(row, message, findings, masker_for(row.record), getattr(row, "reasons", None))


@bp.route("/runs/<int:run_id>")
def run_page(run_id: int):
    """The run: summary, filters with counts, template findings, and a page of preview cards."""
    store = db()
    run = run_or_404(run_id)
    flt = grid.GridFilter.from_args(request.args)
    view = request.args.get("view") if request.args.get("view") in VIEWS else "desktop"
    per_page = int(state().config["PREVIEW_PAGE_SIZE"])
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = grid.page_of_recipients(store, run, flt, page, per_page)
    pages = max(1, -(-total // per_page))
    notes = sample_notes(run)
    found = grid.findings_by_recipient(store, run, [r.id for r in rows])
    cards = [_card(run, row, found.get(row.id, [])) for row in rows]
    template = grid.template_findings(store, run)
    masker = masker_for(None)
    return render_template(
        "preview/run.html",
        run=run,
        version=run.campaign_version,
        campaign=run.campaign_version.campaign,
        cards=cards,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        flt=flt,
        view=view,
        counts=store_runs.finding_counts(store, run),
        segments=grid.segment_counts(store, run),
        verdicts=grid.verdict_counts(store, run),
        codes=grid.code_counts(store, run),
        template_findings=[finding_view(f, masker) for f in template],
        notes=notes,
        decision=run_decision(store, run),
        unresolved=overview.unresolved_blocks(store, run),
        first_row=rows[0] if rows else None,
    )


@bp.route("/runs/<int:run_id>/r/<int:row_id>")
def recipient_page(run_id: int, row_id: int):
    """One recipient of a run: desktop and mobile side by side, plain text, findings, lineage."""
    store = db()
    run = run_or_404(run_id)
    row = row_or_404(run, row_id)
    findings = grid.findings_by_recipient(store, run, [row.id]).get(row.id, [])
    card = _card(run, row, findings)
    history = {f.id: finding_history(store, f) for f in findings}
    record_json = card.masker.text(json.dumps(row.record, indent=2, ensure_ascii=False)) if row.record is not None else None
    return render_template(
        "preview/recipient.html",
        run=run,
        campaign=run.campaign_version.campaign,
        version=run.campaign_version,
        card=card,
        history=history,
        record_json=record_json,
        revealed=is_revealed(row.external_id),
        selected=request.args.get("finding", type=int),
        other_runs=_same_recipient_elsewhere(run, row),
    )


def _same_recipient_elsewhere(run: Run, row: RunRecipient) -> list[tuple[Run, RunRecipient]]:
    """The same recipient in other runs of this campaign (to compare versions), newest first."""
    store = db()
    out = []
    for other in overview.recent_runs(store, run.workspace_id, campaign_id=run.campaign_version.campaign_id, limit=20):
        if other.id == run.id:
            continue
        match = store.scalar(store_runs.run_recipients_query(other).where(RunRecipient.external_id == row.external_id))
        if match is not None:
            out.append((other, match))
    return out


@bp.route("/runs/<int:run_id>/r/<int:row_id>/render.html")
def render_html(run_id: int, row_id: int):
    """The email itself, findings marked, PII masked, under a CSP that lets nothing run."""
    store = db()
    run = run_or_404(run_id)
    row = row_or_404(run, row_id)
    message = render_run_recipient(renderers(), run, row)
    if message is None or not message.html:
        problems = [f"{e.part}: {e.message}" for e in (message.errors if message else [])] or ["this run did not keep the recipient's data"]
        body = "".join(f"<li>{escape(p)}</li>" for p in problems)
        html = f"<!doctype html><html><body><h3>This email did not render</h3><ul>{body}</ul></body></html>"
    else:
        own = grid.findings_by_recipient(store, run, [row.id]).get(row.id, [])
        spans = render_spans(own, grid.template_findings(store, run), request.args.get("highlight", type=int))
        masker = masker_for(row.record)
        html = mark_html(message.html, spans, message.body_text, None if masker.reveal else masker.text)
    response = make_response(html)
    response.mimetype = "text/html"
    return security.render_headers(response)


@bp.route("/compare")
def compare():
    """Two renders side by side, the inbox line and the visible text diffed word by word."""
    store = db()
    ids = request.args.getlist("r", type=int) or [i for i in (request.args.get("a", type=int), request.args.get("b", type=int)) if i]
    if len(ids) != 2:
        abort(400, description="Pick exactly two renders to compare.")
    sides = []
    for row_id in ids:
        row = store.get(RunRecipient, row_id) or abort(404)
        run = run_or_404(row.run_id)
        findings = grid.findings_by_recipient(store, run, [row.id]).get(row.id, [])
        sides.append((run, _card(run, row, findings)))
    (run_a, a), (run_b, b) = sides
    text_a = a.masker.text(a.message.body_text) if a.message else ""
    text_b = b.masker.text(b.message.body_text) if b.message else ""
    inbox = []
    for part, label in (("from_name", "From"), ("subject", "Subject"), ("preheader", "Preheader")):
        left = a.masker.text(a.message.part_text(part)) if a.message else ""
        right = b.masker.text(b.message.part_text(part)) if b.message else ""
        inbox.append((label, *diff_words(left, right)))
    rows = diff_lines(text_a, text_b)
    return render_template("preview/compare.html", a=a, b=b, run_a=run_a, run_b=run_b, inbox=inbox, rows=rows, changed=changed(rows))


@bp.route("/runs/<int:run_id>/progress")
def run_progress(run_id: int):
    """The run's status as JSON, for the page's progress bar."""
    run = run_or_404(run_id)
    return {
        "status": run.status,
        "checked": run.recipients_checked,
        "planned": run.recipients_planned,
        "progress": run.progress,
        "verdict": run.verdict,
        "url": url_for("preview_web.run_page", run_id=run.id),
    }
