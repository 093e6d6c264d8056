"""Marking findings inside a rendered email, server-side, with lxml (the email never runs script).

A finding on the HTML points at ``[start, end)`` of the *visible text* (``body_text``: one line
per block, spaces collapsed; see :mod:`preview.rendering.document`). To mark it in the HTML we
walk the parsed email the same way that text was made, remember which text node every visible
character came from, and wrap the characters of the span in ``<mark id="f<finding id>">``. When
the walk does not give back the same visible text (it always should), the evidence text is
searched for instead, and a span that cannot be found is left unmarked rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import lxml.html
from lxml import etree

from preview.rendering.document import BLOCK_TAGS, SKIP_TAGS

_SPACE = frozenset(" \t\r\f\v\u00a0\u034f\u200b\u200c\u200d\u2060\ufeff")
MARK_CLASS = "cp-mark"
SELECTED_CLASS = "cp-mark-selected"
# Inline style is what the render's CSP allows (style-src 'unsafe-inline'); no script is needed.
MARK_STYLE = (
    f"mark.{MARK_CLASS}{{background:#ffe58a;color:inherit;outline:2px solid #f0b400;border-radius:2px}}"
    f"mark.{SELECTED_CLASS}{{background:#ffb3b3;outline:3px solid #c92a2a}}"
)
_MASKED_ATTRIBUTES = ("href", "alt", "title", "src", "aria-label")


@dataclass(frozen=True)
class Span:
    """A finding's place in the visible text; ``selected`` gets the stronger colour."""

    finding_id: int
    start: int | None
    end: int | None
    text: str | None = None
    selected: bool = False


class _VisibleText:
    """The visible text of a parsed email, with the text node behind every character."""

    def __init__(self, body):
        self.chars: list[str] = []
        self.origin: list[tuple | None] = []  # (element, "text" | "tail", offset) or None
        self._walk(body)
        self.text, self.map = self._normalise()

    def _walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in SKIP_TAGS:
            return
        if "display:none" in (el.get("style") or "").replace(" ", "").lower():
            return
        block = tag in BLOCK_TAGS
        if block:
            self._newline()
        if el.text:
            self._add(el, "text", el.text)
        for child in el:
            self._walk(child)
            if child.tail:
                self._add(child, "tail", child.tail)
        if block:
            self._newline()

    def _newline(self) -> None:
        self.chars.append("\n")
        self.origin.append(None)

    def _add(self, el, kind: str, text: str) -> None:
        for offset, ch in enumerate(text):
            # A line break inside a text node is a space on screen, as the renderer has it.
            self.chars.append(" " if ch in "\r\n" else ch)
            self.origin.append((el, kind, offset))

    def _normalise(self) -> tuple[str, list]:
        """Collapse spaces, strip lines, drop empty ones: the renderer's visible text."""
        out: list[str] = []
        where: list = []
        line: list[str] = []
        line_map: list = []

        def end_line():
            while line and line[-1] == " ":
                line.pop()
                line_map.pop()
            if line:
                if out:
                    out.append("\n")
                    where.append(None)
                out.extend(line)
                where.extend(line_map)
            line.clear()
            line_map.clear()

        for ch, origin in zip(self.chars, self.origin, strict=True):
            if ch == "\n":
                end_line()
            elif ch in _SPACE:
                if line and line[-1] != " ":
                    line.append(" ")
                    line_map.append(origin)
            else:
                line.append(ch)
                line_map.append(origin)
        end_line()
        return "".join(out), where


def _locate(visible: _VisibleText, body_text: str | None, span: Span) -> tuple[int, int] | None:
    """Where ``span`` is in the walked text, or None."""
    text = visible.text
    exact = span.start is not None and span.end is not None and body_text is not None and text == body_text
    # A template-level finding is stored once, with the offsets of the first recipient's text;
    # in another recipient's render they only hold if they still cover the evidence text.
    if exact and 0 <= span.start < span.end <= len(text) and (not span.text or text[span.start : span.end] == span.text):
        return span.start, span.end
    if not span.text:
        return None
    # Fall back to the evidence text, the occurrence nearest the reported start.
    hits = [m.start() for m in re.finditer(re.escape(span.text), text)]
    if not hits:
        return None
    near = span.start or 0
    start = min(hits, key=lambda h: abs(h - near))
    return start, start + len(span.text)


def _wrap(el, kind: str, a: int, b: int, mark_id: str | None, classes: str) -> None:
    """Wrap characters ``[a, b)`` of ``el``'s text or tail in a ``<mark>``."""
    mark = etree.Element("mark")
    mark.set("class", classes)
    if mark_id:
        mark.set("id", mark_id)
    if kind == "text":
        source = el.text
        el.text = source[:a]
        mark.text, mark.tail = source[a:b], source[b:]
        el.insert(0, mark)
    else:
        source = el.tail
        el.tail = source[:a]
        mark.text, mark.tail = source[a:b], source[b:]
        parent = el.getparent()
        parent.insert(parent.index(el) + 1, mark)


def _runs(origins: list) -> list[tuple]:
    """Group character origins into ``(element, kind, first offset, last offset + 1)`` runs, one
    per text node."""
    runs: list[list] = []
    for origin in origins:
        if origin is None:
            continue
        el, kind, offset = origin
        # Within one text node a gap is whitespace the visible text collapsed: it belongs inside.
        if runs and runs[-1][0] is el and runs[-1][1] == kind and runs[-1][3] <= offset:
            runs[-1][3] = offset + 1
        else:
            runs.append([el, kind, offset, offset + 1])
    return [tuple(r) for r in runs]


def mark_html(html: str, spans: Iterable[Span], body_text: str | None = None, mask: Callable[[str], str] | None = None) -> str:
    """``html`` with each span wrapped in ``<mark>`` and, with ``mask``, every text and link masked.

    Spans that overlap a span already marked are skipped (one mark per character); the first
    piece of each span carries ``id="f<finding id>"`` so ``#f<id>`` scrolls to it.
    """
    if not html.strip():
        return html
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    visible = _VisibleText(body if body is not None else root)
    placed: list[tuple[int, int, Span]] = []
    for span in spans:
        where = _locate(visible, body_text, span)
        if where is None or any(s < where[1] and where[0] < e for s, e, _ in placed):
            continue
        placed.append((where[0], where[1], span))
    # Later spans first: splitting a text node leaves the offsets before the split valid.
    pieces = []
    for start, end, span in placed:
        classes = MARK_CLASS + (f" {SELECTED_CLASS}" if span.selected else "")
        for index, (el, kind, a, b) in enumerate(_runs(visible.map[start:end])):
            pieces.append((el, kind, a, b, f"f{span.finding_id}" if index == 0 else None, classes))
    for el, kind, a, b, mark_id, classes in sorted(pieces, key=lambda p: (id(p[0]), p[1], -p[2])):
        _wrap(el, kind, a, b, mark_id, classes)
    if placed:
        _add_style(root)
    if mask is not None:
        _mask_tree(root, mask)
    doctype = root.getroottree().docinfo.doctype
    out = etree.tostring(root, method="html", encoding="unicode")
    return f"{doctype}\n{out}" if doctype else out


def _add_style(root) -> None:
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    style = etree.SubElement(head, "style")
    style.text = MARK_STYLE


def _mask_tree(root, mask: Callable[[str], str]) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in ("style", "script"):
            if el.text:
                el.text = mask(el.text)
            for name in _MASKED_ATTRIBUTES:
                value = el.get(name)
                if value:
                    el.set(name, mask(value))
        if el.tail:
            el.tail = mask(el.tail)
