"""The check engine: findings as data, template-level findings once, crashing checks, whole-run checks."""

from __future__ import annotations

from preview.checks.check import Check, check
from preview.checks.context import CheckContext
from preview.checks.hookspecs import hookimpl
from preview.checks.model import CheckSpec, Evidence, Finding, Severity
from preview.checks.registry import CheckSettings, Registry
from tests.conftest import SEND_DATE, codes, make, mjml, recipient, render, run_checks

SPEC = dict(family="engine-test", summary="s", why="w", bad="b", good="g")


def plugin(*checks):
    class Plugin:
        @hookimpl
        def campaign_preview_checks(self):
            return list(checks)

    return Plugin()


def only(*checks, settings=None) -> Registry:
    """A registry with ``checks`` on and the built-ins off, but render-error (which reports crashes)."""
    families = {c.spec.family for c in Registry(entry_points=False).all} - {"render-error"}
    base = CheckSettings.from_mapping(disabled=families)
    if settings:
        base = CheckSettings.from_mapping(settings.get("severity"), [*families, *settings.get("disabled", ())])
    return Registry(base, plugins=[plugin(*checks)], entry_points=False)


@check(code="ENG001", name="word-sale", severity="warn", message="says {word!r} in the {part}", **SPEC)
def word_sale(message, recipient, ctx):
    text = message.body_text
    index = text.find("SALE")
    if index >= 0:
        yield ctx.finding(word_sale, message, recipient, part="html", start=index, end=index + 4, word="SALE")


@check(code="ENG002", name="explodes", severity="info", **SPEC)
def explodes(message, recipient, ctx):
    if recipient.get("attributes", {}).get("boom"):
        raise KeyError("orders")
    return ()


