"""``data-exposure``: a rendered field shows data that must not be shown.

Name, address and pet fields are printed as they are, so whatever a rented list, a call-centre
note or a test fixture put in them reaches the recipient: OfficeMax's "Daughter Killed in Car
Crash" address line, "Hi TEST_USER_42", a first name that is somebody else's full name. Scores,
segment codes and model output are for the team, not the customer. And a subject line, preheader
or sender name is read on a lock screen or a shared family inbox before the email is opened, so
special-category words there (pregnancy, health, sexuality, religion) expose the recipient.

Which fields belong to which class, and what shows a value is not a name, are rules in
``rules/not_names.yaml``; the special-category topics are ``rules/sensitive_topics.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preview.checks import facts, wording
from preview.checks.check import check
from preview.checks.evidence import describe_entry, entry_of, lookup
from preview.checks.rules import fold
from preview.checks.visible import find, leaf_paths, shown_values

_COMMON = {"family": "data-exposure", "severity": "block", "scope": "recipient"}
_INDEX = re.compile(r"\[\d+\]")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'll|you'd|ur)\b", re.IGNORECASE)
# Fields that identify the recipient without saying anything about their life.
_IDENTITY = frozenset({"id", "email", "first_name", "last_name", "locale", "timezone", "is_seed"})
_NAME_CLASSES = ("person", "pet", "address")
# Classes whose values are judged: the name classes, and ``other`` (a shown field of no class,
# whose value may still read as an internal code).
_VALUE_CLASSES = (*_NAME_CLASSES, "other")
_JUDGED_LIMIT = 20_000  # values judged and remembered per run; names repeat, but not forever
_SHOWN_FIELDS = "data-exposure.shown"
_NAMES = "data-exposure.names"


@dataclass(frozen=True)
class _AppliesTo:
    """A ``where`` filter for the value rules of one field class (hashable, so compiled once)."""

    cls: str

    def __call__(self, entry: dict) -> bool:
        return entry.get("kind") == "value" and self.cls in (entry.get("applies_to") or ())


def _special_category(entry: dict) -> bool:
    return bool(entry.get("special_category"))


class _Rules:
    """The field classes and value rules of ``not_names``, compiled once per run."""

    def __init__(self, rules):
        entries = rules.entries("not_names")
        self.fields = []
        for entry in entries:
            if entry.get("kind") == "fields":
                for pattern in entry.get("fields") or ():
                    self.fields.append((_glob(str(pattern)), entry["class"]))
        self.phrases = {cls: rules.phrases("not_names", where=_AppliesTo(cls)) for cls in _VALUE_CLASSES}
        self.patterns = {cls: [] for cls in _VALUE_CLASSES}
        self.values = {cls: {} for cls in _VALUE_CLASSES}
        for entry in entries:
            if entry.get("kind") != "value":
                continue
            for cls in entry.get("applies_to") or ():
                if cls not in self.patterns:
                    continue
                self.patterns[cls].extend((re.compile(p, re.IGNORECASE), entry) for p in entry.get("patterns") or ())
                for value in entry.get("values") or ():
                    self.values[cls].setdefault(_normal(str(value)), entry)
        self.skip = [re.compile(p, re.IGNORECASE) for e in entries if e.get("kind") == "skip" for p in e.get("patterns") or ()]
        self.judged: dict = {}
        self.classes: dict[str, str | None] = {}

    @classmethod
    def of(cls, ctx) -> _Rules:
        rules = ctx.cache.get("data-exposure:rules")
        if rules is None:
            rules = ctx.cache["data-exposure:rules"] = cls(ctx.rules)
        return rules

    def field_class(self, path: str) -> str | None:
        """``person``, ``pet``, ``address``, ``internal`` or None for the record path."""
        generic = _INDEX.sub("[]", path)
        if generic not in self.classes:
            # Few distinct paths exist (the record's shape), so each is classified once per run.
            self.classes[generic] = next((cls for regex, cls in self.fields if regex.fullmatch(generic)), None)
        return self.classes[generic]

    def judge(self, value: str, cls: str) -> tuple[dict, str] | None:
        """The rule entry that shows ``value`` is not a name of class ``cls``, with the words."""
        key = (cls, value)
        if key in self.judged:
            return self.judged[key]
        verdict = self._judge(value, cls)
        if len(self.judged) >= _JUDGED_LIMIT:
            self.judged.clear()
        self.judged[key] = verdict
        return verdict

    def _judge(self, value: str, cls: str):
        if any(regex.search(value) for regex in self.skip):
            return None
        entry = self.values[cls].get(_normal(value))
        if entry is not None:
            return entry, value.strip()
        match = self.phrases[cls].search(value)
        if match:
            return match.rule, match.text
        for regex, entry in self.patterns[cls]:
            m = regex.search(fold(value))
            if m:
                return entry, value[m.start() : m.end()] or value
        return None


def _glob(pattern: str) -> re.Pattern:
    return re.compile(re.escape(pattern).replace(r"\*", ".*"))


def _normal(value: str) -> str:
    return " ".join(fold(value).lower().split())


def _shown_fields(ctx, message, recipient) -> list[tuple]:
    """``(shown, path, value)`` for each record field whose value is shown (once per message:
    three checks read it)."""
    found = message.memo.get(_SHOWN_FIELDS)
    if found is None:
        found = []
        for shown in shown_values(ctx, message):
            for path in leaf_paths(shown.paths):
                try:
                    value = lookup(recipient, path)
                except (KeyError, IndexError, TypeError):
                    continue
                found.append((shown, path, value))
        message.memo[_SHOWN_FIELDS] = found
    return found


@check(
    code="DEX001",
    name="field-is-not-a-name",
    summary="A name, address or pet field shown in the email holds something that is not a name.",
    why="In 2014 OfficeMax mailed a father a letter addressed to 'Daughter Killed in Car Crash', "
    "a line from a rented list. Name and address fields collect notes, insults typed by staff, "
    "medical terms, test codes and placeholders; printing them verbatim hurts or embarrasses.",
    bad="'Hi Daughter Killed In Car Crash,' or 'Dear TEST_USER_42,' or 'Hi N/A,'",
    good="'Hi Ana,' and a fallback greeting ('Hi there') when the field is empty or fails the check upstream.",
    message="{field} {reason}: {value!r}",
    **_COMMON,
)
def field_is_not_a_name(message, recipient, ctx):
    yield from _name_findings(field_is_not_a_name, "not_a_name", message, recipient, ctx)


@check(
    code="DEX004",
    name="another-persons-name",
    summary="A first-name field shown in the email names somebody else (a full name, 'c/o', 'estate of', 'John's wife').",
    why="When a field holds another person's name the email reveals that person's data to the "
    "recipient, or greets the recipient as someone they are not; both are data-protection "
    "incidents and tell the reader the list is careless.",
    bad="'Hi Robert Johnson,' to ana.lima@example.org, whose last name is Lima; 'Hi Estate of Mary Smith,'",
    good="'Hi Ana,' for the same recipient once the first name is corrected.",
    message="{field} {reason}: {value!r}",
    **_COMMON,
)
def another_persons_name(message, recipient, ctx):
    yield from _name_findings(another_persons_name, "other_person", message, recipient, ctx)
    first = recipient.get("first_name")
    why = _someone_else(recipient)
    if why is None:
        return
    for shown, path, value in _shown_fields(ctx, message, recipient):
        if path == "first_name" and value == first:
            yield ctx.finding(
                another_persons_name, message, recipient, part=shown.part, start=shown.start, end=shown.end,
                data=[describe_entry(recipient, "first_name"), describe_entry(recipient, "last_name"), why],
                field="first_name", reason="is another person's full name", value=value,
            )
            return


def _name_verdicts(ctx, message, recipient) -> list[tuple]:
    """``(shown, path, value, (rule entry, words))`` for each shown name field whose value is not
    a name (once per message: DEX001 and DEX004 read it)."""
    found = message.memo.get(_NAMES)
    if found is None:
        rules = _Rules.of(ctx)
        found = []
        for shown, path, value in _shown_fields(ctx, message, recipient):
            cls = rules.field_class(path)
            if cls not in _NAME_CLASSES or not isinstance(value, str) or not value.strip():
                continue
            verdict = rules.judge(value, cls)
            if verdict is not None:
                found.append((shown, path, value, verdict))
        message.memo[_NAMES] = found
    return found


def _name_findings(spec, about: str, message, recipient, ctx):
    seen = set()
    for shown, path, value, verdict in _name_verdicts(ctx, message, recipient):
        if verdict[0].get("about", "not_a_name") != about or path in seen:
            continue
        seen.add(path)
        entry, words = verdict
        yield ctx.finding(
            spec, message, recipient, part=shown.part, start=shown.start, end=shown.end,
            data=[describe_entry(recipient, path), f"{path}: {entry.get('reason', 'is not a name')} ({words!r}, rule {entry['id']})"],
            field=path, reason=entry.get("reason", "is not a name"), value=value,
        )


def _someone_else(recipient: dict) -> str | None:
    """Why the first name looks like another person's full name, or None.

    Only with evidence from the record itself: the email address names the recipient (their
    last name and another given name), and neither word of the two-word first name is in it.
    """
    words = (recipient.get("first_name") or "").split()
    last = (recipient.get("last_name") or "").strip().lower()
    local = (recipient.get("email") or "").split("@")[0].lower()
    if len(words) < 2 or not last or words[-1].lower() == last or last not in local:
        return None
    tokens = [t for t in re.split(r"[^a-z]+", local.replace(last, " ")) if len(t) >= 3]
    if not tokens or any(w.lower()[:3] in local for w in words if len(w) >= 3):
        return None
    return f"email {recipient['email']!r} names {tokens[0].title()} {last.title()}, not {' '.join(words)}"


@check(
    code="DEX002",
    name="internal-data-shown",
    summary="The email shows an internal field (a score, a propensity, a segment code, model output or data "
    "provenance), or a value written as an internal code (SEG_HIGH_CHURN_07, churn_risk=0.82) in any field.",
    why="Scores and segments are the team's working data. 'Your churn risk: 0.82' or 'Segment: "
    "LAPSED_HIGH_VALUE' tells the customer how they are profiled, which reads as surveillance "
    "and can breach the privacy notice; a model's evidence ('23 wedding pins in 30 days') is worse.",
    bad="'As one of our VIP_TIER_2 customers (score 0.93) ...' rendered from attributes.segment_code and attributes.propensity_score",
    good="'As one of our VIP customers ...' with the segment used to choose the copy, never printed.",
    message="{field} is shown to the recipient: {value!r}",
    **_COMMON,
)
def internal_data_shown(message, recipient, ctx):
    rules = _Rules.of(ctx)
    seen = set()
    for shown, path, value in _shown_fields(ctx, message, recipient):
        if path in seen or value in (None, "", [], {}):
            continue
        cls = rules.field_class(path)
        if cls is None:
            # A field of no class (a tier, a category) is judged by its value alone.
            verdict = rules.judge(value, "other") if isinstance(value, str) else None
            if verdict is None:
                continue
            data = [
                describe_entry(recipient, entry_of(path)),
                f"{path}: {verdict[0].get('reason', 'reads as an internal code')} (rule {verdict[0]['id']})",
            ]
        elif cls != "internal":
            continue
        else:
            data = [describe_entry(recipient, entry_of(path))]
        seen.add(path)
        yield ctx.finding(
            internal_data_shown, message, recipient, part=shown.part, start=shown.start, end=shown.end,
            data=data, field=path, value=shown.text,
        )


@check(
    code="DEX003",
    name="special-category-on-visible-surface",
    summary="The subject, preheader or sender name speaks to the recipient about pregnancy, health, fertility, sexuality or religion.",
    why="These are read before the email is opened, on lock screens, watches and shared family "
    "inboxes: Target's pregnancy coupons reached a father first. Under GDPR Article 9 such "
    "inferences are special-category data whether or not they are right. It passes only when "
    "the recipient consented to sensitive personalization, declared the event and does not "
    "share the device.",
    bad="Subject: 'Ana, your pregnancy essentials are waiting' to a recipient with an inferred pregnancy",
    good="Subject: 'Ana, your picks are waiting' with the pregnancy content inside the email, "
    "for a recipient who declared it and consented.",
    message="{part} speaks to the recipient about {topic}: {copy!r}",
    **_COMMON,
)
def special_category_on_visible_surface(message, recipient, ctx):
    done = set()
    surfaces = ("subject", "preheader", "from_name")
    hits = find(ctx, "sensitive_topics", message, parts=surfaces, where=_special_category)
    others = find(ctx, "life_events", message, parts=surfaces, where=wording.kind("other_person")) if hits else []
    for hit in hits:
        topic = hit.rule.get("topic", hit.rule["id"])
        if (hit.part, topic) in done:
            continue
        text = message.part_text(hit.part)
        around = [o for o in others if o.part == hit.part]
        if any(o.start < hit.end and hit.start < o.end for o in around):
            continue  # "the parents-to-be", "the mum-to-be": someone else's news
        # A sender name is always about the relationship; a subject only when it addresses the
        # recipient or was written from their data ("Baby shower gift ideas" is neither). The
        # "your" of "in your life" or "your sister" points at someone else, so it is left out.
        if hit.part != "from_name" and not (_SECOND_PERSON.search(_without(fold(text), around)) or _driven_by_data(message, hit.part)):
            continue
        cleared, data = _cleared(recipient, hit.rule, ctx.send_date)
        if cleared:
            continue
        done.add((hit.part, topic))
        yield ctx.finding(
            special_category_on_visible_surface, message, recipient, part=hit.part, start=0, end=len(text),
            data=data, topic=topic, copy=text, words=hit.text,
        )


def _without(text: str, spans) -> str:
    """``text`` with the ``spans`` (hits) blanked out, offsets kept."""
    for span in spans:
        text = text[: span.start] + " " * (span.end - span.start) + text[span.end :]
    return text


def _driven_by_data(message, part: str) -> bool:
    output = message.parts.get(part)
    if output is None:
        return False
    for chunk in output.chunks:
        for path in chunk.paths():
            if path and path.split(".")[0].split("[")[0] not in _IDENTITY:
                return True
    return False


def _cleared(recipient: dict, topic: dict, on) -> tuple[bool, list[str]]:
    """Whether the recipient opted into this on their own screen, and the data that says so:
    consent to sensitive personalization, no shared device, and (for topics that are life
    events) the event declared or observed by the recipient themselves and not reversed."""
    consent = facts.has_sensitive_consent(recipient)
    shared = facts.has_shared_device(recipient)
    data = [f"preferences.sensitive_personalization_consent: {str(consent).lower()}"]
    if shared:
        data.append("preferences.shared_device: true (others read this inbox)")
    types = set(topic.get("events") or ())
    matching = facts.events(recipient, types) if types else []
    data += [describe_entry(recipient, ev.path) for ev in matching]
    if types and not matching:
        data.append(f"life_events: no {' or '.join(sorted(types))} on record")
    declared = [ev for ev in matching if ev.own and ev.trusted and facts.reversal(ev, recipient, on) is None]
    return consent and not shared and (not types or bool(declared)), data


CHECKS = [field_is_not_a_name, internal_data_shown, special_category_on_visible_surface, another_persons_name]
