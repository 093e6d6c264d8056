"""Where test and placeholder copy is in a message: every part a reader can see (subject,
preheader, sender name, body text, preview text, the plain-text part, image alt text) and the
hosts of link and image addresses, found once per message and shared by the ``test-content``
checks. The body's template text is searched once per shared layout, and per recipient only the
text around the recipient's values.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple
from urllib.parse import unquote

from preview.checks.copy_rules import WINDOW, TestRules, placeholder_host, test_rules, url_host
from preview.checks.layout_text import PART_LABEL, SLOT_MARK, Placer, flat, skeleton, slot_order
from preview.checks.rules import Match
from preview.checks.sharing import per_message

# Static lines of the plain-text part remembered per run, at most this many (memory stays flat).
_LINE_CACHE = 20_000


class Hit(NamedTuple):
    """One piece of test copy: which check it feeds, where it is, and whether it is template text."""

    check: str
    part: str
    where: str
    text: str
    start: int | None = None
    end: int | None = None
    template_level: bool | None = None  # None: decided from the span, as for any render finding
    reason: str = ""


@per_message("TST:hits")
def hits(message, ctx) -> list[Hit]:
    """Every piece of test copy in ``message``, found once and shared by the family's checks."""
    rules = test_rules(ctx)
    found: list[Hit] = []
    for part in ("subject", "preheader", "from_name"):
        text = message.part_text(part)
        found.extend(Hit(m.rule["check"], part, PART_LABEL[part], m.text, m.start, m.end) for m in rules.anywhere.finditer(text))
        for regex, entry, parts in rules.whole:
            if part in parts and regex.search(text):
                found.append(Hit(entry["check"], part, PART_LABEL[part], text, 0, len(text)))
    if message.text_part is not None:
        found.extend(_text_part_hits(message, ctx, rules))
    doc = message.document
    if doc is not None:
        found.extend(Hit(m.rule["check"], "html", PART_LABEL["html"], m.text, m.start, m.end) for m in _body_hits(message, ctx, rules))
        found.extend(_document_hits(message, doc, rules, ctx))
    return _without_overlaps(found, message.part_text)


def _body_hits(message, ctx, rules: TestRules) -> list[Match]:
    """Matches in the visible body text: its static text searched once per shared layout, and
    only the text around each recipient value searched per recipient."""
    doc = message.document
    text = doc.text
    if message.inlined_dynamic:  # values baked into the layout: it is this recipient's own
        return list(rules.anywhere.finditer(text))
    plans = ctx.cache.setdefault("TST:body", weakref.WeakKeyDictionary())
    plan = plans.get(doc.layout)
    if plan is None:
        plan = plans[doc.layout] = _body_plan(doc.layout, rules)
    place = Placer(plan[0], doc)
    found = {(place(a, n), place(b, n), rule["id"]): rule for a, b, n, rule in plan[1]}
    for a, b in _windows(doc.text_spans, len(text)):
        chunk = text[a:b]
        for m in rules.anywhere.finditer(chunk):
            # A match cut by the window's edge is no match; a real one is whole in some window.
            if (m.start == 0 and a > 0) or (m.end == len(chunk) and b < len(text)):
                continue
            found.setdefault((a + m.start, a + m.end, m.rule["id"]), m.rule)
    return [Match(rule, a, b, text[a:b]) for (a, b, _), rule in sorted(found.items(), key=lambda kv: kv[0][:2])]


def _body_plan(layout, rules: TestRules):
    """(slot order, static matches as (start, end, values before, rule)) of a layout's text."""
    text = skeleton(layout)
    static = []
    for m in rules.anywhere.finditer(text):
        # A match holding or touching a value may change with it: the windows judge those.
        if SLOT_MARK in m.text or text[m.start - 1 : m.start] == SLOT_MARK or text[m.end : m.end + 1] == SLOT_MARK:
            continue
        static.append((m.start, m.end, text.count(SLOT_MARK, 0, m.start), m.rule))
    # Merge them here as _without_overlaps would, so a paragraph of filler costs one hit per
    # recipient rather than one per phrase.
    merged: list[tuple] = []
    for a, b, n, rule in sorted(static, key=lambda h: (h[3]["check"], h[0])):
        if merged:
            pa, pb, pn, prule = merged[-1]
            gap = text[pb:a] if a > pb else ""
            if prule["check"] == rule["check"] and pn == n and _one_stretch(rule["check"], gap) and SLOT_MARK not in gap:
                merged[-1] = (pa, max(pb, b), pn, prule)
                continue
        merged.append((a, b, n, rule))
    return slot_order(layout), sorted(merged, key=lambda h: h[0])


def _windows(spans, length: int) -> list[tuple[int, int]]:
    """Merged ranges of text around each value span."""
    ranges: list[list[int]] = []
    for start, end, _slot in spans:
        a, b = max(0, start - WINDOW), min(length, end + WINDOW)
        if ranges and a <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], b)
        else:
            ranges.append([a, b])
    return [(a, b) for a, b in ranges]


def _text_part_hits(message, ctx, rules: TestRules) -> list[Hit]:
    """Hits in the campaign's own plain-text part, its static lines searched once per run."""
    out = []
    output = message.parts.get("text")
    cache = ctx.cache.setdefault("TST:lines", {})
    pos = 0
    for line in message.text_part.split("\n"):
        end = pos + len(line)
        if line.strip():
            static = output is not None and not output.is_dynamic(pos, end)
            matches = cache.get(line) if static else None
            if matches is None:
                matches = [(m.start, m.end, m.rule) for m in rules.anywhere.finditer(line)]
                if static and len(cache) < _LINE_CACHE:
                    cache[line] = matches
            for a, b, rule in matches:
                out.append(Hit(rule["check"], "text", PART_LABEL["text"], line[a:b], pos + a, pos + b))
        pos = end + 1
    return out


