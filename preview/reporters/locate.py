"""Where in the campaign file a finding points: its line, and the file's path as a report names it."""

from __future__ import annotations

import html
import os
from bisect import bisect_right
from pathlib import Path
from urllib.parse import quote

from preview.contract.campaigns import TEMPLATE_FIELDS

# Shorter evidence ("#", "Hi") would match the first of many places in the source by chance.
_MIN_SEARCH = 4
# A run of words taken out of the evidence must be this long to be telling, and only the first
# words of a line are tried, which bounds the work per finding.
_MIN_RUN = 6
_MAX_WORDS = 12


class Locator:
    """Finds the campaign file line of findings, for reports that point into the file.

    The finding's own ``evidence.line`` wins; otherwise the evidence text is looked up in the
    campaign source (in the front-matter field or the body the finding's part comes from), and
    failing that the line where that field or the body starts. Built once per report: it indexes
    the source's line starts so each lookup is a search plus a bisection.
    """

    def __init__(self, campaign=None):
        self.campaign = campaign
        self.source = getattr(campaign, "source", "") or ""
        self._found: dict = {}
        self._starts = [0]
        for index, char in enumerate(self.source):
            if char == "\n":
                self._starts.append(index + 1)

    def line(self, finding) -> int | None:
        """The 1-based campaign line of ``finding``, or None when nothing points anywhere."""
        if finding.evidence.line:
            return finding.evidence.line
        if self.campaign is None:
            return None
        region_line = self._region_line(finding.part)
        start = self._offset(region_line or 1)
        # A front-matter field's text is looked for in the front matter only, not in the body.
        body_line = getattr(self.campaign, "body_line", 1) or 1
        end = self._offset(body_line) if finding.part in TEMPLATE_FIELDS and body_line > 1 else len(self.source)
        found = self._search(finding.evidence.text, start, end)
        return found or region_line

    def _region_line(self, part: str) -> int | None:
        if part in TEMPLATE_FIELDS:
            lines = getattr(self.campaign, "field_lines", {}) or {}
            return lines.get(part)
        if part in ("html", "template"):
            return getattr(self.campaign, "body_line", None)
        return None

    def _offset(self, line: int) -> int:
        return self._starts[min(line, len(self._starts)) - 1]

    def _search(self, text: str | None, start: int, end: int) -> int | None:
        if not text or not self.source:
            return None
        key = (text, start, end)
        if key not in self._found:
            self._found[key] = self._find(text, start, end)
        return self._found[key]

    def _find(self, text: str, start: int, end: int) -> int | None:
        # The evidence is rendered text: one line per block, entities decoded, recipient values
        # filled in. Try it whole, then line by line, then its longest run of words that the
        # source holds (the static words around a value); each also spelt with entities.
        lines = [line.strip() for line in text.splitlines()]
        for candidate in [text.strip(), *lines, *self._runs(lines)]:
            if len(candidate) < _MIN_SEARCH:
                continue
            for spelling in dict.fromkeys((candidate, html.escape(candidate, quote=False))):
                index = self.source.find(spelling, start, end)
                if index >= 0:
                    return bisect_right(self._starts, index)
        return None

    @staticmethod
    def _runs(lines: list[str]):
        """Runs of consecutive words of each line, longest first (a few dozen at most)."""
        for line in lines:
            words = line.split()[:_MAX_WORDS]
            for size in range(len(words) - 1, 0, -1):
                for first in range(len(words) - size + 1):
                    run = " ".join(words[first : first + size])
                    if len(run) >= _MIN_RUN:
                        yield run


def display_path(path: str | None) -> str:
    """``path`` relative to the working directory when it lies inside it, with ``/`` separators."""
    if not path:
        return ""
    p = Path(path)
    try:
        rel = os.path.relpath(p.resolve(), Path.cwd().resolve())
    except ValueError:  # another drive on Windows
        return p.as_posix()
    outside = rel == os.pardir or rel.startswith(os.pardir + os.sep)
    return p.resolve().as_posix() if outside else Path(rel).as_posix()


def artifact_uri(path: str | None) -> str:
    """A URI reference for ``path``: relative (as code-scanning tools want) when possible."""
    shown = display_path(path)
    if not shown:
        return ""
    if Path(shown).is_absolute():
        return Path(shown).as_uri()
    return quote(shown, safe="/")
