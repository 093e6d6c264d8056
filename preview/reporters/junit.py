"""The JUnit XML report, for CI systems (Jenkins, GitLab, GitHub test reporters).

One ``testsuite`` for the campaign; one ``testcase`` for the template (findings that hold for
every recipient) and one per checked recipient. A testcase fails when it has findings at or
above ``--fail-on``; the failure lists every such finding with its evidence. Findings below the
threshold go to the testcase's ``system-out`` so they are visible without failing the build.
Recipient rows that could not be read are testcases with an ``error``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from preview.checks.model import Severity
from preview.reporters.locate import Locator, display_path

TEMPLATE_CASE = "template (every recipient)"
# Characters XML 1.0 cannot hold at all, not even escaped; recipient data may contain them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(report, *, campaign=None, fail_on: str = "block", recipient_ids=None, **_) -> str:
    """``report`` as JUnit XML.

    ``recipient_ids`` lists every recipient checked, in order, so that recipients without
    findings appear as passing testcases; without it only recipients with findings are listed.
    """
    threshold = Severity.parse(fail_on)
    path = display_path(report.campaign.get("template") or getattr(campaign, "path", None))
    name = report.campaign.get("name") or "campaign"
    locator = Locator(campaign)

    by_recipient: dict = {None: []}
    for rid in recipient_ids or ():
        by_recipient.setdefault(rid, [])
    for f in report.findings:
        by_recipient.setdefault(f.recipient_id, []).append(f)

    suite = ET.Element("testsuite", name=name)
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("template", path),
        ("send_date", report.campaign.get("send_date") or ""),
        ("verdict", report.verdict),
        ("fail_on", str(threshold)),
        ("recipients_checked", str(report.recipients_checked)),
    ):
        ET.SubElement(props, "property", name=key, value=value)

    failures = sum(_testcase(suite, name, rid, findings, path, threshold, locator) for rid, findings in by_recipient.items())

    for e in report.errors:
        case = ET.SubElement(suite, "testcase", classname=f"{name}.input", name=e.get("location") or "recipient row")
        error = ET.SubElement(case, "error", message=e["message"], type="input-error")
        error.text = e["message"]

    tests = len(by_recipient) + len(report.errors)
    counts = {"tests": tests, "failures": failures, "errors": len(report.errors), "skipped": 0}
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites", name="Campaign Preview", **{k: str(v) for k, v in counts.items() if k != "skipped"})
    root.append(suite)
    _clean(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite, name: str, rid, findings: list, path: str, threshold, locator) -> bool:
    """Add the testcase of recipient ``rid`` (None: the template) to ``suite``; True when it fails."""
    case = ET.SubElement(suite, "testcase", classname=name, name=TEMPLATE_CASE if rid is None else f"recipient {rid}")
    if path:
        case.set("file", path)
    failing = [f for f in findings if f.severity >= threshold]
    below = [f for f in findings if f.severity < threshold]
    if failing:
        lines = [locator.line(f) for f in failing]
        if path and lines[0]:
            case.set("line", str(lines[0]))
        worst = max(failing, key=lambda f: f.severity)
        summary = "; ".join(f"{f.code} {f.message}" for f in failing[:3])
        more = f" (and {len(failing) - 3} more)" if len(failing) > 3 else ""
        failure = ET.SubElement(case, "failure", message=summary + more, type=f"{worst.severity}:{worst.code}")
        failure.text = "\n\n".join(_details(f, path, line) for f, line in zip(failing, lines, strict=True))
    if below:
        out = ET.SubElement(case, "system-out")
        out.text = "\n\n".join(_details(f, path, locator.line(f)) for f in below)
    return bool(failing)


def _details(f, path: str, line: int | None) -> str:
    where = f"{path}:{line}" if path and line else path or f.part
    out = [f"{str(f.severity).upper()} {f.code} [{f.family}/{f.name or f.code}] {f.message}", f"  at {where} ({f.part})"]
    if f.evidence.text:
        out.append(f"  text: {f.evidence.text}")
    out += [f"  data: {d}" for d in f.evidence.data]
    return "\n".join(out)


def _clean(element: ET.Element) -> None:
    """Drop characters XML cannot represent from every text and attribute of ``element``."""
    for node in element.iter():
        if node.text:
            node.text = _NOT_XML.sub("\ufffd", node.text)
        for key, value in node.attrib.items():
            node.attrib[key] = _NOT_XML.sub("\ufffd", value)
