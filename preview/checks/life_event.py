"""``life-event``: copy about a sensitive life event or special-category topic (pregnancy, health,
bereavement, divorce, job loss, debt, sexuality, religion...) reaches a recipient it must not.

The topics are ``rules/sensitive_topics.yaml``; the everyday words of each life event ("baby",
"nursery", "wedding") are the ``topic_phrases`` of ``rules/life_events.yaml``. Copy is
*personal* when the recipient's data put it there (lineage: a value or a branch read their
record) or when it speaks to them about the topic ("prenatal vitamins picked for you",
"congratulations on your pregnancy"); everything else is topical copy sent alike to everyone.

Decisions:

* Inferred data (LIF001) blocks only personal copy: a baby catalogue sent to the whole list does
  not use anyone's pregnancy score, the same catalogue chosen by it does (Target, 2012). The
  guess is an inferred or bought event of the topic, a guessed field the copy shows or branched
  on, or behaviour (searches, views, recommendations chosen from them) whose words name the
  topic: "support for your IVF journey" to someone who only searched "ivf clinics" was picked by
  that search even though the template never reads it. Consent
  (``sensitive_personalization_consent``) lifts this rule only.
* A reversed event (LIF002: lost, cancelled, a due date six weeks past with no birth) blocks all
  copy on the topic, personal or not: the retailer holds the loss, and a stillbirth followed by
  "nursery essentials" hurts whoever chose the audience. A newer declared event of the same kind
  (a new pregnancy after a loss) lifts it.
* A deceased recipient (LIF003) blocks every email, not only life-event copy: the inbox is read
  by someone grieving, and "Ana, your winter picks" addressed to the dead is the misfire.
* A bereavement in the last year (LIF004; the window is ``event-bereavement`` in
  life_events.yaml) blocks family celebration copy (weddings, babies, graduations, retirements,
  family gatherings) and copy about bereavement itself (memorials, sympathy). The reader's own
  news (birthday, new job, a finished marathon, a product they bought named back to them) is
  not held back, and a pet's death does not count. Occasions (Mother's Day...) are left to the
  sensitive-occasion family, which blocks an occasion for the death of the person it is about:
  Mother's Day after a father's death is not this misfire.
* Age-restricted topics (LIF005: pregnancy, fertility, dating, alcohol, gambling) block for
  minors and for unknown ages, personal or not: unknown age is not adult.
* On a shared inbox (LIF006) personal copy about a sensitive topic blocks even with consent and
  a declared event: the household reads it too.
"""

from __future__ import annotations

from preview.checks import facts, visible, wording
from preview.checks.check import check
from preview.checks.evidence import describe_entry

_COMMON = {"family": "life-event", "severity": "block", "scope": "recipient"}
_TOPIC_BY_EVENT = "life_event.topic_by_event"


def _topic_by_event(ctx) -> dict[str, dict]:
    # Event type -> the sensitive topic about it (pregnancy and new_baby -> pregnancy).
    if _TOPIC_BY_EVENT not in ctx.cache:
        mapping: dict[str, dict] = {}
        for rule in ctx.rules.entries("sensitive_topics"):
            for event in rule.get("events") or ():
                mapping.setdefault(event, rule)
        ctx.cache[_TOPIC_BY_EVENT] = mapping
    return ctx.cache[_TOPIC_BY_EVENT]


def sensitive_hits(ctx, message) -> list[tuple]:
    """``(hit, topic rule)`` for every mention of a sensitive topic: its own phrases, claims about
    the life events it is about, and those events' everyday words ("baby" for pregnancy)."""
    out = [(hit, hit.rule) for hit in wording.topics(ctx, message)]
    by_event = _topic_by_event(ctx)
    # Claims come first among the rest: "congratulations on your new arrival" is pregnancy copy
    # even though no single word of it is.
    for hit in [*wording.claims(ctx, message), *wording.event_topics(ctx, message)]:
        topic = next((by_event[t] for t in wording.topic_events(hit.rule) if t in by_event), None)
        if topic is not None and not any(h.part == hit.part and h.start < hit.end and hit.start < h.end for h, _ in out):
            out.append((hit, topic))
    return out


def _first_per_topic(pairs) -> list[tuple]:
    seen = set()
    out = []
    for hit, topic in sorted(pairs, key=lambda p: (wording.PART_ORDER.get(p[0].part, 9), p[0].start)):
        key = (hit.part, topic.get("id"))
        if key not in seen:
            seen.add(key)
            out.append((hit, topic))
    return out


