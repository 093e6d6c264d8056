"""execute_run end to end on a real store (SQLite, and PostgreSQL when PREVIEW_TEST_POSTGRES_URL
is set): demo recipients imported, example campaigns saved, every sampling strategy, failures."""

import datetime as dt

import pytest
import sqlalchemy as sa

from preview.contract.campaigns import parse_campaign
from preview.execution import execute_run
from preview.pipeline import CheckRun
from preview.sampling import choose
from preview.store import campaigns, queries, runs
from preview.store.db import session_factory
from preview.store.importer import import_records
from preview.store.models import Finding, Run, RunRecipient
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text
from tests.sampling.conftest import TEMPLATES, demo

AUDIENCE = demo.generate(300, 7)
PARAMS = {"size": 20, "seed": 3, "send_date": "2026-12-01"}


@pytest.fixture
def sessions(engine):
    return session_factory(engine)


@pytest.fixture
def stored(session):
    """The demo audience in the default workspace."""
    import_records(session, AUDIENCE)
    session.commit()
    return AUDIENCE


def _queue(session, template: str, params: dict) -> int:
    version, _ = campaigns.save_file(session, TEMPLATES / template)
    run, _ = runs.create_run(session, version, params)
    session.commit()
    return run.id


def _rows(session, run_id: int) -> list[RunRecipient]:
    return list(session.scalars(sa.select(RunRecipient).where(RunRecipient.run_id == run_id).order_by(RunRecipient.position)))


@pytest.mark.parametrize("strategy", ["random", "stratified", "edge", "coverage"])
def test_each_strategy_runs_end_to_end(sessions, session, stored, strategy):
    run_id = _queue(session, "new-arrival.mjml", {**PARAMS, "sampling": {"strategy": strategy}})
    report = execute_run(sessions, run_id)
    session.expire_all()
    run = session.get(Run, run_id)
    assert report is not None and run.error is None
    assert (run.status, run.recipients_planned, run.recipients_checked) == ("done", 20, 20)
    assert run.sampling["strategy"] == strategy and run.sampling["population"] == 300 and run.sampling["chosen"] == 20
    assert "recipients" not in run.sampling  # the reasons live on the run's recipients
    # The run checked exactly what the strategy chooses from the stored audience.
    check_run = CheckRun(campaigns.parse_version(run.campaign_version), send_date=dt.date.fromisoformat(run.params["send_date"]))
    expected = choose(strategy, queries.iter_records(session), size=20, seed=3, renderer=check_run.renderer, options={"send_date": check_run.send_date})
    rows = _rows(session, run_id)
    assert [r.external_id for r in rows] == [r["id"] for r in expected]
    assert [r.reasons for r in rows] == [expected.reasons_for(r) for r in expected]
    stored_findings = session.scalar(sa.select(sa.func.count()).select_from(Finding).where(Finding.run_id == run_id))
    assert stored_findings == len(report.findings) + report.omitted  # the report only counts per-recipient findings
    if strategy == "stratified":
        assert all(r.reasons[0].startswith(("segment ", "no segment")) for r in rows)
        assert sum(s["chosen"] for s in run.sampling["strata"]) == 20
    if strategy == "edge":
        assert any(r.reasons != ["random"] for r in rows)
        assert {"deceased", "minor"} <= {reason for r in rows for reason in r.reasons}
    if strategy == "coverage":
        coverage = run.sampling["coverage"]
        assert coverage["scanned"] <= 300 and coverage["arms"] == len(check_run.renderer.branches)
        assert coverage["reached"] + len(coverage["unreached"]) == coverage["arms"]
        assert any(reason.startswith("branch ") for r in rows for reason in r.reasons)


def test_a_coverage_run_names_the_arms_nobody_reaches(sessions, session, stored):
    run_id = _queue(session, "wedding-congratulations.mjml", {**PARAMS, "sampling": {"strategy": "coverage"}})
    execute_run(sessions, run_id)
    session.expire_all()
    coverage = session.get(Run, run_id).sampling["coverage"]
    assert [arm["text"] for arm in coverage["unreached"]] == ["line 48: {%- for item in recipient.recommendations[:3] %} -> empty never taken"]
    assert not coverage["cut_short"]


def test_max_scan_is_a_sampling_option_of_the_run(sessions, session, stored):
    run_id = _queue(session, "wedding-congratulations.mjml", {**PARAMS, "sampling": {"strategy": "coverage", "max_scan": 3}})
    execute_run(sessions, run_id)
    session.expire_all()
    coverage = session.get(Run, run_id).sampling["coverage"]
    assert (coverage["scanned"], coverage["max_scan"], coverage["population"]) == (3, 3, 300)


