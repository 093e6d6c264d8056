"""What a reader sees of one render: phrase hits in the visible parts and the values shown.

Several misfire families ask the same two questions of a message, so they are answered here once
per recipient (and memoised in ``ctx.cache`` while that recipient's checks run):

* where do the phrases of a rule file occur in the subject, preheader, from name and visible
  body text (:func:`find`), and what line of copy holds each hit (:func:`line_around`);
* which recipient values are shown, where, and from which fields (:func:`shown_values`).

Phrase search is the costly step, so in the body it is split along the shared layout: matches
inside the layout's static text are found once per layout and reused for every recipient, and
only the text around each recipient value is searched per recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preview.checks.rules import PhraseSet

# The parts a recipient sees before and after opening the email (the plain-text part is derived
# from the same copy, so judging it again would only repeat findings).
VISIBLE_PARTS = ("subject", "preheader", "from_name", "html")
# The text searched on each side of a recipient value; longer than any phrase of the rule files.
_WINDOW = 160
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Hit:
    """One phrase match in a visible part: the rule entry and where it sits."""

    part: str
    start: int
    end: int
    text: str
    rule: dict


@dataclass(frozen=True)
class Shown:
    """A recipient value as the reader sees it, with the field paths its expression read."""

    part: str
    start: int
    end: int
    text: str
    paths: tuple


def matcher(ctx, name: str, where=None) -> PhraseSet:
    """The compiled phrases of rule file ``name`` (entries kept by ``where``), built once per run."""
    return ctx.rules.phrases(name, where=where)


def _memo(ctx, key, message, compute):
    # One entry per key: the checks of one recipient run back to back, so the last message is
    # the only one worth keeping, and the cache never grows with the audience.
    slot = ctx.cache.get(key)
    if slot is not None and slot[0] is message:
        return slot[1]
    value = compute()
    ctx.cache[key] = (message, value)
    return value


def find(ctx, name: str, message, parts=VISIBLE_PARTS, where=None) -> list[Hit]:
    """Every hit of rule file ``name`` (entries kept by ``where``) in ``parts`` of ``message``."""
    phrases = matcher(ctx, name, where)
    if not phrases:
        return []
    hits: list[Hit] = []
    for part in parts:
        # Memoised per part: a check that reads only the subject does not pay for the body.
        hits.extend(_memo(ctx, ("visible:find", name, where, part), message, lambda part=part: _find_part(ctx, phrases, message, part)))
    return hits


def _find_part(ctx, phrases: PhraseSet, message, part: str) -> list[Hit]:
    if part == "html":
        return _body_hits(ctx, phrases, message)
    text = message.part_text(part)
    return [Hit(part, m.start, m.end, m.text, m.rule) for m in phrases.finditer(text)]


def _body_hits(ctx, phrases: PhraseSet, message) -> list[Hit]:
    doc = message.document
    if doc is None:
        return []
    text = doc.text
    if message.inlined_dynamic:
        # Some values are baked into the layout, so the layout is not shared: search it all.
        return [Hit("html", m.start, m.end, m.text, m.rule) for m in phrases.finditer(text)]
    static = _static_hits(ctx, phrases, doc.layout)
    found: dict[tuple, Hit] = {}
    # Static segments sit at offsets that move with the lengths of the values before them.
    pos = 0
    segment = 0
    values = doc.text_values
    for piece in doc.layout.text:
        if type(piece) is str:
            for start, end, rule in static[segment]:
                a, b = pos + start, pos + end
                found[(a, b, rule["id"])] = Hit("html", a, b, text[a:b], rule)
            segment += 1
            pos += len(piece)
        else:
            pos += len(values[piece])
    for a, b in _windows(doc.text_spans, len(text)):
        chunk = text[a:b]
        for m in phrases.finditer(chunk):
            # A match cut by the window edge is not a real match; a real one is found whole in
            # the window of the value it touches, or in the static text.
            if (m.start == 0 and a > 0) or (m.end == len(chunk) and b < len(text)):
                continue
            key = (a + m.start, a + m.end, m.rule["id"])
            found.setdefault(key, Hit("html", key[0], key[1], m.text, m.rule))
    # Like one scan of the whole text: leftmost first, and no match inside an earlier one.
    out: list[Hit] = []
    for hit in sorted(found.values(), key=lambda h: (h.start, -h.end)):
        if not out or hit.start >= out[-1].end:
            out.append(hit)
    return out


def _static_hits(ctx, phrases: PhraseSet, layout) -> list[list[tuple]]:
    """Matches inside each static segment of ``layout``, minus those touching a value."""
    key = ("visible:static", id(phrases), id(layout))
    slot = ctx.cache.get(key)
    if slot is not None and slot[0] is layout:
        return slot[1]
    pieces = layout.text
    out: list[list[tuple]] = []
    for index, piece in enumerate(pieces):
        if type(piece) is not str:
            continue
        value_before = index > 0
        value_after = index < len(pieces) - 1
        keep = []
        for m in phrases.finditer(piece):
            # A match at an edge next to a value may change with the value (word boundaries):
            # leave it to the per-recipient window search.
            if (m.start == 0 and value_before) or (m.end == len(piece) and value_after):
                continue
            keep.append((m.start, m.end, m.rule))
        out.append(keep)
    ctx.cache[key] = (layout, out)
    return out


def _windows(spans, length: int) -> list[tuple[int, int]]:
    """Merged ranges of text around each value span."""
    ranges: list[list[int]] = []
    for start, end, _slot in spans:
        a, b = max(0, start - _WINDOW), min(length, end + _WINDOW)
        if ranges and a <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], b)
        else:
            ranges.append([a, b])
    return [(a, b) for a, b in ranges]


def leaf_paths(paths) -> list[str]:
    """The paths not merely passed through on the way to another: the fields actually shown.

    ``('attributes', 'attributes.pet_name')`` -> ``['attributes.pet_name']``.
    """
    return [p for p in paths if p and not any(q != p and (q.startswith(p + ".") or q.startswith(p + "[")) for q in paths)]


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (one block of the body, or a whole subject) holding ``[start, end)``."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def shown_values(ctx, message) -> list[Shown]:
    """Every recipient value shown in a visible part, with the fields its expression read."""
    return _memo(ctx, "visible:shown", message, lambda: _shown(message))


def _shown(message) -> list[Shown]:
    out: list[Shown] = []
    for part in ("subject", "preheader", "from_name"):
        output = message.parts.get(part)
        if output is None:
            continue
        text = message.part_text(part)
        cursor = 0
        for chunk in output.chunks:
            if not chunk.dynamic or not chunk.reads:
                continue
            value = " ".join(output.text[chunk.start : chunk.end].split())
            if not value:
                continue
            # The part text has its whitespace collapsed, so find the value rather than trust offsets.
            at = text.find(value, cursor)
            if at < 0:
                continue
            cursor = at + len(value)
            out.append(Shown(part, at, cursor, value, chunk.reads))
    body = message.parts.get("body")
    doc = message.document
    if body is None or doc is None:
        return out
    slotted = set()
    for start, end, slot in doc.text_spans:
        if slot < len(message.body_slot_chunks):
            index = message.body_slot_chunks[slot]
            slotted.add(index)
            reads = body.chunks[index].reads
            if reads and end > start:
                out.append(Shown("html", start, end, doc.text[start:end], reads))
    if message.inlined_dynamic:
        # Values MJML had to see are baked into the layout: find them in the visible text.
        text = doc.text
        for index, chunk in enumerate(body.chunks):
            if not chunk.dynamic or not chunk.reads or index in slotted:
                continue
            value = " ".join(_TAG.sub(" ", body.text[chunk.start : chunk.end]).split())
            at = text.find(value) if len(value) > 1 else -1
            if at >= 0:
                out.append(Shown("html", at, at + len(value), value, chunk.reads))
    return out
