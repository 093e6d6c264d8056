"""The JSON report (preview/reporters/json_report.py) against findings.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from preview.checks.model import Finding
from preview.contract.errors import InputError
from preview.pipeline import CheckRun
from preview.reporters import render
from tests.conftest import SHARED
from tests.reporters.conftest import RECIPIENTS, zebra_registry

PACKAGED = Path(__file__).resolve().parents[2] / "preview" / "contract" / "schemas" / "findings.schema.json"


def findings_schema() -> dict:
    """The shared spec's schema when ../shared is present, else the copy the package ships."""
    shared = SHARED / "spec" / "findings.schema.json"
    return json.loads((shared if shared.is_file() else PACKAGED).read_text())


def validate(doc: dict) -> None:
    schema = findings_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(doc)


def test_report_with_findings_and_errors_matches_the_schema(zebra_run):
    campaign, registry, report, _ = zebra_run
    report.errors.append(InputError("is required but missing", location="r.jsonl:4", field="email").as_dict())
    doc = json.loads(render(report, "json", registry=registry, campaign=campaign))
    validate(doc)
    assert doc["schema_version"] == 1
    assert doc["verdict"] == "warn"
    assert doc["recipients_checked"] == len(RECIPIENTS)
    assert {(f["code"], f["recipient_id"]) for f in doc["findings"]} == {("ZBR001", None), ("ZBR002", "r2")}
    assert doc["errors"] == [{"message": "field 'email': is required but missing", "recipient_id": None, "location": "r.jsonl:4"}]


def test_empty_report_matches_the_schema(clean_campaign):
    run = CheckRun(clean_campaign, registry=zebra_registry())
    doc = json.loads(render(run.finish(), "json"))
    validate(doc)
    assert (doc["verdict"], doc["findings"], doc["errors"]) == ("pass", [], [])


def test_findings_round_trip(zebra_run):
    _, _, report, _ = zebra_run
    doc = json.loads(render(report, "json"))
    assert [Finding.from_dict(f).to_dict() for f in doc["findings"]] == [f.to_dict() for f in report.findings]


def test_schema_rejects_what_the_report_must_never_produce():
    # Guards the test itself: a validator that accepted anything would prove nothing.
    with pytest.raises(jsonschema.ValidationError):
        validate({"schema_version": 1, "verdict": "maybe", "recipients_checked": 0, "findings": [], "errors": []})
