"""``over-personalization``: copy that shows how closely the recipient is watched.

Personalization works while it feels like good service and fails once it feels like
surveillance. Two things cross that line: saying outright what we observed ("we noticed you've
been searching for ...", "since you viewed ...") and stacking many personal facts in one email
(age, town, last order, searches and a life event together read as a dossier). Both are worse
when any of it is sensitive: a search for fertility tests or debt advice should never be
mirrored back.

Framing phrases are ``rules/surveillance.yaml``; sensitive subjects come from
``rules/sensitive_topics.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preview.checks.check import check
from preview.checks.evidence import describe_entry, entry_of, lookup
from preview.checks.visible import find, leaf_paths, line_around, matcher, shown_values

_FAMILY = "over-personalization"
# What a data point is not: identity (a greeting by name is expected), the recommender's picks
# (they are the product, not facts about the person) and the recipient's own settings.
_NOT_POINTS = frozenset({"id", "email", "first_name", "last_name", "locale", "timezone", "is_seed", "recommendations", "preferences"})
_ORDER = re.compile(r"^orders\[\d+\]")
_POINTS = "over-personalization.points"
# Defaults of the stacking thresholds (options ovp_max_data_points / ovp_max_data_points_sensitive).
# A careful email names one or two things about the person (their last order, their town); a
# loyalty summary may show four account fields. Five distinct personal facts in one email is a
# dossier. With a sensitive fact among them, three are already too many.
MAX_POINTS = 4
MAX_POINTS_SENSITIVE = 2


@dataclass(frozen=True)
class _Sensitive:
    """``where`` filter: sensitive_topics entries that are not in the calm list (hashable)."""

    calm: frozenset

    def __call__(self, entry: dict) -> bool:
        return entry.get("id") not in self.calm and entry.get("topic") not in self.calm


def _is_framing(entry: dict) -> bool:
    return entry.get("kind") == "framing"


def _sensitive(ctx) -> _Sensitive:
    """The filter of the sensitive_topics entries that make framing sensitive."""
    calm = set()
    for entry in ctx.rules.entries("surveillance"):
        if entry.get("kind") == "settings":
            calm.update(entry.get("calm_topics") or ())
    return _Sensitive(frozenset(calm))


def _sensitive_events(ctx) -> frozenset:
    key = "over-personalization:events"
    if key not in ctx.cache:
        ctx.cache[key] = frozenset(t for e in ctx.rules.entries("sensitive_topics") for t in e.get("events") or ())
    return ctx.cache[key]


def _sensitive_entry(ctx, recipient: dict, entry: str) -> str | None:
    """The sensitive topic of a record entry (a life event, a search, an attribute), or None."""
    try:
        value = lookup(recipient, entry)
    except (KeyError, IndexError, TypeError):
        return None
    if entry.startswith("life_events["):
        if value.get("type") in _sensitive_events(ctx) or value.get("status") == "lost":
            return str(value.get("type"))
        return None
    phrases = matcher(ctx, "sensitive_topics", _sensitive(ctx))
    if entry.startswith("orders["):
        text = " ".join(f"{i.get('name', '')} {i.get('category') or ''}" for i in value.get("items") or ())
    elif isinstance(value, dict):
        text = " ".join(str(v) for v in value.values() if isinstance(v, str))
    else:
        text = f"{entry.split('.')[-1].replace('_', ' ')} {value}"
    match = phrases.search(text.replace("/", " ").replace("_", " "))
    return match.rule.get("topic", match.rule["id"]) if match else None


@check(
    code="OVP001",
    name="surveillance-framing",
    family=_FAMILY,
    severity="warn",
    scope="recipient",
    summary="The copy tells the recipient what we watched them do: 'we noticed you've been searching for', 'since you viewed'.",
    why="Recommendations can use browsing quietly; saying it out loud turns service into "
    "surveillance and makes people wonder what else is recorded. Most readers do not remember "
    "a search well enough to welcome being reminded of it.",
    bad="'We noticed you've been looking at winter boots' above three boots.",
    good="'Winter boots, back in stock' above the same three boots.",
    message="{copy!r} tells the recipient they were watched",
)
def surveillance_framing(message, recipient, ctx):
    for hit, start, end, topic, data in _framings(message, recipient, ctx):
        if topic is None:
            yield ctx.finding(surveillance_framing, message, recipient, part=hit.part, start=start, end=end, data=data, copy=hit.text)


@check(
    code="OVP002",
    name="surveillance-framing-sensitive",
    family=_FAMILY,
    severity="block",
    scope="recipient",
    summary="'We noticed you've been searching for ...' about a sensitive subject: pregnancy, health, debt, sexuality, religion.",
    why="Mirroring a search for pregnancy tests, debt help or an illness back to the person (and "
    "to anyone who reads their inbox) discloses special-category data; Target's pregnancy "
    "predictions became a scandal for less. Such behaviour may drive nothing visible at all.",
    bad="'We noticed you've been searching for pregnancy tests. Here are our best sellers.'",
    good="No email built from that search, or a general health newsletter the recipient subscribed to.",
    message="{copy!r} tells the recipient they were watched, about {topic}",
)
def surveillance_framing_sensitive(message, recipient, ctx):
    for hit, start, end, topic, data in _framings(message, recipient, ctx):
        if topic is not None:
            yield ctx.finding(surveillance_framing_sensitive, message, recipient, part=hit.part, start=start, end=end, data=data, copy=hit.text, topic=topic)


def _framings(message, recipient, ctx):
    """``(hit, start, end, sensitive topic or None, data)`` for each line of framing copy."""
    hits = find(ctx, "surveillance", message, where=_is_framing)
    if not hits:
        return
    topics = find(ctx, "sensitive_topics", message, where=_sensitive(ctx))
    seen = set()
    for hit in hits:
        text = message.part_text(hit.part)
        start, end = line_around(text, hit.start, hit.end) if hit.part == "html" else (0, len(text))
        if (hit.part, start) in seen:
            continue
        seen.add((hit.part, start))
        # What was searched is often the next block ("We noticed you've been searching for:").
        scope_end = line_around(text, end + 1, end + 1)[1] if hit.part == "html" and end < len(text) else end
        topic, data = None, []
        for t in topics:
            if t.part == hit.part and start <= t.start and t.end <= scope_end:
                topic = t.rule.get("topic", t.rule["id"])
                data.append(f"copy: {t.text!r} is about {topic}")
                break
        for shown in shown_values(ctx, message):
            if shown.part != hit.part or shown.end <= start or shown.start >= scope_end:
                continue
            for path in leaf_paths(shown.paths):
                entry = entry_of(path)
                line = describe_entry(recipient, entry)
                if line not in data:
                    data.append(line)
                found = _sensitive_entry(ctx, recipient, entry)
                topic = topic or found
        yield hit, start, end, topic, data


def _points(ctx, message, recipient) -> dict[str, tuple]:
    """Distinct personal data points shown: entry -> (shown value, sensitive topic or None).
    Worked out once per message: OVP003 and OVP004 both count them."""
    points = message.memo.get(_POINTS)
    if points is None:
        points = message.memo[_POINTS] = _count_points(ctx, message, recipient)
    return points


def _count_points(ctx, message, recipient) -> dict[str, tuple]:
    points: dict[str, tuple] = {}
    for shown in shown_values(ctx, message):
        for path in leaf_paths(shown.paths):
            entry = entry_of(path)
            if entry.split(".")[0].split("[")[0] in _NOT_POINTS:
                continue
            # An order is one fact however many of its items are listed.
            order = _ORDER.match(entry)
            key = order.group(0) if order else entry
            if key not in points:
                points[key] = (shown, _sensitive_entry(ctx, recipient, key))
    return points


@check(
    code="OVP003",
    name="stacked-personal-data",
    family=_FAMILY,
    severity="warn",
    scope="recipient",
    summary="The email shows five or more distinct facts about the recipient (age, town, orders, searches, events ...).",
    why="Each fact alone is service; together they show the reader how much is known about them. "
    "A greeting by name and recommendations are not counted; the limit is the option "
    "`ovp_max_data_points` (default 4 facts).",
    bad="'Ana, at 41 in Springfield, after your order of 3 May, your search for hiking boots and "
    "your move to a new home, here is ...'",
    good="'Ana, new hiking boots for spring' with the other facts used to choose the content, not printed.",
    message="The email shows {count} personal facts about the recipient: {fields}",
)
def stacked_personal_data(message, recipient, ctx):
    points = _points(ctx, message, recipient)
    limit = int(ctx.option("ovp_max_data_points", MAX_POINTS))
    sensitive_limit = int(ctx.option("ovp_max_data_points_sensitive", MAX_POINTS_SENSITIVE))
    if len(points) <= limit or (len(points) > sensitive_limit and any(t for _, t in points.values())):
        return  # below the limit, or OVP004 reports it
    yield _stack_finding(stacked_personal_data, message, recipient, ctx, points)


@check(
    code="OVP004",
    name="stacked-personal-data-sensitive",
    family=_FAMILY,
    severity="block",
    scope="recipient",
    summary="The email shows three or more facts about the recipient and at least one is sensitive (a pregnancy, an illness, a search for debt help).",
    why="A sensitive fact is bad enough alone (see life-event); surrounded by the recipient's "
    "age, town and purchases it reads as a file kept on them. The limit is the option "
    "`ovp_max_data_points_sensitive` (default 2 facts).",
    bad="'Ana, 34, from Leeds: since your pregnancy test order, here are prenatal vitamins' to a recipient with an inferred pregnancy",
    good="A general newsletter, or the prenatal content without the other facts, for a recipient who consented.",
    message="The email shows {count} personal facts about the recipient, including {topic}: {fields}",
)
def stacked_personal_data_sensitive(message, recipient, ctx):
    points = _points(ctx, message, recipient)
    limit = int(ctx.option("ovp_max_data_points_sensitive", MAX_POINTS_SENSITIVE))
    topics = [t for _, t in points.values() if t]
    if len(points) <= limit or not topics:
        return
    yield _stack_finding(stacked_personal_data_sensitive, message, recipient, ctx, points, topic=topics[0])


def _stack_finding(spec, message, recipient, ctx, points, **args):
    shown = [s for s, _ in points.values()]
    body = [s for s in shown if s.part == "html"]
    part = "html" if body else shown[0].part
    spans = body or [s for s in shown if s.part == part]
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    text = message.part_text(part)
    start, end = line_around(text, start, start)[0], line_around(text, end, end)[1]
    data = [describe_entry(recipient, key) + (f" (sensitive: {t})" if t else "") for key, (_, t) in points.items()]
    return ctx.finding(spec, message, recipient, part=part, start=start, end=end, data=data, count=len(points), fields=", ".join(points), **args)


CHECKS = [surveillance_framing, surveillance_framing_sensitive, stacked_personal_data, stacked_personal_data_sensitive]