def _sentence_finding(spec, ctx, message, recipient, hit, data, **args):
    text = message.part_text(hit.part)
    s, e = wording.sentence(text, hit.start, hit.end)
    while s < e and text[s].isspace():
        s += 1
    return ctx.finding(spec, message, recipient, part=hit.part, start=s, end=e, data=data, phrase=hit.text, **args)


def _related(ctx, types) -> set[str]:
    # A lost pregnancy also makes "your new baby" hurt: event entries list their related types.
    rules = wording.event_rules(ctx)
    out = set(types)
    for t in types:
        out.update(rules.get(t, {}).get("related") or ())
    return out


@check(
    code="LIF001",
    name="inferred-sensitive-event",
    summary="Copy about pregnancy, health, bereavement, divorce, job loss, debt, sexuality or religion is "
    "driven by a guess about the recipient (an inferred or bought life event, browsing), and they have not "
    "consented to personalization from sensitive data.",
    why="Target (2012) mailed baby coupons chosen by a pregnancy-prediction score, and a father learned "
    "of his daughter's pregnancy from them. Under GDPR Article 9, inferences about health, pregnancy, "
    "sexuality or religion are special-category data whether or not they are right (EDPB guidance, "
    "CJEU C-184/20): using them needs explicit consent.",
    bad="{% if recipient.life_events | selectattr('type', 'eq', 'pregnancy') | list %}Prenatal vitamins "
    "picked for you{% endif %} for life_events[0]: pregnancy, inferred 0.87 ('pregnancy-prediction score')",
    good="The same block only for recipients who declared the pregnancy (a baby registry, a profile) or "
    "gave sensitive_personalization_consent; a general baby catalogue sent to the whole list",
    message='"{phrase}" is {topic} copy driven by data that is only a guess ({source}), without consent to sensitive personalization',
    **_COMMON,
)
def inferred_sensitive_event(message, recipient, ctx):
    if facts.has_sensitive_consent(recipient) or not facts.has_inferred_data(recipient):
        return
    by_event = _topic_by_event(ctx)
    behaviour = _behaviour_on_topics(ctx, recipient)
    guessed_anywhere = behaviour or any(ev.inferred and ev.type in by_event for ev in facts.events(recipient, own=True))
    if not guessed_anywhere and not wording.inferred_entries(recipient, wording.read_entries(ctx, message)):
        return  # nothing guessed about a sensitive event, and the render read no guessed field
    on = ctx.send_date
    for hit, topic in _first_per_topic(sensitive_hits(ctx, message)):
        if topic.get("personal") is False:
            continue
        entries = wording.data_entries(message, hit)
        if not entries and not wording.addressed(ctx, message, hit):
            continue
        types = wording.topic_events(topic)
        own = facts.events(recipient, types, own=True)
        if any(ev.trusted and not facts.reversal(ev, recipient, on) for ev in own):
            continue  # they told us: personal copy on it is theirs to have
        guessed_events = [ev for ev in own if ev.inferred]
        # Copy that speaks to the recipient about a topic they only browsed or searched for is
        # built on that behaviour, whether or not the template reads it (the audience was).
        searched = behaviour.get(topic.get("id"), [])
        guessed = _beyond(list(dict.fromkeys([*wording.inferred_entries(recipient, entries), *searched])), guessed_events)
        if not guessed_events and not guessed:
            continue
        data = [describe_entry(recipient, ev.path) for ev in guessed_events] + [describe_entry(recipient, e) for e in guessed]
        data.append("preferences.sensitive_personalization_consent: not given")
        source = ", ".join(dict.fromkeys([ev.source.replace("_", "-") + " " + ev.type.replace("_", " ") for ev in guessed_events] + [_kind_of(e) for e in guessed]))
        yield _sentence_finding(inferred_sensitive_event, ctx, message, recipient, hit, data, topic=topic.get("topic", topic.get("id")), source=source)


