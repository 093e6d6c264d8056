"""What the copy says: claims about the recipient's life, sensitive topics and occasions, found on
every surface the recipient sees (subject, preheader, from name, visible HTML text, plain text).

The phrase lists are rule files (``life_events``, ``sensitive_topics``, ``occasions``); this module
only finds them, drops matches that an entry's ``except`` phrases cover ("wine red" is not
wine), decides whether a claim is really about the recipient (not hedged, not about someone
else), and tells whether a stretch of copy was driven by the recipient's data (lineage).

Results are memoised per message (``message.memo``) so the several checks of three families scan
each text once; :mod:`preview.checks.scanning` finds the phrases.
"""

from __future__ import annotations

import re

from preview.checks import facts, scanning
from preview.checks.evidence import entry_of, lineage_paths
from preview.checks.scanning import Hit

# Fields that identify the recipient but say nothing about their life: a branch on them does
# not make copy "driven by the recipient's data" in the sense the misfire families mean.
IDENTITY_ENTRIES = frozenset({"id", "email", "first_name", "last_name", "locale", "timezone", "is_seed"})
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)")
_FIRST_WORD = re.compile(r"[\w']+")
_MEMO = "wording.memo"
# Where a recipient reads copy. "text" is searched only when the campaign has its own plain-text
# part; a derived one repeats the HTML's visible text.
SURFACES = ("subject", "preheader", "from_name", "html", "text")


def _memo(ctx, message) -> dict:
    # The checks of one recipient share these results; they go with the message.
    memo = message.memo.get(_MEMO)
    if memo is None:
        memo = message.memo[_MEMO] = {}
    return memo


class kind:  # noqa: N801 - reads as a filter: where=kind("claim")
    """A ``where`` filter selecting the entries of a rule file with ``kind: name``.

    Equal filters hash alike, so one matcher is compiled per kind however often it is asked.
    """

    def __init__(self, name: str):
        self.name = name

    def __call__(self, entry: dict) -> bool:
        return entry.get("kind", "claim") == self.name

    def __eq__(self, other) -> bool:
        return isinstance(other, kind) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("kind", self.name))


def scan(ctx, message, file: str, *, key: str = "phrases", where=None) -> list[Hit]:
    """Every match of rule file ``file`` on every surface, minus matches covered by the same
    entry's ``except`` phrases."""
    memo = _memo(ctx, message)
    memo_key = ("scan", file, key, where)
    if memo_key in memo:
        return memo[memo_key]
    matcher = ctx.rules.phrases(file, key, where)
    hits = _find(ctx, matcher, message)
    if hits:
        exceptions = _find(ctx, ctx.rules.phrases(file, "except", where), message)
        if exceptions:
            hits = [
                h for h in hits
                if not any(x.part == h.part and x.start < h.end and h.start < x.end and x.rule.get("id") == h.rule.get("id") for x in exceptions)
            ]
    memo[memo_key] = hits
    return hits


def _find(ctx, matcher, message) -> list[Hit]:
    if not matcher:
        return []
    hits: list[Hit] = []
    for part in SURFACES:
        if part != "text" or message.text_part is not None:
            hits.extend(scanning.hits(matcher, message, part))
    return hits


def part_text(message, part: str) -> str:
    """The text a hit's offsets index."""
    return message.part_text(part)


def sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``[start, end)``: within one line, between ``.!?``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    s, e = line_start, line_end
    for m in _SENTENCE_END.finditer(text, line_start, line_end):
        if m.end() <= start:
            s = m.end()
        elif m.start() >= end:
            e = m.end()
            break
    return s, e


def _in_sentence(hits: list[Hit], part: str, s: int, e: int, skip: Hit | None = None) -> list[Hit]:
    return [h for h in hits if h.part == part and s <= h.start and h.end <= e and not (skip and h.start < skip.end and skip.start < h.end)]


def claims(ctx, message) -> list[Hit]:
    """Claims about the recipient's own life event (``kind: claim`` of ``life_events``).

    A claim is dropped when a ``mention`` phrase overlaps it ("your wedding guest look"), when
    its sentence names someone else ("wish your dad a happy retirement"), when a hedge comes
    before it in its sentence ("if you're expecting", "planning your wedding"), or when its
    sentence is a question opened by a question word ("Is your big day coming up?").
    """
    memo = _memo(ctx, message)
    if "claims" in memo:
        return memo["claims"]
    found = scan(ctx, message, "life_events", where=kind("claim"))
    kept: list[Hit] = []
    if found:
        mentions = scan(ctx, message, "life_events", where=kind("mention"))
        others = scan(ctx, message, "life_events", where=kind("other_person"))
        hedges = scan(ctx, message, "life_events", where=kind("hedge"))
        openers = {str(p).lower() for e in ctx.rules.entries("life_events") if e.get("kind") == "question" for p in e.get("phrases") or ()}
        for hit in found:
            if any(m.part == hit.part and m.start < hit.end and hit.start < m.end for m in mentions):
                continue
            text = part_text(message, hit.part)
            s, e = sentence(text, hit.start, hit.end)
            if _in_sentence(others, hit.part, s, e, skip=hit):
                continue
            if any(h.end <= hit.start for h in _in_sentence(hedges, hit.part, s, e, skip=hit)):
                continue
            if _is_question(text[s:e], openers):
                continue
            kept.append(hit)
    memo["claims"] = kept
    return kept


