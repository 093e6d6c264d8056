"""``personalization-gap``: merge tags that did not render, empty or null names, missing variables,
and one name shown to everyone ("Hi FNAME", "User null", Aviva calling thousands "Michael").

The vocabulary (tag syntaxes, greeting words, null spellings, generic forms of address) is data in
``rules/merge_tags.yaml``, compiled in :mod:`preview.checks.merge_tags`. Greetings and what fills
their name slot are found once per message (:mod:`preview.checks.greetings`); the body's template
text is searched once per shared layout (:mod:`preview.checks.body_plan`), and per recipient only
the values. PZG005, which needs the whole run, is in :mod:`preview.checks.shared_name`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from preview.checks.body_plan import planned_body
from preview.checks.check import check
from preview.checks.gaps import gaps, greeting_gaps
from preview.checks.greetings import greetings, slot_facts
from preview.checks.layout_text import (
    PART_LABEL,
    flat,
    from_data,
    span_finding,
    static_finding,
    value_spans,
)
from preview.checks.merge_tags import Vocabulary, vocabulary
from preview.checks.shared_name import shared_name

_COMMON = {"family": "personalization-gap", "severity": "block"}

# Parts whose text a finding can index.
_TEXT_PARTS = ("subject", "preheader", "from_name")


# -- checks ----------------------------------------------------------------------------------


@check(
    code="PZG001",
    name="unrendered-merge-tag",
    summary="A merge tag reached the email as written, e.g. 'Hi *|FNAME|*' or '{{ first_name }}'.",
    why="A tag that was not filled in shows the reader the machinery ('Hi FNAME', 'Dear [FIRST_NAME]'): it "
    "looks like spam, breaks trust and often means the wrong template or the wrong ESP syntax. Tags in the "
    "template text are reported once; tags that came from a recipient's data are reported for that recipient.",
    bad="Subject: *|FNAME|*, your winter picks are here",
    good="Subject: {{ recipient.first_name | default('Hello', true) }}, your winter picks are here",
    message="Unrendered {syntax} merge tag {token!r} in the {where}",
    **_COMMON,
)
def unrendered_merge_tag(message, recipient, ctx):
    vocab = vocabulary(ctx)
    allowed = {" ".join(str(t).split()) for t in ctx.option("allowed_merge_tags", ())}

    def tags(text):
        return [hit for hit in vocab.find_tags(text) if " ".join(hit[2].split()) not in allowed]

    for part in (*_TEXT_PARTS, "text") if message.text_part is not None else _TEXT_PARTS:
        for a, b, token, syntax in tags(message.part_text(part)):
            yield span_finding(ctx, unrendered_merge_tag, message, recipient, part, a, b, token=token, syntax=syntax,
                               where=PART_LABEL[part])
    body = planned_body(message, ctx)
    if body is not None:
        yield from _body_tags(message, recipient, ctx, body, tags, allowed)
        yield from _attribute_tags(message, recipient, ctx, body[0], tags, allowed)


def _body_tags(message, recipient, ctx, body, tags, allowed: set):
    """PZG001 findings of the visible body text: the plan's static tags placed in this recipient's
    text, and the tags of the recipient's values."""
    plan, place = body
    text = message.body_text
    if message.inlined_dynamic:
        # Values are baked into this layout, so its text is this recipient's own: read all of it.
        hits = tags(text)
    else:
        hits = [(place(a, n), place(b, n), t, s) for a, b, n, t, s in plan.tags if " ".join(t.split()) not in allowed]
        for start, end, _slot in message.document.text_spans:
            hits.extend((start + a, start + b, t, s) for a, b, t, s in tags(text[start:end]))
    for a, b, token, syntax in hits:
        yield span_finding(ctx, unrendered_merge_tag, message, recipient, "html", a, b, token=token, syntax=syntax,
                           where=PART_LABEL["html"])


