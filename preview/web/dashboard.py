"""The QA lead's dashboard: runs across campaigns, counts by family and severity, review state,
and a chart of findings over time (server-rendered SVG)."""

from __future__ import annotations

from collections import Counter

from flask import render_template, request

from preview.extension import db
from preview.store import queries
from preview.web import bp, overview
from preview.web.auth import workspace
from preview.web.chart import stacked_bars

PERIODS = (7, 30, 90)
RUNS_SHOWN = 50


@bp.route("/dashboard")
def dashboard():
    """Recent runs with their verdicts and counts, family totals, and findings per day."""
    store = db()
    ws = queries.ensure_workspace(store, workspace())
    days = request.args.get("days", 30, type=int)
    days = days if days in PERIODS else 30
    runs = overview.recent_runs(store, ws.id, limit=RUNS_SHOWN)
    ids = [r.id for r in runs]
    families = overview.family_counts(store, ids)
    triage = overview.review_states(store, ids)
    decided = overview.decisions(store, ids)
    family_totals = Counter()
    for counts in families.values():
        family_totals.update(counts)
    bars = overview.findings_per_day(store, ws.id, days)
    chart = stacked_bars(bars, title=f"Findings per day, last {days} days")
    return render_template(
        "preview/dashboard.html",
        runs=runs,
        families=families,
        triage=triage,
        decided=decided,
        family_totals=family_totals.most_common(),
        chart=chart,
        days=days,
        periods=PERIODS,
        totals={name: sum(b.values[name] for b in bars) for name in ("block", "warn", "info")},
    )