def _behaviour_on_topics(ctx, recipient: dict) -> dict[str, list[str]]:
    """Sensitive topic id -> the behaviour entries about it: searches, pins and views
    (``activity``) and recommendations chosen from them, whose words name the topic."""
    out: dict[str, list[str]] = {}
    topics = ctx.rules.phrases("sensitive_topics")
    everyday = ctx.rules.phrases("life_events", "topic_phrases", wording.kind("event"))
    by_event = _topic_by_event(ctx)
    items = [(f"activity[{i}]", a) for i, a in enumerate(recipient.get("activity") or ())]
    items += [(f"recommendations[{i}]", r) for i, r in enumerate(recipient.get("recommendations") or ()) if facts.is_behavioural(recipient, i)]
    for path, item in items:
        words = " / ".join(str(item.get(k)) for k in ("query", "name", "category") if item.get(k))
        if not words:
            continue
        for m in topics.finditer(words):
            out.setdefault(m.rule.get("id"), []).append(path)
        for m in everyday.finditer(words):
            topic = by_event.get(m.rule.get("event"))
            if topic is not None:
                out.setdefault(topic.get("id"), []).append(path)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _beyond(entries: list[str], listed) -> list[str]:
    # Entries not already described through ``listed`` events; a whole list ("recommendations")
    # adds nothing beside one of its elements.
    paths = {ev.path for ev in listed}
    named = paths | set(entries)
    return [e for e in entries if e not in paths and not any(n.startswith(e + "[") for n in named)]


def _kind_of(entry: str) -> str:
    if entry.startswith("attributes."):
        return f"inferred field {entry}"
    if entry.startswith("recommendations["):
        return "a recommendation chosen from browsing"
    if entry.startswith("activity"):
        return "browsing activity"
    return entry


@check(
    code="LIF002",
    name="reversed-life-event",
    summary="Copy about a life event reaches a recipient whose data says it was reversed: a pregnancy lost, "
    "a wedding called off, a due date long past with no birth.",
    why="Retailers kept sending baby offers after a stillbirth, and Pinterest kept sending wedding ideas "
    "after a called-off wedding. The loss is in the data; every email on the topic reopens it.",
    bad="'Nursery essentials for your little one' to a recipient with life_events[0]: pregnancy, declared, lost, 2026-09-14",
    good="No baby copy for that recipient (a general home email instead); the same email to recipients whose pregnancy is current",
    message='"{phrase}" is about {event}, but the recipient\'s {event} is {why}',
    **_COMMON,
)
def reversed_life_event(message, recipient, ctx):
    on = ctx.send_date
    own = [ev for ev in facts.events(recipient, own=True) if ev.source != "test"]
    reversed_events = []
    for ev in own:
        why = facts.reversal(ev, recipient, on)
        if why and not _superseded(ctx, ev, own, recipient):
            reversed_events.append((ev, why))
    if not reversed_events:
        return
    for hit, affected in _about(ctx, message, reversed_events):
        ev, why = affected[0]
        data = [describe_entry(recipient, e.path) for e, _ in affected]
        yield _sentence_finding(reversed_life_event, ctx, message, recipient, hit, data, event=ev.type.replace("_", " "), why=why)


def _superseded(ctx, ev, own, recipient) -> bool:
    # A newer declared event of the same kind (a new pregnancy after a loss) is what counts now.
    kinds = _related(ctx, [ev.type])
    return any(
        other.trusted and other.type in kinds and not facts.reversal(other, recipient, ctx.send_date)
        and other.date and ev.date and other.date > ev.date
        for other in own
    )


def _about(ctx, message, reversed_events):
    """Hits about the reversed events: topic words, sensitive topics and claims of those types."""
    by_type: dict[str, list] = {}
    for ev, why in reversed_events:
        for t in _related(ctx, [ev.type]):
            by_type.setdefault(t, []).append((ev, why))
    found = []
    for hit in wording.event_topics(ctx, message):
        if hit.rule.get("event") in by_type:
            found.append((hit, by_type[hit.rule["event"]]))
    for hit in [*wording.topics(ctx, message), *wording.claims(ctx, message)]:
        affected = [a for t in wording.topic_events(hit.rule) for a in by_type.get(t, ())]
        if affected:
            found.append((hit, list(dict.fromkeys(affected))))
    seen = set()
    out = []
    for hit, affected in sorted(found, key=lambda p: (wording.PART_ORDER.get(p[0].part, 9), p[0].start)):
        if hit.part not in seen:  # one finding per part: the first thing on the topic
            seen.add(hit.part)
            out.append((hit, affected))
    return out


