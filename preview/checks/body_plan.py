"""What the ``personalization-gap`` checks look for in a body's template text, found once per
shared layout: tags, never-copy null spellings, the lines that may greet, and merge tags in static
attributes (see :mod:`preview.checks.layout_text` for how a plan is moved to each recipient's text).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from urllib.parse import unquote

from preview.checks.layout_text import SLOT_MARK, Placer, flat, skeleton, slot_order
from preview.checks.merge_tags import Vocabulary, vocabulary
from preview.checks.sharing import per_message


@dataclass(frozen=True)
class BodyPlan:
    """What the body's static text holds, found once per shared layout.

    Offsets are in the layout's *skeleton* (its text with one ``SLOT_MARK`` per value); each carries
    the number of values before it, which is all it takes to move it to a recipient's text.
    """

    order: tuple  # the slot numbers in text order
    tags: tuple  # (start, end, values_before, token, syntax) of tags in static text
    objects: tuple  # (start, end, values_before, word) of null spellings that are never copy
    lines: tuple  # (start, end, values_before_start, values_before_end) of lines that may greet
    attributes: tuple  # (where, token, syntax) of tags in static link, image and preview attributes
    slotted: tuple  # (kind, index) of the attributes that hold recipient values


def body_plan(ctx, layout, vocab: Vocabulary) -> BodyPlan:
    """The plan of ``layout``, kept while the renderer keeps the layout (weakly referenced)."""
    plans = ctx.cache.setdefault("PZG:plans", weakref.WeakKeyDictionary())
    plan = plans.get(layout)
    if plan is None:
        plan = plans[layout] = _plan(layout, vocab)
    return plan


def _plan(layout, vocab: Vocabulary) -> BodyPlan:
    """Search the skeleton of ``layout`` (and its static attributes) once."""
    text = skeleton(layout)

    def before(pos: int) -> int:
        return text.count(SLOT_MARK, 0, pos)

    tags = tuple((a, b, before(a), token, syntax) for a, b, token, syntax in vocab.find_tags(text) if SLOT_MARK not in token)
    objects = tuple((a, b, before(a), w) for a, b, w in vocab.find_nulls(text) if not w.isalnum())
    lines = {}
    for m in vocab.greeting.finditer(text):
        lines[_line(text, m.start())] = None
    for m in re.finditer(rf"^[^\w\n]{{0,6}}{SLOT_MARK}", text, re.MULTILINE):  # a line a value may open
        lines[_line(text, m.start())] = None
    attributes, slotted = [], []
    candidates = [("hidden", 0, "preview text", layout.hidden_text)]
    candidates += [("href", i, f"link {flat(s.href)[:80]}", s.href) for i, s in enumerate(layout.links)]
    candidates += [("alt", i, "image alt text", s.alt) for i, s in enumerate(layout.images)]
    candidates += [("src", i, f"image {flat(s.src)[:80]}", s.src) for i, s in enumerate(layout.images)]
    for kind, index, where, parts in candidates:
        if not parts:
            continue
        if any(type(p) is int for p in parts):
            slotted.append((kind, index))
            continue
        value = parts[0] if kind == "alt" or kind == "hidden" else unquote(parts[0])
        attributes.extend((where, token, syntax) for _, _, token, syntax in vocab.find_tags(value))
    return BodyPlan(
        order=slot_order(layout),
        tags=tags,
        objects=objects,
        lines=tuple((a, b, before(a), before(b)) for a, b in sorted(lines)),
        attributes=tuple(attributes),
        slotted=tuple(slotted),
    )


def _line(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line of ``text`` that holds ``pos``."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


@per_message("PZG:body")
def planned_body(message, ctx):
    """(plan, placer) of ``message``'s body, or None without one."""
    doc = message.document
    if doc is None:
        return None
    plan = body_plan(ctx, doc.layout, vocabulary(ctx))
    return plan, Placer(plan.order, doc)
