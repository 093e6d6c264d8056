"""``congratulatory-claim``: the copy congratulates the recipient on, or asserts, a life event that
their data does not hold as declared or observed and current.

The claim is judged in the copy, whether the template branched on the event or sent the sentence
to everyone: "Congratulations on your wedding" is a claim about this reader. Claim phrases, the
events that make each true and how long each stays current are in ``rules/life_events.yaml``;
``wording.claims`` drops hedged claims ("planning your wedding?"), claims about someone else
("wish your dad a happy retirement") and mentions ("wedding guest dresses").

Decisions:

* Only ``declared`` and ``observed`` events make a claim true. ``inferred``, ``third_party`` and
  ``test`` events, cancelled or lost ones, and a pregnancy six weeks past its due date with no
  birth (``facts.reversal``) do not: the claim blocks.
* Past-tense claims (``happened: true`` in the rule: "you tied the knot", "now that you're
  married") need an event that has happened: an engagement, or a wedding expected next May, does
  not make them true.
* A true event whose date is past its window (a wedding more than a year ago is not "your big
  day") warns instead. A future date is always current; an undated declared event cannot be
  shown stale.
* Registries: the record has no "own registry" field, and ``orders[].registry_id`` means the
  recipient bought *from someone else's* registry. "Your baby registry" is true only when a
  declared/observed pregnancy, birth or adoption (or a wedding, for a wedding registry) is on
  record, or a declared custom field named in the rule (``baby_registry_id`` ...) is set and no
  reversal of the event is on record (a registry outlives a lost pregnancy in the data). Orders
  from other people's registries are listed in the evidence, because they are usually why the
  recipient was picked (Amazon, 2017).
* Birthdays: a known ``birth_date`` makes "happy birthday" true within a month of the birthday.
* Seed addresses (``is_seed``) have no life to claim anything about and are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.checks import facts, wording
from preview.checks.check import check
from preview.checks.evidence import describe_entry

_COMMON = {"family": "congratulatory-claim", "scope": "recipient"}


@dataclass
class Verdict:
    """How the recipient's data stands behind one claim: ``supported``, ``stale`` or ``unsupported``."""

    status: str
    reason: str = ""
    data: list[str] = field(default_factory=list)


def event_words(types) -> str:
    """``["new_baby", "adoption"]`` -> ``"new baby or adoption"``."""
    names = [t.replace("_", " ") for t in types]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _window(ctx, rule: dict, event_type: str) -> dict:
    # The claim's own window wins (an anniversary claim judges a wedding date yearly).
    source = rule if any(k in rule for k in ("recurring", "current_days", "before_days")) else wording.event_rules(ctx).get(event_type, {})
    return {
        "current_days": source.get("current_days"),
        "before_days": source.get("before_days"),
        "recurring": bool(source.get("recurring")),
    }


def judge(ctx, recipient: dict, rule: dict) -> Verdict:
    """Whether ``recipient``'s data makes the claim of ``rule`` true on the send date."""
    on = ctx.send_date
    types = wording.topic_events(rule)
    candidates = facts.events(recipient, types, own=True)
    if rule.get("birth_date") and facts.to_date(recipient.get("birth_date")):
        candidates.append(facts.Event(index=-1, type="birthday", source="declared", date=facts.to_date(recipient["birth_date"])))
    current, stale, rejected = [], [], []
    reversed_on_record = False
    for ev in candidates:
        if not ev.trusted:
            rejected.append((ev, "only test data" if ev.source == "test" else f"only {ev.source.replace('_', '-')}"))
            continue
        why = facts.reversal(ev, recipient, on)
        if why:
            rejected.append((ev, why))
            reversed_on_record = True
            continue
        if rule.get("happened") and not _has_happened(ev, on):
            rejected.append((ev, f"still to come ({ev.status}" + (f", {ev.date.isoformat()})" if ev.date else ")")))
            continue
        (current if facts.is_current(ev, on, **_window(ctx, rule, ev.type)) else stale).append(ev)
    # A field such as baby_registry_id proves the registry, not the event it was for: after a
    # loss or a called-off wedding on record, "your registry" copy is the reversal misfire again.
    declared_fields = [] if reversed_on_record else [a for a in rule.get("attributes") or () if facts.declared_attribute(recipient, a)]
    if current or declared_fields:
        return Verdict("supported")
    # Plain entry lines (the verdict is in the message), so the lineage ctx.finding adds does not
    # repeat them with different wording.
    data = [_describe(recipient, ev) for ev in stale] + [_describe(recipient, ev) for ev, _ in rejected]
    data += _context_lines(recipient, rule, types)
    if stale:
        ev = stale[0]
        when = f"dated {ev.date.isoformat()}, {(on - ev.date).days} days before the send" if not _window(ctx, rule, ev.type)["recurring"] else f"on {ev.date.strftime('%d %B')}, not near the send date"
        return Verdict("stale", f"the {ev.type.replace('_', ' ')} on record is {when}", data)
    if rejected:
        reason = "; ".join(f"the {ev.type.replace('_', ' ')} on record is {why}" for ev, why in rejected)
    elif rule.get("birth_date"):
        reason = "the birth date is unknown" if not types or types == ["birthday"] else f"no {event_words(types)} or birth date on record"
    else:
        reason = f"no {event_words(types)} on record"
    if not rejected:
        data.insert(0, f"life_events: no declared or observed {event_words(types)} on record")
        if rule.get("birth_date") and not recipient.get("birth_date"):
            data.insert(1, "birth_date: unknown")
    return Verdict("unsupported", reason, data)