def _attribute_tags(message, recipient, ctx, plan, tags, allowed: set):
    """PZG001 findings of links, images and the hidden preview text, which the visible text does
    not hold: the plan judged the static ones; the ones holding values are read per recipient."""
    source = (getattr(ctx.campaign, "body", "") or "") if message.inlined_dynamic else ""
    for where, token, syntax in plan.attributes:
        if " ".join(token.split()) in allowed:
            continue
        if message.inlined_dynamic and token not in source:  # a value baked into this layout
            yield ctx.finding(unrendered_merge_tag, message, recipient, part="html", text=token,
                              template_level=False, token=token, syntax=syntax, where=where)
        else:
            yield static_finding(ctx, unrendered_merge_tag, message, "html", None, None, token, token=token,
                                 syntax=syntax, where=where)
    doc = message.document
    for kind, index in plan.slotted:
        where, value, parts = _attribute(doc, doc.layout, kind, index)
        for _, _, token, syntax in tags(value):
            if token in source if message.inlined_dynamic else _in_static(parts, token):
                # Named by the template's own part of the address, the same for every recipient.
                named = where if kind in ("hidden", "alt") else f"{where.split()[0]} {flat(parts)[:80]}"
                yield static_finding(ctx, unrendered_merge_tag, message, "html", None, None, token, token=token,
                                     syntax=syntax, where=named)
            else:
                yield ctx.finding(unrendered_merge_tag, message, recipient, part="html", text=token,
                                  template_level=False, token=token, syntax=syntax, where=where)


def _attribute(doc, layout, kind: str, index: int) -> tuple[str, str, tuple]:
    """(where, value as read, slotted layout parts) of one attribute that holds values."""
    if kind == "hidden":
        return "preview text", doc.hidden_text, layout.hidden_text
    if kind == "href":
        href = doc.links[index].href or ""
        return f"link {href[:80]}", unquote(href), layout.links[index].href
    image = doc.images[index]
    if kind == "alt":
        return "image alt text", image.alt or "", layout.images[index].alt
    return f"image {(image.src or '')[:80]}", unquote(image.src or ""), layout.images[index].src


def _in_static(parts, needle: str) -> bool:
    """Whether ``needle`` is in the template's own text of a slotted layout value."""
    if not parts:
        return False
    return any(type(p) is str and needle in unquote(p) for p in parts)


@check(
    code="PZG002",
    name="null-value",
    summary="A missing value printed as 'None', 'null', 'undefined', 'NaN' or '[object Object]'.",
    why="'Hi None,' and 'User null' tell the reader their record is broken (and that nobody checked). The check "
    "reads greetings, the subject and preheader's form of address, and every value that came from the data; "
    "'null and void' written in the copy is fine. 'Null' and 'Nan' spelt as names are real names and pass.",
    bad="Hi None, your order has shipped   (first_name holds the text 'None')",
    good="Hi {{ recipient.first_name | default('there', true) }}, your order has shipped",
    message="'{word}' printed in place of a value in the {where}",
    **_COMMON,
)
def null_value(message, recipient, ctx):
    vocab = vocabulary(ctx)
    slots: dict[str, list] = {}
    for g in greetings(message, ctx):
        slots.setdefault(g.part, []).append((g.slot_start, g.slot_end))
    hits = []  # (part, start, end, word, in_greeting)
    for part in (*_TEXT_PARTS, "text") if message.text_part is not None else _TEXT_PARTS:
        text = message.part_text(part)
        for a, b, word in vocab.find_nulls(text):
            in_slot = any(x <= a and b <= y for x, y in slots.get(part, ()))
            if in_slot or not word.isalnum() or message.is_dynamic(part, a, b):
                hits.append((part, a, b, word, in_slot))
    body = planned_body(message, ctx)
    if body is not None:
        hits.extend(_body_nulls(message, ctx, body, vocab, slots.get("html", ())))
    for part, a, b, word, in_slot in hits:
        label = PART_LABEL[part]
        data = from_data(message, ctx, part, a, b)
        where = f"greeting of the {label}" if in_slot else (f"{label}, from the data" if data else label)
        yield span_finding(ctx, null_value, message, recipient, part, a, b, word=word, where=where)