def _document_hits(message, doc, rules: TestRules, ctx) -> list[Hit]:
    """Hits in what the visible text does not hold: preview text, alt text, link and image hosts.

    Attributes without recipient values are judged once per shared layout.
    """
    layout = doc.layout
    if message.inlined_dynamic:  # values are baked into this layout: nothing in it is shared
        return [h for kind, index in _attributes(layout) for h in _attribute_hits(message, doc, rules, kind, index, ctx)]
    plans = ctx.cache.setdefault("TST:plans", weakref.WeakKeyDictionary())
    plan = plans.get(layout)
    if plan is None:
        static, slotted = [], []
        for kind, index in _attributes(layout):
            if any(type(p) is int for p in _layout_parts(layout, kind, index)):
                slotted.append((kind, index))
            else:
                static.extend(_attribute_hits(message, doc, rules, kind, index, ctx))
        plan = plans[layout] = (static, slotted)
    static, slotted = plan
    return [*static, *(h for kind, index in slotted for h in _attribute_hits(message, doc, rules, kind, index, ctx))]


def _attributes(layout):
    """(kind, index) of every attribute that can hold copy or an address."""
    yield "hidden", 0
    for i in range(len(layout.images)):
        yield "alt", i
        yield "src", i
    for i in range(len(layout.links)):
        yield "href", i


def _layout_parts(layout, kind: str, index: int):
    if kind == "hidden":
        return layout.hidden_text
    if kind == "href":
        return layout.links[index].href or ()
    image = layout.images[index]
    return (image.alt if kind == "alt" else image.src) or ()


def _attribute_hits(message, doc, rules: TestRules, kind: str, index: int, ctx) -> list[Hit]:
    """The hits of one attribute as this recipient gets it."""
    parts = _layout_parts(doc.layout, kind, index)
    out = []
    if kind == "hidden":
        for m in rules.anywhere.finditer(doc.hidden_text):
            out.append(Hit(m.rule["check"], "html", "preview text", m.text, template_level=_static(message, parts, m.text, ctx)))
    elif kind == "alt":
        alt = doc.images[index].alt
        if alt:
            for m in rules.anywhere.finditer(alt):
                out.append(Hit(m.rule["check"], "html", "image alt text", m.text, template_level=_static(message, parts, m.text, ctx)))
            for regex, entry, where in rules.whole:
                if "alt" in where and regex.search(alt):
                    out.append(Hit(entry["check"], "html", "image alt text", alt, template_level=_static(message, parts, alt, ctx)))
    else:
        url = doc.links[index].href if kind == "href" else doc.images[index].src
        reason = placeholder_host(url, rules) if url else None
        if reason:
            static = _static(message, parts, url_host(url), ctx)
            if kind == "src":
                where = "image address"
            else:
                text = doc.links[index].text if not static else flat(doc.layout.links[index].text)
                where = f"link {text[:40]!r}" if text else "link"
            if static and any(type(p) is int for p in parts):
                url = flat(parts)  # the template's part of the address: one finding for everyone
            out.append(Hit("placeholder-link", "html", where, url, reason=reason, template_level=static))
    return out


def _static(message, parts, needle: str, ctx) -> bool:
    """Whether ``needle`` is template text of a slotted layout value (so the same for everyone).

    When values are baked into the layout it cannot tell; text the template source itself
    holds is then taken as the template's.
    """
    if message.inlined_dynamic:
        source = getattr(ctx.campaign, "body", "") or ""
        return bool(needle) and needle.lower() in source.lower()
    if not parts:
        return False
    return any(type(p) is str and needle.lower() in unquote(p).lower() for p in parts)


def _without_overlaps(found: list[Hit], text_of) -> list[Hit]:
    """One hit per stretch of copy and check.

    Overlapping hits are one ("[TEST] test email"), and so are hits that follow each other
    ("TODO XX%"), or filler anywhere in one block ("Lorem ipsum dolor sit amet, ... ullamco
    laboris": one paragraph of filler, one finding). ``text_of(part)`` gives the text the
    offsets index; hits on different lines stay apart.
    """
    kept: list[Hit] = []
    seen = set()
    spans = sorted((h for h in found if h.start is not None), key=lambda h: (h.check, h.part, h.where, h.start))
    for h in spans:
        k = kept[-1] if kept else None
        if k is not None and (k.check, k.part, k.where) == (h.check, h.part, h.where):
            gap = text_of(h.part)[k.end : h.start] if h.start > k.end else ""
            if _one_stretch(h.check, gap):
                # The merged text is read back from the part by the finding (test_content._findings).
                kept[-1] = k._replace(end=max(k.end, h.end))
                continue
        kept.append(h)
    for h in found:
        if h.start is None and (h.check, h.part, h.where, h.text) not in seen:
            seen.add((h.check, h.part, h.where, h.text))
            kept.append(h)
    return kept


def _one_stretch(check: str, gap: str) -> bool:
    """Whether two hits of ``check`` with ``gap`` between them are one stretch of copy: they
    overlap or follow each other ("TODO XX%"), or they are filler anywhere on one line (a
    paragraph of filler is one finding)."""
    return (len(gap) <= 2 or check == "filler-text") and "\n" not in gap
