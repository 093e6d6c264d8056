"""Review: findings judged one by one, runs approved or rejected, all of it in the audit log."""

import sqlalchemy as sa

from preview.store.models import AuditLog, Finding, Review
from tests.web.conftest import post, start_run


def _findings(app, run_id, **where):
    with app.extensions["preview"].sessions() as session:
        query = sa.select(Finding).where(Finding.run_id == run_id)
        for name, value in where.items():
            query = query.where(getattr(Finding, name) == value)
        return session.scalars(query.order_by(Finding.id)).all()


def _audit(app):
    with app.extensions["preview"].sessions() as session:
        return [(e.actor, e.action, e.target_type, e.target_id) for e in session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


def test_a_reviewer_marks_a_finding_and_the_history_keeps_it(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 30)
    finding = _findings(app, run_id)[0]
    client = as_user("rita")
    page = f"/runs/{run_id}"
    response = post(client, f"/findings/{finding.id}/review", {"state": "false_alarm", "note": "the customer asked for it", "next": page}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{page}#finding-{finding.id}")
    assert _findings(app, run_id, id=finding.id)[0].review_state == "false_alarm"
    assert ("rita", "finding.review", "findings", str(finding.id)) in _audit(app)
    post(client, f"/findings/{finding.id}/review", {"state": "open"}, page=page)
    with app.extensions["preview"].sessions() as session:
        history = session.scalars(sa.select(Review.decision).where(Review.finding_id == finding.id).order_by(Review.id)).all()
    assert history == ["false_alarm", "open"]
    if finding.run_recipient_id:
        html = client.get(f"/runs/{run_id}/r/{finding.run_recipient_id}").get_data(as_text=True)
        assert "the customer asked for it" in html  # the history with its note


def test_review_states_are_checked(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 10)
    finding = _findings(app, run_id)[0]
    assert post(as_user("rita"), f"/findings/{finding.id}/review", {"state": "ignored"}).status_code == 400
    assert post(as_user("rita"), "/findings/999999/review", {"state": "confirmed"}).status_code == 404


def test_viewers_cannot_review_approve_or_start_runs(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 10)
    finding = _findings(app, run_id)[0]
    client = as_user("vic")
    assert post(client, f"/findings/{finding.id}/review", {"state": "confirmed"}).status_code == 403
    assert post(client, f"/runs/{run_id}/decision", {"decision": "approved"}).status_code == 403
    assert post(client, "/campaigns/winter-collection/runs", {"size": "3"}).status_code == 403
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "review-form" not in html and "Approve" not in html
    assert _findings(app, run_id, id=finding.id)[0].review_state == "open"


def test_a_run_with_open_blocking_findings_cannot_be_approved(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 30)
    blocks = _findings(app, run_id, severity="block")
    assert blocks, "the wedding campaign blocks on the demo audience"
    client = as_user("rita")
    page = f"/runs/{run_id}"
    response = post(client, f"/runs/{run_id}/decision", {"decision": "approved"}, page=page, follow_redirects=True)
    assert f"{len(blocks)} blocking finding(s) are still open or confirmed" in response.get_data(as_text=True)
    for f in blocks[:-1]:
        post(client, f"/findings/{f.id}/review", {"state": "accepted_risk"}, page=page)
    post(client, f"/findings/{blocks[-1].id}/review", {"state": "confirmed"}, page=page)
    response = post(client, f"/runs/{run_id}/decision", {"decision": "approved"}, page=page, follow_redirects=True)
    assert "1 blocking finding(s)" in response.get_data(as_text=True)  # confirmed is not resolved
    post(client, f"/findings/{blocks[-1].id}/review", {"state": "false_alarm"}, page=page)
    response = post(client, f"/runs/{run_id}/decision", {"decision": "approved", "note": "checked every block"}, page=page, follow_redirects=True)
    assert f"Run {run_id} approved." in response.get_data(as_text=True)
    assert ("rita", "run.approved", "runs", str(run_id)) in _audit(app)


def test_rejecting_needs_a_comment_and_the_campaign_shows_the_latest_state(app, demo, as_user):
    run_id = start_run(app, "winter-collection", 8)
    client = as_user("rita")
    page = f"/runs/{run_id}"
    response = post(client, f"/runs/{run_id}/decision", {"decision": "rejected"}, page=page, follow_redirects=True)
    assert "Say why you reject the run" in response.get_data(as_text=True)
    post(client, f"/runs/{run_id}/decision", {"decision": "rejected", "note": "wrong hero image"}, page=page)
    html = client.get("/campaigns/winter-collection").get_data(as_text=True)
    assert "decision-rejected" in html and "wrong hero image" in html
    assert ("rita", "run.rejected", "runs", str(run_id)) in _audit(app)


def test_the_campaign_list_says_whether_the_latest_version_is_approved(app, demo, as_user):
    client = as_user("rita")
    run_id = start_run(app, "winter-collection", 8)
    for f in _findings(app, run_id, severity="block"):
        post(client, f"/findings/{f.id}/review", {"state": "false_alarm"}, page=f"/runs/{run_id}")
    post(client, f"/runs/{run_id}/decision", {"decision": "approved", "note": "ok"}, page=f"/runs/{run_id}")
    listing = client.get("/campaigns").get_data(as_text=True)
    row = listing[listing.index("Winter collection") :].split("</tr>")[0]
    assert "decision-approved" in row
    # A new version is not approved until a run of it is.
    with app.extensions["preview"].sessions() as session:
        from preview.store.campaigns import get_version

        source = get_version(session, None, "winter-collection").source
    post(client, "/campaigns/winter-collection/edit", {"source": source + "\n<!-- v2 -->"}, page="/campaigns/winter-collection/edit")
    listing = client.get("/campaigns").get_data(as_text=True)
    row = listing[listing.index("Winter collection") :].split("</tr>")[0]
    assert "decision-approved" not in row and "not run" in row


def test_only_a_finished_run_can_be_decided(app, demo, as_user):
    with app.extensions["preview"].sessions() as session:
        from preview.store.campaigns import get_version
        from preview.store.runs import create_run

        run, _ = create_run(session, get_version(session, None, "winter-collection"), {"size": 3})
        session.commit()
    response = post(as_user("rita"), f"/runs/{run.id}/decision", {"decision": "approved"}, follow_redirects=True)
    assert "Only a finished run can be approved or rejected." in response.get_data(as_text=True)
    assert post(as_user("rita"), f"/runs/{run.id}/decision", {"decision": "maybe"}).status_code == 400


def test_the_audit_log_page_lists_who_did_what_and_filters(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 10)
    client = as_user("rita")
    finding = _findings(app, run_id)[0]
    post(client, f"/findings/{finding.id}/review", {"state": "confirmed"}, page=f"/runs/{run_id}")
    html = client.get("/audit").get_data(as_text=True)
    assert "finding.review" in html and "user.login" in html and "rita" in html
    filtered = client.get("/audit?action=finding.review").get_data(as_text=True)
    assert "<code>finding.review</code>" in filtered and "<code>user.login</code>" not in filtered