def _body_nulls(message, ctx, body, vocab: Vocabulary, greeting_slots) -> list[tuple]:
    """Null spellings of the body: in values, in greeting slots, and the never-copy ones."""
    plan, place = body
    text = message.body_text
    doc = message.document
    found = {}
    if message.inlined_dynamic:
        # The layout holds values: a spelling counts inside one of them, or when it is never copy.
        values = value_spans(message, ctx)
        for a, b, word in vocab.find_nulls(text):
            if not word.isalnum() or any(x < b and a < y for x, y in values):
                found[a, b] = word
    else:
        for a, b, n, word in plan.objects:
            found[place(a, n), place(b, n)] = word
        for start, end, _slot in doc.text_spans:
            for a, b, word in vocab.find_nulls(text[start:end]):
                found[start + a, start + b] = word
    for x, y in greeting_slots:
        for a, b, word in vocab.find_nulls(text[x:y]):
            found[x + a, x + b] = word
    return [("html", a, b, w, any(x <= a and b <= y for x, y in greeting_slots)) for (a, b), w in sorted(found.items())]


@check(
    code="PZG003",
    name="empty-greeting",
    summary="The greeting lost its name: 'Hi ,', 'Dear  ,', 'Hello !' or a subject ending in ', !'.",
    why="An empty greeting is the most visible sign of a missing first name; a fallback ('there', 'friend') "
    "or a greeting without a name reads naturally instead.",
    bad="Hi {{ recipient.first_name }},   (first_name is null: 'Hi ,')",
    good="Hi {{ recipient.first_name | default('there', true) }},",
    message="Empty greeting {greeting!r} in the {where}{because}",
    scope="recipient",
    **_COMMON,
)
def empty_greeting(message, recipient, ctx):
    for g in greetings(message, ctx):
        if not g.empty:
            continue
        # A vocative's evidence is the whole subject or preheader: ", your picks" alone says little.
        text = message.part_text(g.part)[g.start : g.end].strip() if g.kind == "greeting" else message.part_text(g.part)
        lost = greeting_gaps(message, ctx, g)
        data = [line for gap in lost for line in gap.data(recipient)]
        for field in ("first_name", "last_name"):
            value = recipient.get(field)
            if isinstance(value, str) and not value.strip():
                data.append(f"{field}: {value!r}")  # as lineage would say it, so it is not repeated
        because = f": {', '.join(gap.variable for gap in lost)} rendered as nothing" if lost else ""
        yield ctx.finding(empty_greeting, message, recipient, part=g.part, start=g.start, end=g.end, text=text,
                          data=data, because=because, greeting=text, where=PART_LABEL[g.part])


@check(
    code="PZG004",
    name="missing-variable",
    summary="The template printed a variable this recipient does not have, so nothing shows in its place.",
    why="A missing or null field renders as empty text: 'Your order of  ships today', 'Dear  Smith'. Guard "
    "optional fields with default() or {% if %}; a guarded variable is not printed and is not reported.",
    bad="Your {{ recipient.attributes.tier }} benefits   (the recipient has no tier)",
    good="{% if recipient.attributes.tier %}Your {{ recipient.attributes.tier }} benefits{% endif %}",
    message="{variable} is {how} for this recipient, so the {where} shows nothing in its place",
    scope="recipient",
    **_COMMON,
)
def missing_variable(message, recipient, ctx):
    for part in ("subject", "preheader", "from_name", "html", "text"):
        for gap in gaps(message, part):
            yield ctx.finding(missing_variable, message, recipient, part=part, text=gap.variable,
                              data=gap.data(recipient), variable=gap.variable, how=gap.how, where=PART_LABEL[part])


