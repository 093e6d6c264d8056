"""Campaigns: the list, creating one (upload or paste), the editor, versions, and starting a run."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import abort, flash, redirect, render_template, request, url_for

from preview.contract.errors import InputError
from preview.extension import db, state
from preview.sampling import STRATEGIES
from preview.store import campaigns as store_campaigns
from preview.store import queries, runs
from preview.store.campaigns import CAMPAIGN_SUFFIXES
from preview.store.reviews import audit
from preview.web import bp, overview
from preview.web.auth import actor, current_user, require, workspace
from preview.web.compare import diff_lines

# How each sampling strategy is offered when starting a run (unknown ones show their name).
STRATEGY_LABELS = {
    "random": "Random (seeded)",
    "stratified": "Stratified by segment",
    "edge": "Edge cases (with the reason each was chosen)",
    "coverage": "Branch coverage (every if/for branch reached once)",
    "all": "Everyone (the whole audience)",
}
MAX_UI_SAMPLE = 5000
MAX_UPLOAD = 2_000_000  # characters of a campaign file


def _campaign_or_404(slug: str):
    campaign = store_campaigns.get_campaign(db(), workspace(), slug)
    if campaign is None:
        abort(404, description=f"No campaign {slug!r}.")
    return campaign


def strategies() -> list[tuple[str, str]]:
    """``(name, label)`` of the sampling strategies a run can use."""
    names = [*STRATEGIES, "all"]
    return [(name, STRATEGY_LABELS.get(name, name)) for name in names]


@bp.route("/")
def index():
    """The home page: the campaigns."""
    return redirect(url_for("preview_web.campaign_list"))


@bp.route("/campaigns")
def campaign_list():
    """Every campaign with its latest version and whether that version is approved."""
    store = db()
    ws = queries.ensure_workspace(store, workspace())
    rows = []
    for campaign, version in overview.campaigns_with_latest(store, ws.id):
        rows.append({"campaign": campaign, "version": version, "approval": overview.approval(store, version)})
    return render_template("preview/campaigns.html", rows=rows)


def _read_submission() -> tuple[str, str]:
    """``(source, filename)`` from an upload or the pasted text; InputError when neither is usable."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_UPLOAD * 4 + 1)
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", location=upload.filename) from None
        filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    else:
        source = request.form.get("source", "").replace("\r\n", "\n")
        filename = request.form.get("filename", "").strip()
    if not source.strip():
        raise InputError("the campaign file is empty", field="source")
    if len(source) > MAX_UPLOAD:
        raise InputError(f"the campaign file is larger than {MAX_UPLOAD:,} characters", field="source")
    if not filename.lower().endswith(CAMPAIGN_SUFFIXES):
        raise InputError("the file name must end in .mjml or .html (it sets the body format)", field="filename")
    return source, filename


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require("reviewer")
def campaign_new():
    """Create a campaign from an uploaded or pasted campaign file."""
    if request.method == "GET":
        return render_template("preview/campaign_new.html", source="", filename="")
    store = db()
    source, filename = request.form.get("source", ""), request.form.get("filename", "")
    try:
        source, filename = _read_submission()
        slug = store_campaigns.slugify(filename.rsplit(".", 1)[0])
        if store_campaigns.get_campaign(store, queries.ensure_workspace(store, workspace()), slug) is not None:
            raise InputError(f"a campaign called {slug!r} exists already: open it and edit it, or use another file name", field="filename")
        version, _ = store_campaigns.save_version(store, source, filename, workspace(), author=actor())
    except InputError as exc:
        store.rollback()
        return render_template("preview/campaign_new.html", source=source, filename=filename, error=exc), 400
    audit(store, "campaign.create", actor=actor(), user=current_user(), workspace_id=version.campaign.workspace_id, target=version.campaign, detail={"version": version.number})
    store.commit()
    flash(f"Created {version.campaign.name} (version 1).", "info")
    return redirect(url_for("preview_web.campaign_detail", slug=version.campaign.slug))


