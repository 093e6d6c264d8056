"""The terminal report (preview/reporters/text.py)."""

from __future__ import annotations

import click

from preview.contract.errors import InputError
from preview.reporters import render
from tests.conftest import recipient, run_checks
from tests.reporters.conftest import stripes_line, zebra_line, zebra_registry


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_template_findings_come_first_then_recipients_in_check_order(zebra_run):
    campaign, registry, _, _ = zebra_run
    # r10 is checked before r2: the report keeps that order rather than sorting ids as text.
    people = [recipient("r10", attributes={"stripes": 2}), recipient("r2", attributes={"stripes": 3})]
    report, _ = run_checks(campaign, people, registry=registry)
    out = lines_of(render(report, "text", campaign=campaign))
    headings = [line for line in out if line and not line.startswith(" ")]
    assert headings[1:4] == ["template (every recipient)", "recipient r10", "recipient r2"]


def test_each_finding_says_where_and_why(zebra_run):
    campaign, _, report, _ = zebra_run
    text = render(report, "text", campaign=campaign)
    assert "WARN  ZBR001 the copy mentions zebras: Zebra" in text
    assert f"campaigns/zebra.mjml:{zebra_line()} · html · zebra/zebra-word" in text
    assert f"campaigns/zebra.mjml:{stripes_line()} · html · zebra/stripe-count" in text
    assert "data: attributes.stripes: 3, declared" in text
    assert "\x1b[" not in text


def test_summary_line_gives_counts_and_verdict(zebra_run):
    campaign, _, report, _ = zebra_run
    last = lines_of(render(report, "text", campaign=campaign, fail_on="warn"))[-1]
    assert last == "3 recipients checked, 1 with findings: 0 block, 1 warn, 1 info -> WARN (fails --fail-on warn)"
    last = lines_of(render(report, "text", campaign=campaign, fail_on="block"))[-1]
    assert last.endswith("-> WARN")


def test_clean_run_passes(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient("r1")], registry=zebra_registry())
    text = render(report, "text", campaign=clean_campaign)
    assert "recipient r1" not in text
    assert lines_of(text)[-1] == "1 recipient checked, 0 with findings: 0 block, 0 warn, 0 info -> PASS"


def test_input_errors_are_listed(zebra_run):
    campaign, _, report, _ = zebra_run
    report.errors.append(InputError("not valid JSON: Expecting value at column 1", location="people.jsonl:7").as_dict())
    text = render(report, "text", campaign=campaign)
    assert "input errors (not checked)\n  people.jsonl:7: not valid JSON: Expecting value at column 1" in text
    assert "1 input error ->" in text


def test_colour_only_when_asked(zebra_run):
    campaign, _, report, _ = zebra_run
    coloured = render(report, "text", campaign=campaign, colour=True)
    assert click.style("WARN ", fg="yellow", bold=True) in coloured
    assert click.unstyle(coloured) == render(report, "text", campaign=campaign)
