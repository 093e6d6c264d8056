import pytest
import sqlalchemy as sa

from preview.contract.errors import InputError
from preview.store import access, campaigns, reviews, runs
from preview.store.models import AuditLog, Finding


@pytest.fixture
def finding(session):
    version, _ = campaigns.save_version(session, "<p>x</p>", "x.html")
    run, _ = runs.create_run(session, version)
    row = Finding(run_id=run.id, code="LNK001", family="links", severity="warn", message="empty link", part="html", evidence={"text": "Shop"})
    session.add(row)
    session.commit()
    return row


def test_reviewing_a_finding_sets_its_state_keeps_history_and_audits(session, finding):
    ana = access.create_user(session, "ana", "hash", "reviewer")
    reviews.review_finding(session, finding, "false_alarm", user=ana, note="link is filled by the ESP")
    reviews.review_finding(session, finding, "open", actor="bob")
    session.commit()
    assert finding.review_state == "open"
    assert [(r.decision, r.user_id) for r in reviews.finding_history(session, finding)] == [("false_alarm", ana.id), ("open", None)]
    log = session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.actor, e.action, e.target_type, e.target_id) for e in log] == [
        ("ana", "finding.review", "findings", str(finding.id)),
        ("bob", "finding.review", "findings", str(finding.id)),
    ]
    assert log[0].detail == {"from": "open", "to": "false_alarm", "code": "LNK001", "note": "link is filled by the ESP"}
    assert log[0].created_at.tzinfo is not None


def test_an_unknown_review_state_is_refused(session, finding):
    with pytest.raises(InputError, match="not a review state"):
        reviews.review_finding(session, finding, "ignored")
    assert finding.review_state == "open"


def test_a_run_is_approved_or_rejected_and_the_latest_decision_counts(session, finding):
    run = runs.get_run(session, None, finding.run_id)
    assert reviews.run_decision(session, run) is None
    reviews.decide_run(session, run, "rejected", actor="qa")
    reviews.decide_run(session, run, "approved", actor="qa", note="fixed in v2")
    session.commit()
    assert reviews.run_decision(session, run).decision == "approved"
    with pytest.raises(InputError, match="not a run decision"):
        reviews.decide_run(session, run, "confirmed")
    actions = session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["run.rejected", "run.approved"]


def test_audit_accepts_a_type_and_id_pair(session):
    entry = reviews.audit(session, "recipient.view_pii", actor="ana", target=("recipients", 12), detail={"why": "support"})
    assert (entry.target_type, entry.target_id, entry.detail) == ("recipients", "12", {"why": "support"})