def _has_happened(ev: facts.Event, on) -> bool:
    """The event is behind the recipient on ``on``: not expected, and not dated in the future."""
    return ev.status != "expected" and (ev.date is None or ev.date <= on)


def _describe(recipient: dict, ev: facts.Event) -> str:
    if ev.index < 0:
        return describe_entry(recipient, "birth_date")
    return describe_entry(recipient, ev.path)


def _context_lines(recipient: dict, rule: dict, types) -> list[str]:
    # Data that explains why someone got the claim although it is not theirs.
    lines = [f"{describe_entry(recipient, ev.path)}: someone else's event" for ev in facts.events(recipient, types, own=False)]
    if rule.get("registry"):
        for index, order in enumerate(recipient.get("orders") or ()):
            if order.get("registry_id"):
                lines.append(f"{describe_entry(recipient, f'orders[{index}]')}: a purchase from someone else's registry, not the recipient's own")
    return lines


def _judged(ctx, message, recipient):
    """Every claim of the message with the verdict of the recipient's data on it."""
    if recipient.get("is_seed"):
        return []
    out = []
    verdicts: dict = {}
    for hit in wording.first(wording.claims(ctx, message)):
        rule_id = hit.rule.get("id")
        if rule_id not in verdicts:
            verdicts[rule_id] = judge(ctx, recipient, hit.rule)
        out.append((hit, verdicts[rule_id]))
    return out


def _finding(spec, ctx, message, recipient, hit, verdict):
    text = message.part_text(hit.part)
    s, e = wording.sentence(text, hit.start, hit.end)
    while s < e and text[s].isspace():
        s += 1
    return ctx.finding(
        spec, message, recipient, part=hit.part, start=s, end=e, data=verdict.data,
        claim=hit.text, event=event_words(wording.topic_events(hit.rule)), reason=verdict.reason,
    )


@check(
    code="CLM001",
    name="unsupported-life-event-claim",
    severity="block",
    summary="The email congratulates the recipient on a life event (wedding, baby, new home, new job...) "
    "that their data does not hold as declared or observed: it is missing, only guessed, cancelled or lost.",
    why="Pinterest (2014) congratulated people who had only pinned wedding ideas on getting married; "
    "Shutterfly (2014) congratulated people on babies they did not have, some of whom had miscarried; "
    "Amazon (2017) told people 'someone purchased a gift from your baby registry' when they had no "
    "registry. A guess about someone's life stated as a fact is wrong for many and cruel for some.",
    bad="Subject 'Congratulations on your wedding, Ana!' for a recipient whose only wedding data is "
    "life_events[0]: wedding, inferred 0.71 ('23 wedding pins in 30 days')",
    good="The same subject only for recipients with a declared wedding (they told us, e.g. created a "
    "registry), and 'Wedding season is here: ideas for every celebration' for everyone else",
    message='"{claim}" speaks of the recipient\'s own {event}, but {reason}',
    **_COMMON,
)
def unsupported_claim(message, recipient, ctx):
    for hit, verdict in _judged(ctx, message, recipient):
        if verdict.status == "unsupported":
            yield _finding(unsupported_claim, ctx, message, recipient, hit, verdict)


@check(
    code="CLM002",
    name="stale-life-event-claim",
    severity="warn",
    summary="The email celebrates a life event the recipient really had, but long ago: it reads as news that is not news.",
    why="A declared event has a shelf life: a wedding two years ago is not 'your big day', a move three "
    "years ago is not 'your new home'. How long each event stays current is set per event type in "
    "rules/life_events.yaml (wedding a year, new home six months...).",
    bad="'Welcome to your new home!' to a recipient whose life_events[0] is new_home, declared, 2023-09-01",
    good="The same email to a recipient who moved last month, and a general 'Refresh your home' email to the rest",
    message='"{claim}" celebrates a current {event}, but {reason}',
    **_COMMON,
)
def stale_claim(message, recipient, ctx):
    for hit, verdict in _judged(ctx, message, recipient):
        if verdict.status == "stale":
            yield _finding(stale_claim, ctx, message, recipient, hit, verdict)


CHECKS = [unsupported_claim, stale_claim]