@bp.route("/campaigns/<slug>")
def campaign_detail(slug: str):
    """A campaign: its latest version, approval, versions, runs, and the form to start a run."""
    store = db()
    campaign = _campaign_or_404(slug)
    versions = list(reversed(campaign.versions))
    latest = versions[0] if versions else None
    parsed, parse_error = None, None
    if latest is not None:
        try:
            parsed = store_campaigns.parse_version(latest)
        except InputError as exc:
            parse_error = exc
    run_rows = overview.recent_runs(store, campaign.workspace_id, campaign_id=campaign.id)
    decided = overview.decisions(store, [r.id for r in run_rows])
    default_date = (parsed.send_date if parsed and parsed.send_date else dt.date.today()).isoformat()
    return render_template(
        "preview/campaign.html",
        campaign=campaign,
        versions=versions,
        latest=latest,
        parsed=parsed,
        parse_error=parse_error,
        runs=run_rows,
        decided=decided,
        approval=overview.approval(store, latest),
        strategies=strategies(),
        default_size=state().config["PREVIEW_SAMPLE_SIZE"],
        default_date=default_date,
        request_id=uuid.uuid4().hex,
    )


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@require("reviewer")
def campaign_edit(slug: str):
    """The editor: saving keeps the old version and adds a new one."""
    store = db()
    campaign = _campaign_or_404(slug)
    latest = store_campaigns.latest_version(store, campaign)
    if request.method == "GET":
        return render_template("preview/campaign_edit.html", campaign=campaign, latest=latest, source=latest.source if latest else "")
    source = request.form.get("source", "").replace("\r\n", "\n")
    try:
        if not source.strip():
            raise InputError("the campaign file is empty", field="source")
        version, created = store_campaigns.save_version(store, source, latest.filename, workspace(), slug=campaign.slug, author=actor())
    except InputError as exc:
        store.rollback()
        return render_template("preview/campaign_edit.html", campaign=campaign, latest=latest, source=source, error=exc), 400
    if not created:
        flash(f"No changes: the text is the same as version {version.number}.", "info")
        return redirect(url_for("preview_web.campaign_detail", slug=slug))
    audit(store, "campaign.save", actor=actor(), user=current_user(), workspace_id=campaign.workspace_id, target=version, detail={"campaign": campaign.slug, "version": version.number})
    store.commit()
    flash(f"Saved version {version.number}.", "info")
    return redirect(url_for("preview_web.campaign_detail", slug=slug))


@bp.route("/campaigns/<slug>/v/<int:number>")
def campaign_version(slug: str, number: int):
    """One saved version: its text with line numbers and what changed since the one before."""
    store = db()
    campaign = _campaign_or_404(slug)
    version = store_campaigns.get_version(store, workspace(), slug, number) or abort(404)
    previous = store_campaigns.get_version(store, workspace(), slug, number - 1) if number > 1 else None
    rows = diff_lines(previous.source, version.source) if previous else None
    version_runs = runs.list_runs(store, workspace(), version=version, limit=20)
    return render_template("preview/campaign_version.html", campaign=campaign, version=version, previous=previous, rows=rows, runs=version_runs)


def _run_params(form, parsed_send_date: dt.date | None) -> dict:
    """The run parameters of the start-run form, checked."""
    strategy = form.get("strategy") or "random"
    if strategy not in dict(strategies()):
        raise InputError(f"unknown sampling strategy {strategy!r}", field="strategy")
    try:
        size = int(form.get("size") or state().config["PREVIEW_SAMPLE_SIZE"])
    except ValueError:
        raise InputError("the sample size must be a whole number", field="size") from None
    if not 1 <= size <= MAX_UI_SAMPLE:
        raise InputError(f"the sample size must be between 1 and {MAX_UI_SAMPLE:,}", field="size")
    raw_date = (form.get("send_date") or "").strip()
    try:
        send_date = dt.date.fromisoformat(raw_date) if raw_date else (parsed_send_date or dt.date.today())
    except ValueError:
        raise InputError(f"expected a date like 2026-12-10, got {raw_date!r}", field="send_date") from None
    sampling: dict = {"strategy": strategy}
    max_scan = (form.get("max_scan") or "").strip()
    if strategy == "coverage" and max_scan:
        if not max_scan.isdigit() or int(max_scan) < 1:
            raise InputError("scan at most: a whole number of recipients", field="max_scan")
        sampling["max_scan"] = int(max_scan)
    return {"sampling": sampling, "size": size, "seed": (form.get("seed") or "0").strip()[:64], "send_date": send_date.isoformat()}


@bp.route("/campaigns/<slug>/runs", methods=["POST"])
@require("reviewer")
def run_start(slug: str):
    """Queue a run of a version (default: the latest) and hand it to the executor."""
    store = db()
    campaign = _campaign_or_404(slug)
    number = request.form.get("version", type=int)
    version = store_campaigns.get_version(store, workspace(), slug, number) if number else store_campaigns.latest_version(store, campaign)
    if version is None:
        abort(404, description="No such version.")
    try:
        parsed = store_campaigns.parse_version(version)
        params = _run_params(request.form, parsed.send_date)
        key = request.form.get("request_id", "").strip()
        run, created = runs.create_run(store, version, params, idempotency_key=f"ui:{key}" if key else None, created_by=actor())
    except InputError as exc:
        store.rollback()
        flash(f"Run not started: {exc}", "error")
        return redirect(url_for("preview_web.campaign_detail", slug=slug))
    if created:
        audit(store, "run.start", actor=actor(), user=current_user(), workspace_id=run.workspace_id, target=run, detail={"campaign": slug, "version": version.number, **params})
    store.commit()
    if created:
        state().executor.submit(run.id)
    return redirect(url_for("preview_web.run_page", run_id=run.id))
