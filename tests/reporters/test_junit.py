"""The JUnit XML report (preview/reporters/junit.py), read as CI tools read it."""

from __future__ import annotations

from junitparser import Error, Failure, JUnitXml
from lxml import etree

from preview.contract.errors import InputError
from preview.reporters import render
from preview.reporters.junit import TEMPLATE_CASE
from tests.conftest import recipient, run_checks
from tests.reporters.conftest import RECIPIENTS, zebra_line


def junit(report, campaign, fail_on="block", ids=None) -> str:
    return render(report, "junit", campaign=campaign, fail_on=fail_on, recipient_ids=ids)


def test_one_suite_one_case_per_recipient_plus_the_template(zebra_run):
    campaign, _, report, _ = zebra_run
    root = etree.fromstring(junit(report, campaign, ids=[r["id"] for r in RECIPIENTS]).encode())
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "Winter collection"
    names = [case.get("name") for case in suite.findall("testcase")]
    assert names == [TEMPLATE_CASE, "recipient r1", "recipient r2", "recipient r3"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "0", "0")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["verdict"] == "warn"
    assert all(case.get("file") == "campaigns/zebra.mjml" for case in suite.findall("testcase"))


def test_findings_below_fail_on_are_output_not_failures(zebra_run):
    campaign, _, report, _ = zebra_run
    suite = etree.fromstring(junit(report, campaign, ids=["r1", "r2", "r3"]).encode()).find("testsuite")
    template = suite.find("testcase")
    assert template.find("failure") is None
    assert "WARN ZBR001" in template.findtext("system-out")


def test_findings_at_fail_on_fail_their_testcase_with_details(zebra_run):
    campaign, _, report, _ = zebra_run
    suite = etree.fromstring(junit(report, campaign, fail_on="warn", ids=["r1", "r2", "r3"]).encode()).find("testsuite")
    template, r1, r2, _ = suite.findall("testcase")
    failure = template.find("failure")
    assert failure.get("message") == "ZBR001 the copy mentions zebras: Zebra"
    assert failure.get("type") == "warn:ZBR001"
    assert f"at campaigns/zebra.mjml:{zebra_line()} (html)" in failure.text
    assert template.get("line") == str(zebra_line())
    assert r1.find("failure") is None
    assert r2.find("failure") is None and "INFO ZBR002" in r2.findtext("system-out")
    assert "data: attributes.stripes: 3, declared" in r2.findtext("system-out")
    assert suite.get("failures") == "1"


def test_ci_parsers_read_it(zebra_run, tmp_path):
    campaign, _, report, _ = zebra_run
    report.errors.append(InputError("not valid JSON: Expecting value at column 1", location="people.jsonl:7").as_dict())
    path = tmp_path / "junit.xml"
    path.write_text(junit(report, campaign, fail_on="warn", ids=["r1", "r2", "r3"]), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    assert (suite.tests, suite.failures, suite.errors) == (5, 1, 1)
    outcomes = {case.name: [type(r).__name__ for r in case.result] for case in suite}
    assert outcomes[TEMPLATE_CASE] == [Failure.__name__]
    assert outcomes["recipient r1"] == []
    assert outcomes["people.jsonl:7"] == [Error.__name__]


def test_without_recipient_ids_only_recipients_with_findings_are_cases(zebra_run):
    campaign, _, report, _ = zebra_run
    names = [c.get("name") for c in etree.fromstring(junit(report, campaign).encode()).iter("testcase")]
    assert names == [TEMPLATE_CASE, "recipient r2"]


def test_characters_xml_cannot_hold_are_replaced(zebra_run):
    campaign, registry, _, _ = zebra_run
    report, _ = run_checks(campaign, [recipient("r\x01", attributes={"stripes": 4})], registry=registry)
    xml = junit(report, campaign, fail_on="warn", ids=["r\x01"])
    names = [c.get("name") for c in etree.fromstring(xml.encode()).iter("testcase")]
    assert names == [TEMPLATE_CASE, "recipient r\ufffd"]