@check(
    code="PZG006",
    name="hard-coded-name",
    severity="warn",
    family="personalization-gap",
    summary="The template names a person in a greeting ('Hi Michael,') or as the fallback for a missing name "
    "(default('Michael')).",
    why="A name typed into the template (often left from a test) goes to everyone, or to everyone whose first "
    "name is missing: Aviva called thousands of customers 'Michael'. It warns rather than blocks because some "
    "greetings are deliberate ('Hello Sunshine'): add such words to generic_names in a rules folder.",
    bad="Hi {{ recipient.first_name | default('Michael', true) }},",
    good="Hi {{ recipient.first_name | default('there', true) }},",
    message="The template names {name!r} {how} in the {where}, so {who} gets it",
)
def hard_coded_name(message, recipient, ctx):
    for g in greetings(message, ctx):
        if g.kind != "greeting":
            continue
        name, field, null = slot_facts(ctx, g.slot)
        if name is None or field or null:
            continue
        if not from_data(message, ctx, g.part, g.slot_start, g.slot_end):
            yield static_finding(ctx, hard_coded_name, message, g.part, g.slot_start, g.slot_end, g.slot,
                                 name=name, how="in a greeting", who="every recipient", where=PART_LABEL[g.part])
    for part, line, text, name in _fallback_names(ctx):
        yield static_finding(ctx, hard_coded_name, message, part, None, None, text, line=line, name=name,
                             how="as the fallback of a name field", who="everyone without that field",
                             where=PART_LABEL[part])


# A fallback given to a name field: default('Michael'), default("Michael", true), or 'Michael'.
_FALLBACK = re.compile(
    r"recipient\.(?:first_name|last_name|attributes\.\w*name)\b[^}]*?"
    r"(?:\|\s*(?:default|d)\s*\(\s*|\bor\s+)(?P<q>['\"])(?P<name>[^'\"{}]{1,40})(?P=q)"
)


def _fallback_names(ctx) -> list[tuple]:
    """(part, line, text, name) of every personal name the template gives as a name's fallback; once per run."""
    found = ctx.cache.get("PZG:fallbacks")
    if found is None:
        found = []
        campaign = ctx.campaign
        for part, source_name in (("subject", "subject"), ("preheader", "preheader"), ("html", "body"), ("text", "text")):
            source = getattr(campaign, source_name, None) if campaign is not None else None
            for m in _FALLBACK.finditer(source or ""):
                name, _, _ = slot_facts(ctx, m.group("name").strip())
                if name:
                    line = campaign.field_line(source_name) if part != "html" else campaign.body_line
                    found.append((part, line + source.count("\n", 0, m.start()), m.group(0), name))
        ctx.cache["PZG:fallbacks"] = found
    return found


@check(
    code="PZG007",
    name="field-name-as-name",
    summary="A field's name is shown where the person's name belongs: 'Hi FNAME,', 'Dear first_name,'.",
    why="The tag's delimiters were lost (or the data holds the field name itself), so readers are greeted "
    "by a database column, as in the 'Hi FNAME' emails that circulate on social media.",
    bad="Hi FNAME,",
    good="Hi *|FNAME|*,  (in a Mailchimp template)  or  Hi {{ recipient.first_name }},",
    message="The {kind} in the {where} shows the field name {slot!r} instead of a name",
    **_COMMON,
)
def field_name_as_name(message, recipient, ctx):
    vocab = vocabulary(ctx)
    for g in greetings(message, ctx):
        slot = g.slot.strip()
        if slot and slot_facts(ctx, slot)[1] and not vocab.has_tag(slot):
            kind = "greeting" if g.kind == "greeting" else "form of address"
            yield span_finding(ctx, field_name_as_name, message, recipient, g.part, g.slot_start, g.slot_end, slot=slot,
                               kind=kind, where=PART_LABEL[g.part])


CHECKS = [unrendered_merge_tag, null_value, empty_greeting, missing_variable, shared_name, hard_coded_name,
          field_name_as_name]

