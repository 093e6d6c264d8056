"""The visible text of a shared layout and of one recipient's body, for checks that search text.

The renderer shares one layout among the recipients of a campaign: its text is template text with
*slots* where recipient values go. A check can search the layout's *skeleton* (its text with one
``SLOT_MARK`` per value) once, move what it found to each recipient's text with a :class:`Placer`,
and search per recipient only the values. :func:`static_finding` and :func:`span_finding` then
build a finding once for template text and per recipient for text that came from data.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from preview.checks.sharing import per_message

# How findings name the parts of an email.
PART_LABEL = {"subject": "subject", "preheader": "preheader", "from_name": "sender name", "html": "email body",
              "text": "plain-text part"}
# Stands for a recipient value in a layout's text while it is planned: not a word character, not
# part of any tag syntax, never in real text.
SLOT_MARK = "\x00"


def skeleton(layout) -> str:
    """The layout's visible text with one ``SLOT_MARK`` in place of each value."""
    return "".join(p if type(p) is str else SLOT_MARK for p in layout.text)


def slot_order(layout) -> tuple:
    """The layout's slot numbers in text order (what a :class:`Placer` needs)."""
    return tuple(p for p in layout.text if type(p) is not str)


def flat(parts) -> str:
    """The template's own text of slotted layout parts (an href, an alt), values left out."""
    return "".join(p for p in parts if type(p) is str) if parts else ""


class Placer:
    """Moves offsets in a layout's skeleton to one recipient's body text.

    ``order`` is the layout's slot numbers in text order; an offset with ``n`` values before it
    moves by the lengths those values add.
    """

    def __init__(self, order, document):
        shift = [0]
        values = document.text_values
        for slot in order:
            shift.append(shift[-1] + len(values[slot]) - len(SLOT_MARK))
        self.shift = shift

    def __call__(self, pos: int, values_before: int) -> int:
        """Where skeleton offset ``pos``, with ``values_before`` values before it, is in the text."""
        return pos + self.shift[values_before]


# Template findings remembered per run, at most this many: template text is finite, so this
# only guards against misuse.
_STATIC_FINDINGS = 10_000


def static_finding(ctx, spec_check, message, part: str, start: int | None, end: int | None, text: str, **args):
    """A template-level finding, built once per run and re-placed for each recipient's text.

    Building a finding reads its data lineage, which is the costly part; template text has the
    same finding for everyone, so only its offsets change from one recipient to the next.
    """
    store = ctx.cache.setdefault("layout_text.static", {})
    key = (spec_check.spec.code, part, text, tuple(sorted(args.items())))
    placed = store.get((key, start, end))  # the values before it have lengths that recur
    if placed is not None:
        return placed
    finding = store.get(key)
    if finding is None:
        finding = ctx.finding(spec_check, message, None, part=part, start=start, end=end, text=text,
                              template_level=True, **args)
        if len(store) < _STATIC_FINDINGS:
            store[key] = finding
    if (finding.evidence.start, finding.evidence.end) != (start, end):
        finding = replace(finding, evidence=replace(finding.evidence, start=start, end=end))
    if len(store) < _STATIC_FINDINGS:
        store[key, start, end] = finding
    return finding


def span_finding(ctx, spec_check, message, recipient, part: str, start: int, end: int, **args):
    """A finding on ``[start, end)`` of ``part``: per recipient when data made it, else for the template."""
    if from_data(message, ctx, part, start, end):
        return ctx.finding(spec_check, message, recipient, part=part, start=start, end=end, template_level=False, **args)
    return static_finding(ctx, spec_check, message, part, start, end, message.part_text(part)[start:end], **args)


def from_data(message, ctx, part: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` of ``part`` shows recipient data.

    Where values had to be baked into the layout (``inlined_dynamic``), the message cannot say
    which body text they are, so they are looked up in the visible text (see :func:`value_spans`).
    """
    if part == "html" and message.inlined_dynamic:
        return any(a < end and start < b for a, b in value_spans(message, ctx))
    return message.is_dynamic(part, start, end)


_TAGS = re.compile(r"<[^>]*>")


@per_message("layout_text.values")
def value_spans(message, ctx) -> list[tuple[int, int]]:
    """Where the body's recipient values sit in its visible text."""
    spans = [(a, b) for a, b, _ in message.document.text_spans] if message.document is not None else []
    out = message.parts.get("body")
    if message.inlined_dynamic and out is not None:
        # Values come in text order, each after the template text before it: find that text's
        # last words followed by the value, from where the previous value ended.
        text = message.body_text
        slotted = set(message.body_slot_chunks)
        cursor = 0
        before = ""
        for index, chunk in enumerate(out.chunks):
            visible = " ".join(html.unescape(_TAGS.sub(" ", out.text[chunk.start : chunk.end])).split())
            if not chunk.dynamic or index in slotted:
                before = (before + " " + visible)[-30:] if visible else before
                continue
            if visible:
                lead = r"\s+".join(re.escape(w) for w in before.split())
                m = re.compile(lead + r"\s*(" + re.escape(visible) + ")").search(text, cursor)
                if m is not None:
                    spans.append(m.span(1))
                    cursor = m.end()
            before = ""
    return spans
