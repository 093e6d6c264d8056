import pytest
import sqlalchemy as sa

from preview.checks.registry import CheckSettings, Registry
from preview.contract.errors import InputError
from preview.pipeline import CheckRun
from preview.store import campaigns, runs
from preview.store.importer import import_records
from preview.store.models import Finding, RunRecipient
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, SEND_DATE, campaign_text, recipient
from tests.store import store_plugin


def _registry():
    builtin = Registry(entry_points=False).families()
    return Registry(CheckSettings(disabled=frozenset(builtin)), plugins=[store_plugin], entry_points=False)


@pytest.fixture
def version(session):
    v, _ = campaigns.save_version(session, campaign_text(CLEAN_BODY, **CLEAN_FRONT), "winter.mjml")
    session.commit()
    return v


@pytest.fixture
def audience(session):
    records = [recipient("a"), recipient("b", attributes={"flagged": True}), recipient("c"), recipient("d", attributes={"flagged": True})]
    import_records(session, records)
    session.commit()
    return records


def _execute(session, version, records, **create):
    run, _ = runs.create_run(session, version, {"sampling": {"strategy": "all"}, "size": len(records)}, **create)
    recorder = runs.RunRecorder(session, run)
    recorder.start(planned=len(records))
    check_run = CheckRun(campaigns.parse_version(version), registry=_registry(), send_date=SEND_DATE)
    for result in check_run.iter_results(records):
        recorder.add(result)
        session.commit()
    report = recorder.finish(check_run)
    session.commit()
    return run, report


def test_a_recorded_run_stores_what_the_report_holds(session, version, audience):
    run, report = _execute(session, version, audience)
    stored = session.scalars(sa.select(Finding).where(Finding.run_id == run.id).order_by(Finding.id)).all()
    assert sorted((f["code"], f["recipient_id"]) for f in report.to_dict()["findings"]) == sorted((f.code, f.external_id) for f in stored)
    assert {(f.code, f.external_id) for f in stored} == {("STO001", None), ("STO002", "b"), ("STO002", "d"), ("STO003", "a")}
    assert runs.finding_counts(session, run) == report.counts()
    assert (run.status, run.verdict, run.recipients_checked, run.progress) == ("done", "block", 4, 1.0)
    assert (run.findings_block, run.findings_warn, run.findings_info) == (2, 1, 1)
    assert run.started_at <= run.finished_at


def test_findings_link_to_the_recipient_they_are_about(session, version, audience):
    run, _ = _execute(session, version, audience)
    rows = {r.external_id: r for r in session.scalars(runs.run_recipients_query(run))}
    assert [r.external_id for r in session.scalars(runs.run_recipients_query(run))] == ["a", "b", "c", "d"]
    assert {k: r.verdict for k, r in rows.items()} == {"a": "warn", "b": "block", "c": "warn", "d": "block"}
    assert rows["b"].record == audience[1] and rows["b"].recipient_id is not None
    flagged = session.scalars(runs.findings_query(run, code="STO002")).all()
    assert {f.run_recipient_id for f in flagged} == {rows["b"].id, rows["d"].id}
    late = session.scalars(runs.findings_query(run, code="STO003")).one()
    assert late.run_recipient_id == rows["a"].id
    template = session.scalars(runs.findings_query(run, template_only=True)).one()
    assert template.code == "STO001" and template.run_recipient_id is None
    assert template.to_dict()["evidence"]["text"].lower() == "winter"


def test_findings_query_filters_and_puts_the_worst_first(session, version, audience):
    run, _ = _execute(session, version, audience)
    ordered = [f.severity for f in session.scalars(runs.findings_query(run))]
    assert ordered == ["block", "block", "warn", "info"]
    assert [f.external_id for f in session.scalars(runs.findings_query(run, severity="block", recipient="d"))] == ["d"]
    assert session.scalars(runs.findings_query(run, family="links")).all() == []
    assert [r.external_id for r in session.scalars(runs.run_recipients_query(run, verdict="block"))] == ["b", "d"]


