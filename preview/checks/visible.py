"""What a reader sees of one render: phrase hits in the visible parts and the values shown.

Several misfire families ask the same two questions of a message, so they are answered here once
per recipient (and memoised in ``message.memo`` while that recipient's checks run):

* where do the phrases of a rule file occur in the subject, preheader, from name and visible
  body text (:func:`find`; :mod:`preview.checks.scanning` scans the template text of a shared
  layout once and per recipient only the text around the values), and what line of copy holds
  each hit (:func:`line_around`);
* which recipient values are shown, where, and from which fields (:func:`shown_values`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from preview.checks import scanning
from preview.checks.rules import PhraseSet
from preview.checks.scanning import Hit

# The parts a recipient sees before and after opening the email (the plain-text part is derived
# from the same copy, so judging it again would only repeat findings).
VISIBLE_PARTS = ("subject", "preheader", "from_name", "html")
_SHOWN = "visible.shown"
_TAG = re.compile(r"<[^>]*>")


class Shown(NamedTuple):
    """A recipient value as the reader sees it, with the field paths its expression read."""

    part: str
    start: int
    end: int
    text: str
    paths: tuple


def matcher(ctx, name: str, where=None) -> PhraseSet:
    """The compiled phrases of rule file ``name`` (entries kept by ``where``), built once per run."""
    return ctx.rules.phrases(name, where=where)


def find(ctx, name: str, message, parts=VISIBLE_PARTS, where=None) -> list[Hit]:
    """Every hit of rule file ``name`` (entries kept by ``where``) in ``parts`` of ``message``."""
    phrases = matcher(ctx, name, where)
    if not phrases:
        return []
    found: list[Hit] = []
    for part in parts:
        # Per part: a check that reads only the subject does not pay for the body.
        found.extend(scanning.hits(phrases, message, part))
    return found


def leaf_paths(paths) -> list[str]:
    """The paths not merely passed through on the way to another: the fields actually shown.

    ``('attributes', 'attributes.pet_name')`` -> ``['attributes.pet_name']``.
    """
    return list(_leaves(tuple(paths)))


@lru_cache(maxsize=4096)
def _leaves(paths: tuple) -> tuple:
    # The same expressions read the same paths for every recipient: work each tuple out once.
    return tuple(p for p in paths if p and not any(q != p and (q.startswith(p + ".") or q.startswith(p + "[")) for q in paths))


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (one block of the body, or a whole subject) holding ``[start, end)``."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def shown_values(ctx, message) -> list[Shown]:
    """Every recipient value shown in a visible part, with the fields its expression read."""
    shown = message.memo.get(_SHOWN)
    if shown is None:
        shown = message.memo[_SHOWN] = _shown(message)
    return shown


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