def test_runs_with_the_same_seed_choose_the_same_recipients(sessions, session, stored):
    first = _queue(session, "winter-collection.mjml", {**PARAMS, "sampling": {"strategy": "random"}})
    version = session.get(Run, first).campaign_version
    second, _ = runs.create_run(session, version, {**PARAMS, "sampling": {"strategy": "random"}, "note": "again"})
    third, _ = runs.create_run(session, version, {**PARAMS, "seed": 4, "sampling": {"strategy": "random"}})
    session.commit()
    for run_id in (first, second.id, third.id):
        execute_run(sessions, run_id)
    session.expire_all()
    chosen = [[r.external_id for r in _rows(session, run_id)] for run_id in (first, second.id, third.id)]
    assert chosen[0] == chosen[1] != chosen[2]


def test_a_campaign_that_does_not_compile_fails_the_run_with_the_reason(sessions, session, stored):
    body = CLEAN_BODY.replace("<mj-text>Our winter", "{% if recipient.first_name %}<mj-text>Our winter")
    version, _ = campaigns.save_version(session, campaign_text(body, **CLEAN_FRONT), "broken.mjml")
    run, _ = runs.create_run(session, version, {**PARAMS, "sampling": {"strategy": "coverage"}})
    session.commit()
    seen = []
    report = execute_run(sessions, run.id, on_finished=[lambda s, r, rep: seen.append((r.status, rep))])
    session.expire_all()
    run = session.get(Run, run.id)
    assert report is None and seen == [("failed", None)]
    assert run.status == "failed" and run.finished_at is not None
    assert run.error.startswith("broken.mjml:") and "template syntax error" in run.error
    # Jinja finds the unclosed block at the end of the body: the line is in the body.
    text = campaign_text(body, **CLEAN_FRONT)
    line = int(run.error.split(":")[1])
    assert parse_campaign(text, "broken.mjml").body_line <= line <= text.count("\n")
    assert run.error.endswith("The innermost block that needs to be closed is 'if'.")
    assert _rows(session, run.id) == [] and run.sampling is None


@pytest.mark.parametrize(
    ("sampling", "size", "reason"),
    [
        ({"strategy": "clever"}, 20, "unknown sampling strategy 'clever'"),
        ({"strategy": "coverage", "max_scan": "lots"}, 20, "field 'sampling.max_scan'"),
        ({"strategy": "edge"}, 0, "field 'size'"),
    ],
)
def test_bad_sampling_parameters_fail_the_run_naming_them(sessions, session, stored, sampling, size, reason):
    run_id = _queue(session, "winter-collection.mjml", {**PARAMS, "size": size, "sampling": sampling})
    execute_run(sessions, run_id)
    session.expire_all()
    run = session.get(Run, run_id)
    assert run.status == "failed" and reason in run.error
    assert _rows(session, run_id) == []


def test_a_second_execute_run_of_the_same_run_does_nothing(sessions, session, stored):
    run_id = _queue(session, "mothers-day.mjml", {**PARAMS, "sampling": {"strategy": "edge"}})
    assert execute_run(sessions, run_id) is not None
    session.expire_all()
    before = session.get(Run, run_id)
    state = (before.status, before.recipients_checked, before.finished_at, before.sampling)
    findings = session.scalar(sa.select(sa.func.count()).select_from(Finding).where(Finding.run_id == run_id))
    assert execute_run(sessions, run_id) is None
    session.expire_all()
    after = session.get(Run, run_id)
    assert (after.status, after.recipients_checked, after.finished_at, after.sampling) == state
    assert len(_rows(session, run_id)) == 20
    assert session.scalar(sa.select(sa.func.count()).select_from(Finding).where(Finding.run_id == run_id)) == findings


def test_all_and_named_recipients_carry_no_sampling_reasons(sessions, session):
    import_records(session, AUDIENCE[:12])
    version, _ = campaigns.save_version(session, campaign_text(CLEAN_BODY, **CLEAN_FRONT), "winter.mjml")
    everyone, _ = runs.create_run(session, version, {"sampling": {"strategy": "all"}})
    named, _ = runs.create_run(session, version, {"recipient_ids": ["cus_000003", "cus_000001"]})
    session.commit()
    execute_run(sessions, everyone.id)
    execute_run(sessions, named.id)
    session.expire_all()
    assert session.get(Run, everyone.id).sampling == {"strategy": "all", "population": 12, "chosen": 12}
    assert [r.reasons for r in _rows(session, everyone.id)] == [None] * 12
    assert [r.external_id for r in _rows(session, named.id)] == ["cus_000003", "cus_000001"]
    assert session.get(Run, named.id).sampling == {"strategy": "ids", "chosen": 2}
