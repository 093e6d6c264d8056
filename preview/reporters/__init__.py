"""Ways to print a check report: text for people; json, sarif and junit for tools.

Every reporter is ``render(report, **options) -> str`` and ignores the options it has no use for:
``colour`` (text), ``campaign`` (to point findings at file lines), ``registry`` (rule docs for
SARIF), ``fail_on`` (what fails, for text and JUnit), ``recipient_ids`` (passing JUnit testcases).
"""

from __future__ import annotations

from preview.reporters import json_report, junit, sarif, text

FORMATS = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
}


def render(report, fmt: str, **options) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        reporter = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}") from None
    return reporter(report, **options)