def test_template_level_finding_is_reported_once_for_the_whole_run():
    campaign = make(mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>", "<mj-text>Big SALE today</mj-text>"))
    people = [recipient(f"r{i}", first_name=f"N{i}") for i in range(5)]
    report, results = run_checks(campaign, people, only(word_sale))
    assert [(f.code, f.recipient_id) for f in report.findings] == [("ENG001", None)]
    # Every recipient's own result still carries it, so a per-recipient view shows it.
    assert all(codes(r.findings) == {"ENG001"} for r in results)
    assert report.findings[0].message == "says 'SALE' in the html"


def test_finding_on_recipient_data_is_reported_per_recipient():
    campaign = make(mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>"))
    people = [recipient("a", first_name="SALE"), recipient("b", first_name="Bo"), recipient("c", first_name="SALE")]
    report, _ = run_checks(campaign, people, only(word_sale))
    assert [(f.code, f.recipient_id) for f in report.findings] == [("ENG001", "a"), ("ENG001", "c")]
    assert report.findings[0].evidence.data == ["first_name: 'SALE'"]


def test_a_crashing_check_yields_rnd009_and_the_run_goes_on():
    campaign = make(mjml("<mj-text>Big SALE</mj-text>"))
    people = [recipient("a"), recipient("b", attributes={"boom": True}), recipient("c")]
    report, results = run_checks(campaign, people, only(explodes, word_sale))
    crashed = [f for f in report.findings if f.code == "RND009"]
    assert [(f.recipient_id, f.args["check"]) for f in crashed] == [("b", "ENG002")]
    assert crashed[0].message == "check ENG002 failed on this render: KeyError: 'orders'"
    assert crashed[0].severity is Severity.WARN
    # The other checks still ran for b, and for the recipients after it.
    assert report.recipients_checked == 3
    assert all("ENG001" in codes(r.findings) for r in results)


def test_severity_override_reaches_the_finding():
    campaign = make(mjml("<mj-text>SALE</mj-text>"))
    report, _ = run_checks(campaign, [recipient()], only(word_sale, settings={"severity": {"ENG001": "block"}}))
    assert report.findings[0].severity is Severity.BLOCK
    assert report.verdict == "block"


def test_disabled_check_does_not_run():
    campaign = make(mjml("<mj-text>SALE</mj-text>"))
    report, _ = run_checks(campaign, [recipient()], only(word_sale, settings={"disabled": ["word-sale"]}))
    assert report.findings == []
    assert report.verdict == "pass"


class SharedName(Check):
    """A whole-run check: most recipients got the same first name."""

    def start(self, ctx):
        ctx.state[self.spec.code] = {}

    def run(self, message, recipient, ctx):
        names = ctx.state[self.spec.code]
        names[recipient.get("first_name")] = names.get(recipient.get("first_name"), 0) + 1
        return ()

    def finish(self, ctx):
        names = ctx.state[self.spec.code]
        total = sum(names.values())
        for name, count in names.items():
            if count * 2 > total:
                yield ctx.template_finding(self, part="data", text=name, detail=f"{count} of {total} are called {name}")


SHARED = SharedName(CheckSpec(code="ENG003", name="shared-name", severity="warn", **SPEC))


def test_whole_run_check_sees_every_recipient_and_reports_at_finish():
    campaign = make(mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>"))
    people = [recipient(f"r{i}", first_name="Michael" if i % 4 else "Ana") for i in range(8)]
    report, results = run_checks(campaign, people, only(SHARED))
    assert [f.message for f in report.findings] == ["6 of 8 are called Michael"]
    assert report.findings[0].recipient_id is None
    assert all(r.findings == [] for r in results)


def test_finish_is_safe_to_call_twice():
    from preview.pipeline import CheckRun

    run = CheckRun(make(mjml("<mj-text>Hi</mj-text>")), registry=only(SHARED), send_date=SEND_DATE)
    for person in [recipient("a", first_name="M"), recipient("b", first_name="M")]:
        run.check(person)
    first = run.finish()
    second = run.finish()
    assert first is second
    assert len(first.findings) == 1


def test_message_formatting_is_lenient_and_args_can_have_any_name():
    spec = CheckSpec(code="ENG004", name="lenient", severity="info", message="{check} {message} {recipient} {missing}", **SPEC)
    message = render(mjml("<mj-text>Hi</mj-text>"))
    finding = CheckContext(send_date=SEND_DATE).finding(spec, message, recipient(), part="data", check="C", message="M", recipient="R")
    assert finding.message == "C M R ?"


def test_render_scope_on_static_text_is_template_level_unless_told_otherwise():
    message = render(mjml("<mj-text>Hi {{ recipient.first_name }}, SALE</mj-text>"))
    ctx = CheckContext(send_date=SEND_DATE)
    text = message.body_text
    at = text.index("SALE")
    assert ctx.finding(word_sale, message, recipient(), part="html", start=at, end=at + 4).recipient_id is None
    forced = ctx.finding(word_sale, message, recipient(), part="html", start=at, end=at + 4, template_level=False)
    assert forced.recipient_id == "r1"
    recipient_scope = CheckSpec(code="ENG005", name="per-person", severity="info", scope="recipient", **SPEC)
    assert ctx.finding(recipient_scope, message, recipient(), part="html", start=at, end=at + 4).recipient_id == "r1"


def test_finding_round_trips_through_a_dict():
    finding = Finding(
        code="ENG001", family="engine-test", severity=Severity.WARN, message="m", recipient_id="r1", part="html",
        name="word-sale", evidence=Evidence(text="SALE", start=3, end=7, line=12, data=["first_name: 'SALE'"]),
        args={"word": "SALE", "part": "html", "obj": object()},
    )
    data = finding.to_dict()
    assert data["severity"] == "warn" and "obj" not in data["args"]
    again = Finding.from_dict(data)
    assert again.to_dict() == data
    assert Evidence().to_dict() == {"data": []}


def test_template_errors_are_reported_once_and_runtime_errors_per_recipient():
    campaign = make(
        mjml("<mj-text>{{ 10 / recipient.attributes.n }}</mj-text>"),
        subject="Hi {{ recipient.first_name }",
    )
    people = [recipient("a", attributes={"n": 0}), recipient("b", attributes={"n": 2}), recipient("c", attributes={"n": 0})]
    report, _ = run_checks(campaign, people, Registry(entry_points=False))
    syntax = [f for f in report.findings if f.code == "RND001"]
    runtime = [f for f in report.findings if f.code == "RND002"]
    assert [(f.recipient_id, f.part, f.evidence.line) for f in syntax] == [(None, "subject", 2)]
    # Front matter takes lines 1-3; the expression is on the body's second line.
    assert [(f.recipient_id, f.evidence.line) for f in runtime] == [("a", 5), ("c", 5)]
