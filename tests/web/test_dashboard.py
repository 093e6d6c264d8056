"""The dashboard: runs across campaigns with verdicts, counts, review state and the SVG chart."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import sqlalchemy as sa

from preview.store.models import Finding, Run
from preview.web import overview
from tests.web.conftest import post, start_run


def test_runs_across_campaigns_with_counts_by_family_and_severity(app, demo, as_user):
    wedding = start_run(app, "wedding-congratulations", 20)
    winter = start_run(app, "winter-collection", 10)
    client = as_user("vic")
    html = client.get("/dashboard").get_data(as_text=True)
    assert f">run {wedding}</a>" in html and f">run {winter}</a>" in html
    assert "Newlywed picks" in html and "Winter collection" in html
    with app.extensions["preview"].sessions() as session:
        rows = session.execute(sa.select(Finding.family, sa.func.count()).where(Finding.run_id == wedding).group_by(Finding.family)).all()
        run = session.get(Run, wedding)
    for family, n in rows:
        assert f'family={family}">{family} {n}</a>' in html.replace("&amp;", "&")
    row = html[html.index(f">run {wedding}</a>") :].split("</tr>")[0]
    numbers = re.findall(r'<td class="num">(\d+)</td>', row)
    assert numbers == [str(run.recipients_checked), str(run.findings_block), str(run.findings_warn), str(run.findings_info)]


def test_the_chart_is_inline_svg_with_todays_findings(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 20)
    html = as_user("vic").get("/dashboard?days=7").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)
    with app.extensions["preview"].sessions() as session:
        run = session.get(Run, run_id)
    today = run.finished_at.date().isoformat()
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert f"{today}: {run.findings_block} block, {run.findings_warn} warn, {run.findings_info} info" in titles
    assert "Findings per day, last 7 days" in titles


def test_review_state_shows_triage_and_decision(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 20)
    client = as_user("rita")
    with app.extensions["preview"].sessions() as session:
        findings = session.scalars(sa.select(Finding).where(Finding.run_id == run_id)).all()
    post(client, f"/findings/{findings[0].id}/review", {"state": "confirmed"}, page=f"/runs/{run_id}")
    post(client, f"/runs/{run_id}/decision", {"decision": "rejected", "note": "fix the greeting"}, page=f"/runs/{run_id}")
    html = client.get("/dashboard").get_data(as_text=True)
    row = html[html.index(f">run {run_id}</a>") :].split("</tr>")[0]
    assert f"1/{len(findings)} reviewed" in row and "decision-rejected" in row


def test_findings_per_day_adds_up_runs_by_the_day_they_finished(app, demo):
    first = start_run(app, "wedding-congratulations", 10)
    second = start_run(app, "winter-collection", 10)
    with app.extensions["preview"].sessions() as session:
        runs = [session.get(Run, first), session.get(Run, second)]
        bars = overview.findings_per_day(session, runs[0].workspace_id, days=3, today=runs[0].finished_at.date())
    assert [b.label for b in bars] == [(runs[0].finished_at.date() - dt.timedelta(days=2 - i)).isoformat() for i in range(3)]
    assert bars[-1].values == {k: sum(getattr(r, f"findings_{k}") for r in runs) for k in ("block", "warn", "info")}
    assert bars[0].total == 0


def test_an_empty_dashboard(app, users, as_user):
    html = as_user("vic").get("/dashboard").get_data(as_text=True)
    assert "No runs yet" in html