def test_progress_is_visible_while_the_run_goes(session, version, audience):
    run, _ = runs.create_run(session, version)
    assert run.status == "queued" and run.progress is None
    recorder = runs.RunRecorder(session, run)
    recorder.start(planned=4)
    check_run = CheckRun(campaigns.parse_version(version), registry=_registry(), send_date=SEND_DATE)
    recorder.add(check_run.check(audience[0]))
    session.commit()
    assert (run.status, run.recipients_checked, run.progress) == ("running", 1, 0.25)


def test_a_failed_run_keeps_its_error(session, version):
    run, _ = runs.create_run(session, version)
    runs.RunRecorder(session, run).fail("worker lost")
    session.commit()
    again = runs.get_run(session, None, run.id)
    assert (again.status, again.error) == ("failed", "worker lost") and again.finished_at is not None


def test_the_same_idempotency_key_gives_the_same_run(session, version):
    first, created = runs.create_run(session, version, {"size": 10}, idempotency_key="k-1")
    session.commit()
    second, created_again = runs.create_run(session, version, {"size": 10}, idempotency_key="k-1")
    assert created and not created_again and second.id == first.id
    with pytest.raises(InputError, match="already used for a different run"):
        runs.create_run(session, version, {"size": 11}, idempotency_key="k-1")
    other, created = runs.create_run(session, version, {"size": 10}, idempotency_key="k-2")
    assert created and other.id != first.id


def test_a_racing_duplicate_key_returns_the_run_that_won(session, engine, version, monkeypatch):
    from preview.store.db import session_factory

    with session_factory(engine).begin() as other:
        won, _ = runs.create_run(other, other.merge(version), {"size": 1}, idempotency_key="race")
        won_id = won.id
    # Replay the race: this request's first lookup ran before the other request committed.
    lookups = []
    real = runs._by_key
    monkeypatch.setattr(runs, "_by_key", lambda *args: None if not lookups.append(args) and len(lookups) == 1 else real(*args))
    run, created = runs.create_run(session, version, {"size": 1}, idempotency_key="race")
    assert not created and run.id == won_id
    assert len(lookups) == 2


def test_runs_are_listed_newest_first_and_only_in_their_workspace(session, version):
    made = [runs.create_run(session, version)[0] for _ in range(3)]
    other_version, _ = campaigns.save_version(session, "<p>x</p>", "x.html", "other")
    foreign, _ = runs.create_run(session, other_version)
    session.commit()
    listed = runs.list_runs(session, None, limit=2)
    assert [r.id for r in listed] == [made[2].id, made[1].id]
    assert [r.id for r in runs.list_runs(session, None, before_id=listed[-1].id)] == [made[0].id]
    assert runs.get_run(session, None, foreign.id) is None
    assert runs.get_run(session, "other", foreign.id).id == foreign.id
    assert runs.list_runs(session, None, status="done") == []


def test_deleting_a_run_deletes_its_recipients_and_findings(session, version, audience):
    run, _ = _execute(session, version, audience)
    session.delete(run)
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(RunRecipient)) == 0


def test_a_stored_run_reads_back_as_a_valid_check_report(session, version, audience):
    from preview.contract.schema import validator

    run, report = _execute(session, version, audience)
    stored = runs.report_dict(session, run)
    assert list(validator("findings").iter_errors(stored)) == []
    expected = report.to_dict()
    for key in ("schema_version", "verdict", "recipients_checked", "counts", "errors"):
        assert stored[key] == expected[key], key
    assert stored["campaign"] == {"name": "Winter collection", "template": "winter.mjml"}
    assert sorted(f["message"] for f in stored["findings"]) == sorted(f["message"] for f in expected["findings"])
    assert {f["review_state"] for f in stored["findings"]} == {"open"}
