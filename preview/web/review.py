"""Review: approve or reject a run, judge each finding, reveal a recipient, read the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from preview.contract.errors import InputError
from preview.extension import db
from preview.store import queries, reviews
from preview.store.models import REVIEW_STATES, RUN_DECISIONS, AuditLog, Finding, Run, RunRecipient
from preview.web import bp, overview, privacy
from preview.web.auth import actor, current_user, require, safe_next, workspace
from preview.web.runs import run_or_404

REVIEW_LABELS = {"open": "Open", "confirmed": "Confirmed", "false_alarm": "False alarm", "accepted_risk": "Accepted risk"}
MAX_NOTE = 2000
AUDIT_PAGE = 100


def _note() -> str | None:
    note = (request.form.get("note") or "").strip()
    return note[:MAX_NOTE] or None


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


@bp.route("/runs/<int:run_id>/decision", methods=["POST"])
@require("reviewer")
def run_decide(run_id: int):
    """Approve or reject a finished run, with a comment (required to reject)."""
    store = db()
    run = run_or_404(run_id)
    decision = request.form.get("decision")
    page = url_for("preview_web.run_page", run_id=run.id)
    if decision not in RUN_DECISIONS:
        abort(400, description=f"decision must be one of: {', '.join(RUN_DECISIONS)}")
    if run.status != "done":
        flash("Only a finished run can be approved or rejected.", "error")
        return redirect(page)
    note = _note()
    if decision == "rejected" and not note:
        flash("Say why you reject the run: the comment is what the campaign's author reads.", "error")
        return redirect(page)
    if decision == "approved":
        unresolved = overview.unresolved_blocks(store, run)
        if unresolved:
            flash(f"{unresolved} blocking finding(s) are still open or confirmed: mark each a false alarm or an accepted risk first, or reject the run.", "error")
            return redirect(page)
    reviews.decide_run(store, run, decision, user=current_user(), note=note)
    store.commit()
    flash(f"Run {run.id} {decision}.", "info")
    return redirect(page)


@bp.route("/findings/<int:finding_id>/review", methods=["POST"])
@require("reviewer")
def finding_review(finding_id: int):
    """Mark a finding confirmed, false alarm, accepted risk (or open again), with a note."""
    store = db()
    finding = store.get(Finding, finding_id) or abort(404)
    run = run_or_404(finding.run_id)
    state = request.form.get("state")
    if state not in REVIEW_STATES:
        abort(400, description=f"state must be one of: {', '.join(REVIEW_STATES)}")
    try:
        reviews.review_finding(store, finding, state, user=current_user(), note=_note())
    except InputError as exc:
        abort(400, description=str(exc))
    store.commit()
    flash(f"{finding.code} marked {REVIEW_LABELS[state].lower()}.", "info")
    return redirect(_back(url_for("preview_web.run_page", run_id=run.id)) + f"#finding-{finding.id}")


@bp.route("/recipients/<path:external_id>/reveal", methods=["POST"])
@require("reviewer")
def recipient_reveal(external_id: str):
    """Show one recipient's e-mail and names unmasked for a while; logged with who and when."""
    store = db()
    ws = queries.ensure_workspace(store, workspace())
    in_runs = sa.select(RunRecipient.run_id).join(Run, Run.id == RunRecipient.run_id).where(Run.workspace_id == ws.id, RunRecipient.external_id == external_id)
    run_id = store.scalar(in_runs.order_by(RunRecipient.run_id.desc()).limit(1))
    if run_id is None and queries.get_recipient(store, ws, external_id) is None:
        abort(404, description="No such recipient.")
    privacy.reveal(external_id)
    detail = {"recipient": external_id, "ip": request.remote_addr, "page": request.form.get("next")}
    reviews.audit(store, "recipient.reveal", actor=actor(), user=current_user(), workspace_id=ws.id, target=("recipient", external_id), detail=detail)
    store.commit()
    return redirect(_back(url_for("preview_web.recipient_list")))


@bp.route("/recipients/<path:external_id>/hide", methods=["POST"])
@require("reviewer")
def recipient_hide(external_id: str):
    """Mask a revealed recipient again."""
    privacy.hide(external_id)
    return redirect(_back(url_for("preview_web.recipient_list")))


@bp.route("/audit")
@require("reviewer")
def audit_log():
    """The audit log, newest first, filterable by action and actor."""
    store = db()
    ws = queries.ensure_workspace(store, workspace())
    query = sa.select(AuditLog).where(sa.or_(AuditLog.workspace_id == ws.id, AuditLog.workspace_id.is_(None)))
    action = (request.args.get("action") or "").strip()
    who = (request.args.get("actor") or "").strip()
    if action:
        query = query.where(AuditLog.action == action)
    if who:
        query = query.where(AuditLog.actor == who)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditLog.id < before)
    entries = store.scalars(query.order_by(AuditLog.id.desc()).limit(AUDIT_PAGE)).all()
    actions = store.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    return render_template("preview/audit.html", entries=entries, actions=actions, action=action, who=who, more=len(entries) == AUDIT_PAGE)