@check(
    code="LIF003",
    name="deceased-recipient",
    summary="The recipient is recorded as deceased: no marketing email should go to them, least of all one about birthdays, families or life events.",
    why="The address of someone who died is read by the people grieving them. A cheerful email in the "
    "dead person's name ('Happy birthday, John!') is one of the most hurtful misfires there is; the data "
    "already knows (preferences.deceased).",
    bad="Any campaign to a recipient with preferences.deceased: true",
    good="Leave deceased recipients out of the audience (suppress them in the segment or the ESP)",
    message="The recipient is recorded as deceased, and would get: \"{said}\"",
    **_COMMON,
)
def deceased_recipient(message, recipient, ctx):
    if not facts.is_deceased(recipient):
        return
    data = [describe_entry(recipient, "preferences.deceased")]
    pairs = [*wording.claims(ctx, message), *(h for h, _ in sensitive_hits(ctx, message)), *wording.scan(ctx, message, "occasions")]
    hits = wording.first(pairs)
    if hits:
        hit = hits[0]
        yield _sentence_finding(deceased_recipient, ctx, message, recipient, hit, data, said=hit.text)
    elif message.subject:
        yield ctx.finding(deceased_recipient, message, recipient, part="subject", start=0, end=len(message.subject), data=data, said=message.subject)
    else:
        text = message.body_text.strip().split("\n", 1)[0]
        yield ctx.finding(deceased_recipient, message, recipient, part="data", text=text, data=data, said=text)


@check(
    code="LIF004",
    name="celebration-after-bereavement",
    summary="Family celebration copy (weddings, babies, graduations, family gatherings) or copy about "
    "bereavement itself (memorials, sympathy) reaches a recipient bereaved in the last year.",
    why="In the first year after a death every family occasion is hard; a retailer that knows of the "
    "loss (a sympathy order, a note from the customer) should not send 'Celebrate with the whole family' "
    "or 'Congratulations on your new baby', nor aim memorial keepsakes at a fresh loss. The reader's own "
    "news (a birthday, a new job, a finished marathon) is not held back, nor is a pet's death counted. "
    "The window, the events and the topics are set in rules/life_events.yaml (joyful, event-bereavement).",
    bad="'Plan the perfect family celebration' to a recipient with life_events[0]: bereavement of father, declared, dated three months before the send",
    good="The same email to a recipient whose bereavement was three years ago, or a calm seasonal email to the bereaved",
    message='"{phrase}" is {what} copy, and the recipient was bereaved {when}',
    **_COMMON,
)
def celebration_after_bereavement(message, recipient, ctx):
    on = ctx.send_date
    rule = wording.event_rules(ctx).get("bereavement", {})
    ignored = {str(s).lower() for s in rule.get("ignore_subjects") or ()}
    recent = [
        ev for ev in facts.bereavements(recipient, on, within_days=rule.get("current_days", 365))
        if (ev.subject or "").strip().lower() not in ignored
    ]
    if not recent:
        return
    hits = [(hit, what) for hit, what in _joyful(ctx, message, rule) if not _own_purchase(ctx, message, hit)]
    if not hits:
        return
    ev = recent[0]
    when = f"on {ev.date.isoformat()} ({(on - ev.date).days} days before the send)" if ev.date else "(date unknown)"
    data = [describe_entry(recipient, e.path) for e in recent]
    seen = set()
    for hit, what in hits:
        if hit.part not in seen:
            seen.add(hit.part)
            yield _sentence_finding(celebration_after_bereavement, ctx, message, recipient, hit, data, when=when, what=what)


def _joyful(ctx, message, bereavement_rule: dict) -> list[tuple]:
    """``(hit, what it is)`` for every piece of copy that hurts after a bereavement, in reading
    order: family celebrations, and the sensitive topics the bereavement rule lists (memorials)."""
    joyful_rules = [e for e in ctx.rules.entries("life_events") if e.get("kind") == "joyful"]
    events = {t for e in joyful_rules for t in e.get("also_events") or ()}
    hurting = set(bereavement_rule.get("hurting_topics") or ())
    hits = [(h, "family celebration") for h in wording.scan(ctx, message, "life_events", where=wording.kind("joyful"))]
    hits += [(h, "life-event celebration") for h in wording.claims(ctx, message) if events.intersection(wording.topic_events(h.rule))]
    hits += [(h, h.rule.get("topic_name") or h.rule["event"].replace("_", " ")) for h in wording.event_topics(ctx, message) if h.rule.get("event") in events]
    hits += [(h, h.rule.get("topic", h.rule["id"])) for h in wording.topics(ctx, message) if h.rule.get("id") in hurting]
    return sorted(hits, key=lambda p: (wording.PART_ORDER.get(p[0].part, 9), p[0].start))


