"""The elements of a rendered message the classic QA families judge (links, images), split
into what the template's markup gives everyone and what holds recipient values.

The checks of ``links``, ``images``, ``compliance``, ``deliverability`` and ``accessibility``
read the same static markup for every recipient of a campaign: :func:`element_findings` judges a
layout's static links or images once (template-level findings) and per recipient only the
elements that hold recipient values, and :func:`filled` builds those per-recipient elements once
per message however many checks read them.
"""

from __future__ import annotations

import re
import weakref

from preview.checks.sharing import per_layout, per_run, unique
from preview.rendering.document import Image, ImageSlots, Link, LinkSlots, fill, is_slotted


def fill_link(slots: LinkSlots, values: list[str]) -> Link:
    """One recipient's :class:`Link` from the slotted link of the layout."""
    return Link(
        href=None if slots.href is None else fill(slots.href, values),
        text=fill(slots.text, values), has_image=slots.has_image, dynamic=True, line=slots.line,
    )


def fill_image(slots: ImageSlots, values: list[str]) -> Image:
    """One recipient's :class:`Image` from the slotted image of the layout."""
    return Image(
        src=None if slots.src is None else fill(slots.src, values),
        alt=None if slots.alt is None else fill(slots.alt, values),
        width=slots.width, height=slots.height, in_link=slots.in_link, dynamic=True, line=slots.line,
    )


def _slotted(slots) -> bool:
    if isinstance(slots, LinkSlots):
        return is_slotted(slots.href) or is_slotted(slots.text)
    return is_slotted(slots.src) or is_slotted(slots.alt)


def split_elements(message, kind: str, force_dynamic=None) -> tuple[list, list]:
    """``(static elements, slotted elements)`` of the message's layout, for ``kind`` ``links`` or
    ``images``: static ones are the same for everyone; slotted ones hold recipient values (or
    ``force_dynamic`` says they may)."""
    static, dynamic = [], []
    built = getattr(message.document, kind)
    for index, slots in enumerate(getattr(message.document.layout, kind)):
        if _slotted(slots) or (force_dynamic and force_dynamic(built[index])):
            dynamic.append(slots)
        else:
            static.append(built[index])
    return static, dynamic


def element_findings(ctx, message, recipient, spec_check, judge, kind: str = "links", force_dynamic=None) -> list:
    """The findings of ``judge(elements, static)`` over the message's links (or images).

    Static elements are judged once per layout and their findings (template-level) reused for
    every recipient; only elements holding recipient values are judged per recipient. This is
    what keeps the per-recipient cost of these checks tiny.
    """
    document = message.document
    if document is None:
        return []
    if message.inlined_dynamic:  # values sit in markup that looks static: trust nothing
        return list(judge(getattr(document, kind), False))

    def plan():
        static, dynamic = split_elements(message, kind, force_dynamic)
        return unique(judge(static, True)), dynamic

    static_findings, dynamic = per_layout(ctx, message, (kind, spec_check.spec.code), plan)
    if not dynamic:
        return static_findings
    return [*static_findings, *judge(filled(document, kind, dynamic), False)]


# Per document, the slotted links and images filled with its values: a dozen checks read them.
_FILLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def filled(document, kind: str, slotted: list) -> list:
    """The recipient's own :class:`Link` (or :class:`Image`) objects for ``slotted``, made once
    per document however many checks ask."""
    memo = _FILLED.get(document)
    if memo is None:
        memo = _FILLED[document] = {}
    out = []
    for slots in slotted:  # slots belong to the document's layout, so id() is stable here
        element = memo.get(id(slots))
        if element is None:
            values = document.text_values
            element = memo[id(slots)] = fill_link(slots, values) if kind == "links" else fill_image(slots, values)
        out.append(element)
    return out


def source_line(ctx, needle: str | None) -> int | None:
    """The campaign file line where ``needle`` first appears (None when it does not)."""
    campaign = ctx.campaign
    if not needle or campaign is None or not getattr(campaign, "source", ""):
        return None
    lines = ctx.cache.setdefault("elements.source_lines", {})
    if needle not in lines:
        index = campaign.source.find(needle)
        lines[needle] = None if index < 0 else campaign.source.count("\n", 0, index) + 1
    return lines[needle]


def attribute_line(ctx, name: str, value: str | None) -> int | None:
    """The campaign file line of ``name="value"`` (an href or src as the template wrote it)."""
    if not value:
        return None
    return source_line(ctx, f'{name}="{value}"') or source_line(ctx, f"{name}='{value}'")


def empty_from_data(ctx, attribute: str) -> bool:
    """Whether an empty ``attribute`` (href, src) can only have come from recipient data.

    A value that renders as nothing leaves no slot in the shared layout, so the empty attribute
    looks static. Unless the template itself writes ``attribute=""``, it came from a variable
    (missing, null or an empty string), and the finding stays with the recipient instead of
    being reported once for the template.
    """
    literal = rf"""\b{attribute}\s*=\s*(?:""|'')"""
    return per_run(ctx, ("elements.literal_empty", attribute),
                   lambda: not re.search(literal, getattr(ctx.campaign, "body", "") or "", re.IGNORECASE))
