"""What a preview card shows, masked: the inbox line with its marks, the findings and their data.

Templates get plain data from here and escape it; nothing in a card is markup. A text with marks
is a list of :class:`Piece` (text, and the finding id that marks it, if any).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.rendering import RenderedMessage
from preview.store.models import Finding, RunRecipient
from preview.web.highlight import Span
from preview.web.masking import Masker

INBOX_PARTS = ("from_name", "subject", "preheader")


@dataclass
class Piece:
    """Part of a text; ``finding_id`` is set where a finding points."""

    text: str
    finding_id: int | None = None


@dataclass
class FindingView:
    """A finding as the UI shows it to this user (masked unless revealed)."""

    finding: Finding
    message: str
    evidence: str
    data: list[str]
    in_render: bool  # the render can mark it (an HTML finding with text to find)

    @property
    def id(self) -> int:
        """The finding's store id."""
        return self.finding.id


@dataclass
class Card:
    """One recipient of a run, ready for the grid or the recipient page."""

    row: RunRecipient
    masker: Masker
    message: RenderedMessage | None
    findings: list[FindingView]
    inbox: dict[str, list[Piece]] = field(default_factory=dict)
    text: list[Piece] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)

    @property
    def render_errors(self) -> list:
        """Template or MJML errors of this recipient's render."""
        return self.message.errors if self.message else []


def pieces(text: str, spans: list[tuple[int, int, int]], mask) -> list[Piece]:
    """``text`` cut at the ``(start, end, finding id)`` spans (overlaps skipped), each piece masked."""
    out: list[Piece] = []
    pos = 0
    for start, end, finding_id in sorted(spans):
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append(Piece(mask(text[pos:start])))
        out.append(Piece(mask(text[start:end]), finding_id))
        pos = end
    if pos < len(text) or not out:
        out.append(Piece(mask(text[pos:])))
    return out


def _spans(findings: list[Finding], part: str, text: str) -> list[tuple[int, int, int]]:
    out = []
    for f in findings:
        if f.part != part:
            continue
        ev = f.evidence or {}
        start, end = ev.get("start"), ev.get("end")
        if start is None or end is None:
            found = text.find(ev.get("text") or "\0") if ev.get("text") else -1
            if found < 0:
                continue
            start, end = found, found + len(ev["text"])
        out.append((start, end, f.id))
    return out


def finding_view(finding: Finding, masker: Masker, body_text: str | None = None) -> FindingView:
    """``finding`` masked for this user; ``body_text`` (the email's visible text) tells whether
    the render can mark it (without it, any HTML finding with evidence text is assumed to)."""
    ev = finding.evidence or {}
    text = ev.get("text")
    in_render = finding.part == "html" and bool(text) and (body_text is None or ev.get("start") is not None or text in body_text)
    return FindingView(
        finding=finding,
        message=masker.text(finding.message),
        evidence=masker.text(ev.get("text") or ""),
        data=[masker.text(line) for line in ev.get("data") or []],
        in_render=in_render,
    )


def build_card(row: RunRecipient, message: RenderedMessage | None, findings: list[Finding], masker: Masker, reasons: list[str] | None = None) -> Card:
    """A card for ``row``: the inbox line and plain text with their findings marked, all masked."""
    mask = masker.text
    body_text = message.body_text if message is not None else ""
    views = [finding_view(f, masker, body_text) for f in findings]
    card = Card(row=row, masker=masker, message=message, findings=views, reasons=list(reasons or []))
    record = row.record or {}
    card.segments = [s for s in record.get("segments") or [] if isinstance(s, str)]
    if message is not None:
        for part in INBOX_PARTS:
            value = message.part_text(part)
            card.inbox[part] = pieces(value, _spans(findings, part, value), mask)
        text = message.text
        card.text = pieces(text, _spans(findings, "text", text), mask)
    return card


def render_spans(own: list[Finding], template: list[Finding], selected: int | None) -> list[Span]:
    """The spans to mark in a render: the recipient's own HTML findings by position, template
    findings by their text (their positions were measured on another recipient's email)."""
    spans = []
    for f in own:
        ev = f.evidence or {}
        if f.part == "html" and (ev.get("text") or ev.get("start") is not None):
            spans.append(Span(f.id, ev.get("start"), ev.get("end"), ev.get("text"), f.id == selected))
    for f in template:
        ev = f.evidence or {}
        if f.part == "html" and ev.get("text"):
            spans.append(Span(f.id, None, None, ev.get("text"), f.id == selected))
    # The selected finding first, so an overlapping one never hides it.
    spans.sort(key=lambda s: not s.selected)
    return spans