def _own_purchase(ctx, message, hit) -> bool:
    """Whether ``hit`` lies inside a value read from the recipient's own orders ("Because you
    bought Bamboo cot sheets"): their purchase named back to them is their news, not a family's."""
    for shown in visible.shown_values(ctx, message):
        if shown.part == hit.part and shown.start <= hit.start and hit.end <= shown.end:
            leaves = visible.leaf_paths(shown.paths)
            return bool(leaves) and all(p.startswith("orders[") for p in leaves)
    return False


@check(
    code="LIF005",
    name="age-restricted-topic",
    summary="Age-restricted content (pregnancy, fertility, dating, alcohol, gambling) reaches a minor, "
    "or a recipient whose age is unknown.",
    why="Alcohol, gambling and dating marketing to minors is unlawful in most markets, and pregnancy "
    "or fertility copy to a teenager is the Target story again. An unknown birth date is not an adult; "
    "the minimum age is 18 unless the topic sets its own (minimum_age in rules/sensitive_topics.yaml).",
    bad="A wine-club email to a recipient born 2010-05-01, or with no birth date at all",
    good="The same email to recipients with a known birth date showing they are adults; a non-alcohol version for the rest",
    message='"{phrase}" is {topic} content, and the recipient is {age}',
    **_COMMON,
)
def age_restricted_topic(message, recipient, ctx):
    age = facts.age_on(recipient, ctx.send_date)
    default_age = ctx.option("minimum_age", 18)
    restricted = [r for r in ctx.rules.entries("sensitive_topics") if r.get("age_restricted")]
    if not restricted or (age is not None and age >= max(r.get("minimum_age", default_age) for r in restricted)):
        return
    if age is None:
        data, age_text = ["birth_date: unknown"], "of unknown age"
    else:
        data, age_text = [f"{describe_entry(recipient, 'birth_date')}, aged {age} on {ctx.send_date.isoformat()}"], f"aged {age}"
    for hit in wording.first([h for h in wording.topics(ctx, message) if h.rule.get("age_restricted")]):
        minimum = hit.rule.get("minimum_age", default_age)
        if age is not None and age >= minimum:
            continue
        yield _sentence_finding(age_restricted_topic, ctx, message, recipient, hit, data, topic=hit.rule.get("topic", hit.rule.get("id")), age=age_text, minimum_age=minimum)


@check(
    code="LIF006",
    name="shared-inbox-sensitive-topic",
    summary="Personal copy about a sensitive topic (pregnancy, health, divorce, debt...) goes to an inbox "
    "the recipient shares with their household.",
    why="On a shared family account or device, 'Your pregnancy week by week' tells everyone who opens it. "
    "Target's coupons reached a father before the daughter told him. Consent to personalization does not "
    "cover the other people reading the inbox.",
    bad="'Prenatal vitamins picked for you' to a recipient with a declared pregnancy and preferences.shared_device: true",
    good="A general email for shared inboxes; the personal version only where the inbox is the recipient's own",
    message='"{phrase}" reveals {topic} on an inbox shared with the household',
    **_COMMON,
)
def shared_inbox_sensitive_topic(message, recipient, ctx):
    if not facts.has_shared_device(recipient):
        return
    for hit, topic in _first_per_topic(sensitive_hits(ctx, message)):
        if topic.get("personal") is False:
            continue
        entries = wording.data_entries(message, hit)
        own = [ev for ev in facts.events(recipient, wording.topic_events(topic), own=True) if ev.source != "test"]
        if not entries and not (own and wording.addressed(ctx, message, hit)):
            continue
        data = [describe_entry(recipient, "preferences.shared_device")]
        data += [describe_entry(recipient, ev.path) for ev in own] + [describe_entry(recipient, e) for e in _beyond(entries, own)]
        yield _sentence_finding(shared_inbox_sensitive_topic, ctx, message, recipient, hit, data, topic=topic.get("topic", topic.get("id")))


CHECKS = [
    inferred_sensitive_event,
    reversed_life_event,
    deceased_recipient,
    celebration_after_bereavement,
    age_restricted_topic,
    shared_inbox_sensitive_topic,
]
