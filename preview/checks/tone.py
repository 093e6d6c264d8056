"""``tone``: wording that turns cruel next to a sensitive subject or aimed at the recipient.

Copywriters reach for death and violence idioms ("to die for", "killer deals") and for survival
jokes ("you survived Monday!"). Beside a tragedy, an illness or a loss they read as mockery:
Adidas congratulated runners in 2017 with "Congrats, you survived the Boston Marathon!", four
years after the bombing. The same idioms sent to a recipient whose data shows a recent
bereavement or diagnosis hurt even when the copy itself is about shoes. Insults and body
shaming aimed at the reader are never fine.

Phrases are ``rules/tone.yaml``; ``rules/sensitive_topics.yaml`` adds the sensitive subjects
that count as context, and the everyday words of those subjects' life events
(``topic_phrases`` in ``rules/life_events.yaml``: "baby shower", "nursery") count as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from preview.checks import facts, wording
from preview.checks.check import check
from preview.checks.evidence import describe_entry
from preview.checks.visible import find, line_around

_COMMON = {"family": "tone", "severity": "warn", "scope": "recipient"}
# Sensitive life events that make death and survival idioms cruel for a while after they happen.
_HURTING_EVENTS = frozenset({"bereavement", "illness", "job_loss", "divorce", "separation"})
RECENT_DAYS = 365  # default of the option tone_recent_days


@dataclass(frozen=True)
class _Kind:
    """``where`` filter for the entries of one kind (hashable, so each matcher is compiled once)."""

    name: str

    def __call__(self, entry: dict) -> bool:
        return entry.get("kind") == self.name


_CRUEL, _CONTEXT, _INSULT = _Kind("cruel"), _Kind("context"), _Kind("insult")


def _hurtful_topic(entry: dict) -> bool:
    # Life events and special-category subjects; not wine, dating or betting ("killer cocktails").
    return bool(entry.get("events") or entry.get("special_category"))


def _context_hits(ctx, message):
    hits = find(ctx, "tone", message, where=_CONTEXT) + find(ctx, "sensitive_topics", message, where=_hurtful_topic)
    # The everyday words of those life events count too: "baby shower" and "nursery" are
    # pregnancy copy as much as "pregnancy" is (life_events.yaml topic_phrases, with except).
    events = _hurtful_events(ctx)
    return hits + [h for h in wording.event_topics(ctx, message) if h.rule.get("event") in events]


def _hurtful_events(ctx) -> frozenset:
    """Life event types that a hurtful sensitive topic is about (pregnancy, new_baby, illness...)."""
    key = "tone:hurtful-events"
    if key not in ctx.cache:
        ctx.cache[key] = frozenset(e for topic in ctx.rules.entries("sensitive_topics") if _hurtful_topic(topic) for e in topic.get("events") or ())
    return ctx.cache[key]


def _near(message, hit, others) -> object | None:
    """A hit of ``others`` in the same subject/preheader, or within a line of ``hit`` in the body."""
    text = message.part_text(hit.part)
    if hit.part == "html":
        line_start = line_around(text, hit.start, hit.end)[0]
        start = line_around(text, line_start - 1, line_start - 1)[0] if line_start else 0
        line_end = line_around(text, hit.start, hit.end)[1]
        end = line_around(text, line_end + 1, line_end + 1)[1] if line_end < len(text) else line_end
    else:
        start, end = 0, len(text)
    for other in others:
        if other.part == hit.part and start <= other.start and other.end <= end and not (other.start < hit.end and hit.start < other.end):
            return other
    return None


def _span(message, hit) -> tuple[int, int]:
    text = message.part_text(hit.part)
    return line_around(text, hit.start, hit.end) if hit.part == "html" else (0, len(text))


@check(
    code="TON001",
    name="cruel-wording-near-tragedy",
    summary="A death, violence or survival idiom sits next to a tragedy, an illness or a loss.",
    why="Adidas (2017) emailed Boston Marathon runners 'Congrats, you survived the Boston "
    "Marathon!', four years after the bombing there. 'To die for' beside a memorial, 'killer' "
    "beside an accident: the idiom that sells shoes reads as mockery next to real harm.",
    bad="'Congrats, you survived the Boston Marathon!'",
    good="'Congrats on finishing the Boston Marathon!'",
    message="{copy!r} next to {context!r}",
    **_COMMON,
)
def cruel_wording_near_tragedy(message, recipient, ctx):
    cruel = find(ctx, "tone", message, where=_CRUEL)
    if not cruel:
        return
    context = _context_hits(ctx, message)
    seen = set()
    for hit in cruel:
        other = _near(message, hit, context)
        if other is None:
            continue
        start, end = _span(message, hit)
        if (hit.part, start) in seen:
            continue
        seen.add((hit.part, start))
        yield ctx.finding(
            cruel_wording_near_tragedy, message, recipient, part=hit.part, start=start, end=end,
            data=[f"copy: {other.text!r} nearby ({other.rule.get('topic', other.rule['id'])})"],
            copy=hit.text, context=other.text,
        )


@check(
    code="TON002",
    name="insult-or-shaming",
    summary="The copy insults or body-shames the reader ('don't be a loser', 'lose the baby weight', 'still single?').",
    why="Cheeky copy that mocks the reader's body, age or relationships lands on people for whom "
    "it is not a joke: new mothers, people who are single after a loss, people who are ill. "
    "Brands have apologised for each of these lines.",
    bad="'Lose the baby weight before summer!'",
    good="'Feel strong this summer: new activewear'",
    message="{copy!r} is aimed at the reader",
    **_COMMON,
)
def insult_or_shaming(message, recipient, ctx):
    seen = set()
    for hit in find(ctx, "tone", message, where=_INSULT):
        start, end = _span(message, hit)
        if (hit.part, start) in seen:
            continue
        seen.add((hit.part, start))
        yield ctx.finding(insult_or_shaming, message, recipient, part=hit.part, start=start, end=end, copy=hit.text)


@check(
    code="TON003",
    name="cruel-wording-to-grieving-recipient",
    summary="A death, violence or survival idiom goes to a recipient whose data shows a recent bereavement, illness, job loss or separation.",
    why="'Deals to die for' is a harmless idiom for most readers and a blow for someone who lost "
    "their mother last month. The recipient's own data says so; the window is the option "
    "`tone_recent_days` (default 365).",
    bad="'Deals to die for this weekend' to a recipient with a bereavement on 2026-10-02",
    good="'This weekend's best deals' to the same recipient.",
    message="{copy!r} goes to a recipient with a recent {event}",
    **_COMMON,
)
def cruel_wording_to_grieving_recipient(message, recipient, ctx):
    events = _recent_hurt(recipient, ctx.send_date, int(ctx.option("tone_recent_days", RECENT_DAYS)))
    if not events:
        return
    hit = next(iter(find(ctx, "tone", message, where=_CRUEL)), None)
    if hit is None:
        return
    start, end = _span(message, hit)
    yield ctx.finding(
        cruel_wording_to_grieving_recipient, message, recipient, part=hit.part, start=start, end=end,
        data=[describe_entry(recipient, event.path) for event in events],
        copy=hit.text, event=events[0].type.replace("_", " "),
    )


def _recent_hurt(recipient: dict, on: dt.date, days: int) -> list[facts.Event]:
    """Painful events of the last ``days`` days (undated ones count): the recipient's own, or a
    death of someone close (a bereavement's ``subject`` is the person who died)."""
    out = []
    for event in facts.events(recipient):
        if event.source == "test" or not (event.type in _HURTING_EVENTS or event.status == "lost"):
            continue
        if event.date is None or 0 <= (on - event.date).days <= days:
            out.append(event)
    return out


CHECKS = [cruel_wording_near_tragedy, insult_or_shaming, cruel_wording_to_grieving_recipient]
