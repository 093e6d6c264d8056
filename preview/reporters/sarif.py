"""The SARIF 2.1.0 report, for code-scanning tools (GitHub code scanning, VS Code SARIF viewer).

Each check is a rule (``id`` = its code) with its docs as help; each finding is a result that
points at the campaign file and line, carries the recipient id in its properties, and has a
partial fingerprint built from what the finding *is* (code, recipient, part, text), not from
where it is, so the same finding keeps its identity across runs and template edits.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib.metadata import PackageNotFoundError, version

from preview.checks.docs import spec_dict
from preview.reporters.locate import Locator, artifact_uri

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "campaignPreview/v1"
LEVELS = {"block": "error", "warn": "warning", "info": "note"}
# GitHub's own severity scale for problems that are not security alerts.
_PROBLEM_SEVERITY = {"block": "error", "warn": "warning", "info": "recommendation"}
_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)$")


def render(report, *, registry=None, campaign=None, **_) -> str:
    """``report`` as a SARIF 2.1.0 log with one run."""
    return json.dumps(sarif_log(report, registry=registry, campaign=campaign), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report, *, registry=None, campaign=None) -> dict:
    """The SARIF log of ``report`` as a dict (see :func:`render`)."""
    uri = artifact_uri(report.campaign.get("template") or getattr(campaign, "path", None))
    rules = _rules(report, registry)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    locator = Locator(campaign)
    seen: dict[str, int] = {}
    results = []
    for f in report.findings:
        results.append(_result(f, uri, index, locator, seen))
    run: dict = {
        "tool": {"driver": _driver(rules)},
        "automationDetails": {"id": f"campaign-preview/{report.campaign.get('name') or 'campaign'}/"},
        "invocations": [_invocation(report)],
        "results": results,
        "properties": {
            "campaign": dict(report.campaign),
            "verdict": report.verdict,
            "recipients_checked": report.recipients_checked,
        },
    }
    if uri:
        run["artifacts"] = [{"location": _artifact_location(uri), "roles": ["analysisTarget"]}]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _driver(rules: list[dict]) -> dict:
    try:
        ours = version("campaign-preview")
    except PackageNotFoundError:  # running from a source tree that was never installed
        ours = "0+unknown"
    return {"name": "Campaign Preview", "version": ours, "semanticVersion": ours, "rules": rules}


def _rules(report, registry) -> list[dict]:
    """A rule per registered check, plus one per code found in the report but not registered."""
    rules = []
    known = set()
    for check in registry.all if registry is not None else ():
        rules.append(_rule(spec_dict(check, registry)))
        known.add(check.spec.code)
    for f in report.findings:
        if f.code not in known:
            known.add(f.code)
            rules.append(_rule({
                "code": f.code, "name": f.name or f.code, "family": f.family, "severity": str(f.severity),
                "enabled": True, "scope": None, "summary": f.message, "why": "", "bad": "", "good": "",
            }))
    return rules


def _rule(doc: dict) -> dict:
    level = LEVELS[doc["severity"]]
    text = [doc["summary"]]
    markdown = [doc["summary"]]
    if doc["why"]:
        text.append(f"Why: {doc['why']}")
        markdown.append(f"**Why.** {doc['why']}")
    for label in ("bad", "good"):
        if doc[label]:
            text.append(f"{label.capitalize()}: {doc[label]}")
            fence = "````" if "```" in doc[label] else "```"
            markdown.append(f"{label.capitalize()}:\n\n{fence}\n{doc[label]}\n{fence}")
    rule = {
        "id": doc["code"],
        "name": doc["name"],
        "shortDescription": {"text": doc["summary"]},
        "fullDescription": {"text": doc["why"] or doc["summary"]},
        "help": {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)},
        "defaultConfiguration": {"level": level, "enabled": doc["enabled"]},
        "properties": {
            "family": doc["family"],
            "severity": doc["severity"],
            "tags": ["campaign-preview", doc["family"]],
            "problem.severity": _PROBLEM_SEVERITY[doc["severity"]],
        },
    }
    if doc.get("scope"):
        rule["properties"]["scope"] = doc["scope"]
    return rule


def _result(f, uri: str, index: dict, locator: Locator, seen: dict) -> dict:
    severity = str(f.severity)
    region: dict = {"startLine": locator.line(f) or 1}
    if f.evidence.text:
        region["snippet"] = {"text": f.evidence.text}
    result = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": LEVELS[severity],
        "message": {"text": f.message or f.code},
        "partialFingerprints": {FINGERPRINT: _fingerprint(f, uri, seen)},
        "properties": {
            "recipient_id": f.recipient_id,
            "part": f.part,
            "family": f.family,
            "severity": severity,
            "evidence": f.evidence.to_dict(),
        },
    }
    if uri:
        result["locations"] = [{"physicalLocation": {"artifactLocation": _artifact_location(uri, 0), "region": region}}]
    return result


def _fingerprint(f, uri: str, seen: dict) -> str:
    # The line is left out on purpose: adding a line above must not make every finding "new".
    # Identical findings in one run are told apart by their order of appearance.
    basis = "\x1f".join([uri, f.code, f.recipient_id or "", f.part, f.evidence.text or f.message])
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}:{seen[digest]}"


def _artifact_location(uri: str, index: int | None = None) -> dict:
    location: dict = {"uri": uri}
    if not uri.startswith("file:"):
        location["uriBaseId"] = "%SRCROOT%"
    if index is not None:
        location["index"] = index
    return location


def _invocation(report) -> dict:
    notes = []
    for e in report.errors:
        note: dict = {"level": "error", "message": {"text": e["message"]}}
        location = e.get("location")
        if location:
            match = _LOCATION.match(location)
            physical: dict = {"artifactLocation": {"uri": artifact_uri(match["file"] if match else location)}}
            if match:
                physical["region"] = {"startLine": int(match["line"])}
            note["locations"] = [{"physicalLocation": physical}]
        if e.get("recipient_id"):
            note["properties"] = {"recipient_id": e["recipient_id"]}
        notes.append(note)
    return {"executionSuccessful": not report.errors, "toolExecutionNotifications": notes}
