"""Ways to print a check report: text for people, json, sarif and junit for tools."""

from __future__ import annotations

from preview.reporters import json_report, text

FORMATS = {
    "text": text.render,
    "json": json_report.render,
}


def render(report, fmt: str, **kwargs) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    return FORMATS[fmt](report, **kwargs)
