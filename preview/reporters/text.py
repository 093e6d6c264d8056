"""The terminal report: findings grouped by recipient (template-level ones first), then a summary.

Each finding shows its severity, code, message, where it is (``file:line`` and the part), the
offending text and the recipient data behind it, so a marketer can see *why* without the JSON.
Colour is the caller's choice (the CLI turns it on only when stdout is a terminal).
"""

from __future__ import annotations

import click

from preview.reporters.locate import Locator, display_path

_COLOURS = {"block": "red", "warn": "yellow", "info": "cyan", "pass": "green"}
_EVIDENCE_CHARS = 160
_INDENT = " " * 8


def render(report, *, colour: bool = False, campaign=None, fail_on: str = "block", **_) -> str:
    """``report`` as text for a terminal; ``colour`` adds ANSI styles."""

    def style(text, **kw):
        return click.style(text, **kw) if colour else text

    locator = Locator(campaign)
    path = display_path(report.campaign.get("template") or getattr(campaign, "path", None))
    lines = [style(_title(report, path), bold=True)]
    for rid, findings in _by_recipient(report.findings):
        lines.append("")
        lines.append(style("template (every recipient)" if rid is None else f"recipient {rid}", bold=True))
        for f in findings:
            sev = str(f.severity)
            lines.append(f"  {style(sev.upper().ljust(5), fg=_COLOURS[sev], bold=True)} {style(f.code, bold=True)} {f.message}")
            line = locator.line(f)
            where = f"{path}:{line}" if path and line else path or "?"
            lines.append(style(f"{_INDENT}{where} · {f.part} · {f.family}/{f.name or f.code}", dim=True))
            if f.evidence.text and f.evidence.text not in f.message:
                lines.append(f"{_INDENT}text: {_clip(f.evidence.text)}")
            for d in f.evidence.data:
                lines.append(f"{_INDENT}data: {d}")
    if report.errors:
        lines += ["", style("input errors (not checked)", bold=True, fg="red")]
        for e in report.errors:
            where = f"{e['location']}: " if e.get("location") else ""
            lines.append(f"  {where}{e['message']}")
    lines += ["", _summary(report, fail_on, style)]
    return "\n".join(lines) + "\n"


def _title(report, path: str) -> str:
    name = report.campaign.get("name") or "campaign"
    send = report.campaign.get("send_date")
    return f"{name}" + (f" ({path})" if path else "") + (f", send date {send}" if send else "")


def _by_recipient(findings) -> list[tuple]:
    """Findings grouped by recipient in the order recipients were checked; template ones first."""
    groups: dict = {}
    for f in findings:
        groups.setdefault(f.recipient_id, []).append(f)
    ordered = sorted(groups.items(), key=lambda item: item[0] is not None)  # stable: keeps check order
    return [(rid, sorted(fs, key=lambda f: (-int(f.severity), f.code))) for rid, fs in ordered]


def _summary(report, fail_on: str, style) -> str:
    counts = report.counts()["severity"]
    with_findings = len({f.recipient_id for f in report.findings if f.recipient_id is not None})
    parts = [f"{counts[s]} {s}" for s in ("block", "warn", "info")]
    if report.errors:
        parts.append(f"{len(report.errors)} input error{'s' if len(report.errors) != 1 else ''}")
    verdict = report.verdict
    failing = " (fails --fail-on " + fail_on + ")" if report.reaches(fail_on) else ""
    return (
        f"{report.recipients_checked} recipient{'s' if report.recipients_checked != 1 else ''} checked, "
        f"{with_findings} with findings: {', '.join(parts)} -> "
        + style(verdict.upper(), fg=_COLOURS[verdict], bold=True)
        + failing
    )


def _clip(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > _EVIDENCE_CHARS:
        one_line = one_line[: _EVIDENCE_CHARS - 1] + "…"
    return repr(one_line)
