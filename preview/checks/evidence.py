"""Turn the field paths a render read into sentences a reviewer can act on.

``life_events[0].type`` and ``life_events[0].source`` become one line,
``life_events[0]: wedding, inferred 0.71 ("23 wedding pins in 30 days")``, so a finding can
answer "why did this person get this sentence?" on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from preview.rendering.message import RenderedMessage
from preview.rendering.projection import compact, find_literal

_INDEX = re.compile(r"\[(\d+)\]")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MARKUP = re.compile(r"<[a-zA-Z/!]")
_ENTRY = re.compile(
    r"^(orders\[\d+\]\.items\[\d+\]|life_events\[\d+\]|orders\[\d+\]|recommendations\[\d+\]"
    r"|activity\[\d+\]|attributes\.[^.\[]+|preferences\.[^.\[]+|attribute_sources\.[^.\[]+|[a-z_]+)"
)


def entry_of(path: str) -> str:
    """The record entry a path belongs to: ``orders[1].items[0].name`` -> ``orders[1].items[0]``."""
    match = _ENTRY.match(path)
    return match.group(1) if match else path


def lookup(record: dict, path: str):
    """The value at ``path`` in ``record``; raises KeyError/IndexError when absent."""
    value = record
    for step in _steps(path):
        value = value[step]
    return value


@lru_cache(maxsize=4096)
def _steps(path: str) -> tuple:
    # A record has few distinct paths and checks look them up for every recipient.
    return tuple(int(index) if index else name for name, index in _STEP.findall(path))


def describe_paths(record: dict, paths) -> list[str]:
    """One line per record entry behind ``paths``, most specific first, duplicates merged."""
    entries = list(dict.fromkeys(entry_of(p) for p in paths if p))
    # A container adds nothing when something inside it is named: the whole list of events
    # beside one event, an order beside one of its items, ``attributes`` beside one attribute.
    entries = [
        e for e in entries
        if not any(o != e and (o.startswith(e + "[") or o.startswith(e + ".")) for o in entries)
    ]
    entries = [e for e in entries if not e.startswith("attribute_sources.")]
    return [describe_entry(record, e) for e in entries]


def describe_entry(record: dict, entry: str) -> str:
    """A line for one entry, e.g. ``attributes.pet_name: 'Rex', declared``."""
    try:
        value = lookup(record, entry)
    except (KeyError, IndexError, TypeError):
        return f"{entry}: missing"
    if entry.startswith("life_events["):
        return f"{entry}: {describe_event(value)}"
    if entry.startswith("orders[") and ".items[" in entry:
        order = lookup(record, entry.split(".items[")[0])
        return f"{entry}: {describe_item(value, order)}"
    if entry.startswith("orders["):
        return f"{entry}: {describe_order(value)}"
    if entry.startswith("recommendations["):
        return f"{entry}: {describe_recommendation(value)}"
    if entry.startswith("activity["):
        return f"{entry}: {describe_activity(value)}"
    if entry.startswith("attributes."):
        name = entry.split(".", 1)[1]
        source = (record.get("attribute_sources") or {}).get(name, "declared")
        return f"{entry}: {_short(value)}, {source}"
    if isinstance(value, list):
        return f"{entry}: {len(value)} entries" if value and isinstance(value[0], dict) else f"{entry}: {_short(value)}"
    return f"{entry}: {_short(value)}"


def describe_event(ev: dict) -> str:
    """``wedding, inferred 0.71, 2026-06-01 ("23 wedding pins in 30 days")``."""
    bits = [ev.get("type", "?") + (f" of {ev['subject']}" if ev.get("subject") else "")]
    source = ev.get("source", "?")
    if ev.get("confidence") is not None:
        source += f" {ev['confidence']:.2f}"
    bits.append(source)
    if ev.get("status", "happened") != "happened":
        bits.append(ev["status"])
    if ev.get("date"):
        bits.append(ev["date"])
    text = ", ".join(bits)
    if ev.get("evidence"):
        text += f' ("{ev["evidence"]}")'
    return text


def describe_item(item: dict, order: dict) -> str:
    bits = [f"{item.get('name', '?')} (sku {item.get('sku', '?')}" + (f", {item['category']})" if item.get("category") else ")")]
    bits.append(f"order {order.get('id', '?')} on {order.get('date', '?')}")
    if item.get("gift"):
        bits.append("marked as a gift")
    if item.get("gift_wrap"):
        bits.append("gift-wrapped")
    if order.get("ship_to_other"):
        bits.append("shipped to another address")
    if order.get("registry_id"):
        bits.append(f"bought from registry {order['registry_id']}")
    if item.get("returned"):
        ret = "returned" + (f" {item['return_date']}" if item.get("return_date") else "")
        if item.get("return_reason"):
            ret += f' ("{item["return_reason"]}")'
        bits.append(ret)
    return ", ".join(bits)


def describe_order(order: dict) -> str:
    bits = [f"order {order.get('id', '?')} on {order.get('date', '?')}, {len(order.get('items') or [])} items"]
    if order.get("ship_to_other"):
        bits.append("shipped to another address")
    if order.get("registry_id"):
        bits.append(f"bought from registry {order['registry_id']}")
    return ", ".join(bits)


def describe_recommendation(rec: dict) -> str:
    text = f"{rec.get('name', '?')} (sku {rec.get('sku', '?')})"
    reason = rec.get("reason") or {}
    if reason:
        text += f", reason: {reason.get('type', '?')}"
        if reason.get("source_sku"):
            text += f" of {reason['source_sku']}"
        if reason.get("source_order"):
            text += f" in order {reason['source_order']}"
    return text


def describe_activity(act: dict) -> str:
    what = act.get("query") or act.get("category") or act.get("sku") or "?"
    count = act.get("count", 1)
    kind = act.get("type", "?")
    if count != 1:
        kind += "es" if kind.endswith(("s", "sh", "ch", "x", "z")) else "s"  # searches, views
    return f"{count} {kind} of {what!r} on {act.get('date', '?')}"


def _short(value) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = str(value).lower()
    else:
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def lineage_paths(message: RenderedMessage, part: str, start: int, end: int, text: str | None = None) -> list[str]:
    """The field paths behind ``[start, end)`` of ``part`` of ``message``: data lineage.

    For the HTML (and a plain text derived from it) that is the paths of the recipient values
    inside the span plus those of every output chunk the sentence comes from (the conditions
    and loops around it, the values printed in it), found by its visible text. For the other
    parts, the chunks under the span; subject, preheader and from name had their whitespace
    collapsed, so the span is mapped back to the raw output first.
    """
    paths: list[str] = []
    if part in ("html", "text") and not (part == "text" and message.text_part is not None):
        body = message.parts.get("body")
        if body is None or message.document is None:
            return paths
        for slot in message.document.slots_in(start, end):
            if slot < len(message.body_slot_chunks):
                paths.extend(body.chunks[message.body_slot_chunks[slot]].paths())
        snippet = text if text is not None else message.body_text[start:end]
        # Evidence given as markup (an <img> tag) is not visible text: do not look for it.
        span = None if _MARKUP.search(snippet) else find_literal(body.text, snippet) or body.visible.find(snippet)
        if span is not None:
            for chunk in body.chunks_in(*span):
                paths.extend(chunk.paths())
        return list(dict.fromkeys(paths))
    out = message.parts.get(part)
    if out is None:
        return paths
    if part != "text":
        shown = message.part_text(part)
        if shown != out.text:
            # "Hi  Ana " was shown as "Hi Ana": count visible characters to find the raw span.
            span = out.plain.span(len(compact(shown[:start])), len(compact(shown[:end])))
            if span is None:
                return paths
            start, end = span
    for chunk in out.chunks_in(start, end):
        paths.extend(chunk.paths())
    return list(dict.fromkeys(paths))
