"""sample -> render -> check: one recipient at a time, streaming, into a report of the spec's shape."""

from __future__ import annotations

import gc
import weakref

import pytest

from preview.checks.check import check
from preview.checks.hookspecs import hookimpl
from preview.checks.registry import CheckSettings, Registry
from preview.contract.errors import InputError
from preview.contract.schema import validator
from preview.pipeline import CheckRun, check_campaign
from preview.report import Report
from tests.conftest import SEND_DATE, make, mjml, recipient

SPEC = dict(family="pipeline-test", summary="s", why="w", bad="b", good="g", scope="recipient")


@check(code="PPL001", name="vip", severity="block", message="{who} is a VIP", **SPEC)
def vip(message, recipient, ctx):
    if (recipient.get("attributes") or {}).get("vip"):
        yield ctx.finding(vip, message, recipient, part="data", who=recipient["id"])


@check(code="PPL002", name="new", severity="warn", message="{who} is new", **SPEC)
def new(message, recipient, ctx):
    if (recipient.get("attributes") or {}).get("new"):
        yield ctx.finding(new, message, recipient, part="data", who=recipient["id"])


class Plugin:
    @hookimpl
    def campaign_preview_checks(self):
        return [vip, new]


def registry(**settings) -> Registry:
    families = {c.spec.family for c in Registry(entry_points=False).all} - {"render-error"}
    disabled = [*families, *settings.get("disabled", ())]
    return Registry(CheckSettings.from_mapping(settings.get("severity"), disabled), plugins=[Plugin()], entry_points=False)


CAMPAIGN = mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>")


def run_for(people, **settings):
    run = CheckRun(make(CAMPAIGN, subject="Hi"), registry=registry(**settings), send_date=SEND_DATE)
    return run, [run.check(p) for p in people]


def test_each_result_has_its_message_findings_and_verdict():
    run, results = run_for([recipient("a"), recipient("b", attributes={"new": True}), recipient("c", attributes={"vip": True, "new": True})])
    assert [r.verdict for r in results] == ["pass", "warn", "block"]
    assert results[2].message.body_text == "Hi Ana"
    assert [f.code for f in results[2].findings] == ["PPL001", "PPL002"]
    report = run.finish()
    assert report.recipients_checked == 3
    assert report.verdict == "block"
    assert report.counts() == {"severity": {"block": 1, "warn": 2, "info": 0}, "family": {"pipeline-test": 3}}
    assert report.reaches("warn") and report.reaches("block")


def test_verdicts_of_a_report():
    _, results = run_for([recipient("a", attributes={"new": True})])
    assert Report().verdict == "pass"
    report = Report()
    for f in results[0].findings:
        report.add(f)
    assert report.verdict == "warn"
    assert not report.reaches("block")


def test_the_report_matches_findings_schema():
    run, _ = run_for([recipient("a", attributes={"vip": True}), recipient("b")])
    run.add_error(InputError("missing 'email'", location="people.jsonl:7", field="email"))
    run.add_error("unreadable row")
    data = run.finish().to_dict()
    errors = sorted(validator("findings").iter_errors(data), key=str)
    assert errors == []
    assert data["schema_version"] == 1
    assert data["campaign"]["send_date"] == SEND_DATE.isoformat()
    assert data["errors"][0]["location"] == "people.jsonl:7"
    assert data["errors"][1] == {"message": "unreadable row", "recipient_id": None}


def test_recipients_are_streamed_one_at_a_time():
    pulled = []

    def people():
        for i in range(1000):
            pulled.append(i)
            yield recipient(f"r{i}")

    run = CheckRun(make(CAMPAIGN), registry=registry(), send_date=SEND_DATE)
    stream = run.iter_results(people())
    first = next(stream)
    assert first.recipient["id"] == "r0"
    assert pulled == [0]  # nothing read ahead
    next(stream)
    assert pulled == [0, 1]


def test_the_run_keeps_no_message_once_a_result_is_dropped():
    """Memory stays flat with audience size: nothing per recipient outlives its result."""
    run = CheckRun(make(CAMPAIGN), registry=registry(), send_date=SEND_DATE)
    refs = []
    for i in range(50):
        result = run.check(recipient(f"r{i}", attributes={"new": i % 2 == 0}))
        refs.append(weakref.ref(result.message))
        del result
    gc.collect()
    assert [r for r in refs if r() is not None] == []
    assert run.report.recipients_checked == 50


def test_check_campaign_runs_every_recipient_and_finishes():
    report = check_campaign(make(CAMPAIGN), [recipient("a", attributes={"vip": True})], registry=registry(), send_date=SEND_DATE)
    assert [f.code for f in report.findings] == ["PPL001"]


def test_send_date_comes_from_the_run_then_the_campaign():
    import datetime as dt

    campaign = make(CAMPAIGN, send_date="2026-12-24")
    assert CheckRun(campaign, registry=registry()).send_date == dt.date(2026, 12, 24)
    assert CheckRun(campaign, registry=registry(), send_date=SEND_DATE).send_date == SEND_DATE


def test_crash_reports_can_be_switched_off_like_any_check():
    @check(code="PPL003", name="boom", severity="info", **SPEC)
    def boom(message, recipient, ctx):
        raise RuntimeError("bug")

    class Boom:
        @hookimpl
        def campaign_preview_checks(self):
            return [boom]

    families = {c.spec.family for c in Registry(entry_points=False).all} - {"render-error"}
    for disabled, expected in (((), ["RND009"]), (("RND009",), [])):
        reg = Registry(CheckSettings.from_mapping(disabled=[*families, *disabled]), plugins=[Boom()], entry_points=False)
        run = CheckRun(make(CAMPAIGN), registry=reg, send_date=SEND_DATE)
        assert [f.code for f in run.check(recipient()).findings] == expected


@pytest.mark.parametrize("bad", [{"id": "x"}, {"email": "a@b.org"}])
def test_a_record_without_the_basics_still_renders(bad):
    """The contract validates records; the pipeline itself never crashes on a thin one."""
    run = CheckRun(make(CAMPAIGN), registry=registry(), send_date=SEND_DATE)
    result = run.check(bad)
    assert result.message.body_text == "Hi"


def test_a_run_can_count_recipient_findings_without_holding_them():
    people = [recipient(f"r{i}", attributes={"vip": i == 3, "new": i % 2 == 0}) for i in range(6)]
    run = CheckRun(make(CAMPAIGN, subject="Hi"), registry=registry(), send_date=SEND_DATE, keep_findings=False)
    results = [run.check(p) for p in people]
    report = run.finish()
    assert report.findings == []
    assert sum(len(r.findings) for r in results) == report.omitted == 4
    assert report.verdict == "block" and report.reaches("warn")
    assert report.counts() == {"severity": {"block": 1, "warn": 3, "info": 0}, "family": {"pipeline-test": 4}}
    data = report.to_dict()
    assert data["findings_omitted"] == 4
    assert list(validator("findings").iter_errors(data)) == []