def _is_question(sentence_text: str, openers: set[str]) -> bool:
    stripped = sentence_text.strip()
    if not stripped.endswith("?"):
        return False
    first = _FIRST_WORD.search(stripped.replace("\u2019", "'"))
    return bool(first) and first.group(0).lower() in openers


def addressed(ctx, message, hit: Hit) -> bool:
    """Whether the sentence of ``hit`` speaks to the recipient about it: it holds a claim about
    the recipient's life or an address phrase ("picked for you", "for your")."""
    text = part_text(message, hit.part)
    s, e = sentence(text, hit.start, hit.end)
    if _in_sentence(claims(ctx, message), hit.part, s, e):
        return True
    return bool(_in_sentence(scan(ctx, message, "life_events", where=kind("address")), hit.part, s, e))


def data_entries(message, hit: Hit) -> list[str]:
    """The record entries behind ``hit`` (its own values and the branches around it), leaving
    out identity fields: ``['life_events[0]', 'recommendations[2]']``."""
    paths = lineage_paths(message, hit.part, hit.start, hit.end, hit.text)
    entries = dict.fromkeys(entry_of(p) for p in paths if p)
    return [e for e in entries if e.split(".")[0].split("[")[0] not in IDENTITY_ENTRIES]


def read_entries(ctx, message) -> set[str]:
    """Every record entry the render read anywhere (values and branch conditions)."""
    memo = _memo(ctx, message)
    if "reads" not in memo:
        paths: set[str] = set()
        scopes: set[tuple] = set()
        for out in message.parts.values():
            for chunk in out.chunks:
                paths.update(chunk.reads)
                scopes.add(chunk.scope)  # chunks of one branch share a scope: unpack each once
        for scope in scopes:
            for frame in scope:
                paths.update(frame)
        memo["reads"] = {entry_of(p) for p in paths if p}
    return memo["reads"]


def inferred_entries(recipient: dict, entries) -> list[str]:
    """Those of ``entries`` that are guesses: inferred or bought life events and custom fields,
    behaviour (``activity``), and recommendations chosen from behaviour."""
    out = []
    for entry in entries:
        if entry.startswith("life_events["):
            index = int(entry[len("life_events[") : entry.index("]")])
            evs = [ev for ev in facts.events(recipient) if ev.index == index]
            if evs and evs[0].inferred:
                out.append(entry)
        elif entry.startswith("attributes."):
            if facts.inferred_attribute(recipient, entry.split(".", 1)[1]):
                out.append(entry)
        elif entry.startswith("activity") or entry.startswith("recommendations[") and facts.is_behavioural(recipient, int(entry[len("recommendations[") : entry.index("]")])):
            out.append(entry)
    return out


def topics(ctx, message) -> list[Hit]:
    """Mentions of the sensitive topics of ``sensitive_topics.yaml``."""
    return scan(ctx, message, "sensitive_topics")


def topic_events(rule: dict) -> list[str]:
    """The life event types a topic or claim entry is about."""
    events = rule.get("events")
    if events is None and rule.get("event"):
        events = [rule["event"]]
    return list(events or ())


def event_rules(ctx) -> dict[str, dict]:
    """``kind: event`` entries of ``life_events`` by event type (windows, topic words)."""
    key = "wording.event_rules"
    if key not in ctx.cache:
        ctx.cache[key] = {e["event"]: e for e in ctx.rules.entries("life_events") if e.get("kind") == "event" and e.get("event")}
    return ctx.cache[key]


def event_topics(ctx, message) -> list[Hit]:
    """Everyday words about a life event (``topic_phrases`` of the ``kind: event`` entries):
    "wedding", "bridal", "nursery"... copy that hurts after the event was reversed."""
    return scan(ctx, message, "life_events", key="topic_phrases", where=kind("event"))


def first(hits: list[Hit]) -> list[Hit]:
    """The first hit per (part, rule), in reading order: one finding per thing said per part."""
    seen = set()
    out = []
    for hit in sorted(hits, key=lambda h: (PART_ORDER.get(h.part, 9), h.start)):
        key = (hit.part, hit.rule.get("id"))
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


PART_ORDER = {"subject": 0, "preheader": 1, "from_name": 2, "html": 3, "text": 4}
