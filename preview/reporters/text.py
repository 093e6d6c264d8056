"""A terminal report grouped by recipient (template-level findings first)."""

from __future__ import annotations

from itertools import groupby

import click

_COLOURS = {"block": "red", "warn": "yellow", "info": "cyan"}


def render(report, *, colour: bool = False, **_) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if colour else text

    lines = []
    name = report.campaign.get("name", "campaign")
    ordered = sorted(report.findings, key=lambda f: (f.recipient_id is not None, f.recipient_id or "", -int(f.severity), f.code))
    for rid, group in groupby(ordered, key=lambda f: f.recipient_id):
        lines.append(style(f"\n{'template (every recipient)' if rid is None else 'recipient ' + rid}", bold=True))
        for f in group:
            sev = str(f.severity)
            where = f"line {f.evidence.line}" if f.evidence.line else f.part
            lines.append(f"  {style(sev.upper().ljust(5), fg=_COLOURS[sev], bold=True)} {f.code} [{f.family}] {f.message} ({where})")
            if f.evidence.text and f.evidence.text not in f.message:
                lines.append(f"        text: {f.evidence.text[:160]!r}")
            for d in f.evidence.data:
                lines.append(f"        data: {d}")
    for e in report.errors:
        lines.append(style(f"ERROR {e.get('location', '')}: {e['message']}", fg="red"))
    c = report.counts()["severity"]
    verdict = report.verdict
    colour_v = {"block": "red", "warn": "yellow", "pass": "green"}[verdict]
    lines.append(
        f"\n{name}: {report.recipients_checked} recipients checked, "
        f"{c['block']} block, {c['warn']} warn, {c['info']} info, {len(report.errors)} input errors -> "
        + style(verdict.upper(), fg=colour_v, bold=True)
    )
    return "\n".join(lines).lstrip("\n") + "\n"
