"""Greetings and forms of address, and what fills their name slot.

A greeting is a greeting word at the start of a line (or of the subject/preheader), then a *name
slot* up to the next punctuation, so "Hi ," has an empty slot, "Hi None," a null one and
"Hi FNAME," a field name in it. A subject or preheader may also address the reader by a
*vocative* ("Ana, your picks", "Your picks, Ana!"). Greetings are found once per message and
shared by the ``personalization-gap`` checks that judge them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from preview.checks.body_plan import planned_body
from preview.checks.merge_tags import Vocabulary, fold_field, vocabulary
from preview.checks.sharing import per_message

# The parts whose whole text may greet or address the reader.
GREETING_PARTS = ("subject", "preheader")
_IDENTIFIER = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$")


class Greeting(NamedTuple):
    """One greeting (or vocative) in one part: where its name slot is and what fills it.

    ``kind`` is ``greeting`` ("Hi Ana,"), ``leading`` ("Ana, your picks") or ``trailing``
    ("Your picks, Ana!"); only ``greeting`` slots are read as names (a Title Case subject is not
    a name). ``empty`` says the slot lost its value ("Hi ,", "Hello !", "Your picks, !").
    """

    part: str
    kind: str
    start: int
    end: int
    slot_start: int
    slot_end: int
    slot: str
    empty: bool


_CLOSERS = frozenset(",!.?:;()\u2013\u2014")


def find_greetings(text: str, part: str, vocab: Vocabulary, french: bool = False) -> list[Greeting]:
    """Every greeting in ``text`` (a part's text, lines separated by newlines)."""
    found = []
    if not text:
        return found
    for m in vocab.greeting.finditer(text):
        a = vocab.after.match(text, m.end())
        slot_start, slot_end = a.span("slot")
        slot = a.group("slot")
        dash = slot.find(" - ")
        if dash >= 0:  # "Hi Ana - welcome back"
            slot, slot_end = slot[:dash], slot_start + dash
        trimmed = slot.rstrip(" \t")
        slot_end -= len(slot) - len(trimmed)
        slot = trimmed
        end = a.end() if dash < 0 else slot_end + 3
        punct = text[end] if end < len(text) and text[end] in _CLOSERS else ""
        end += len(punct)
        ws1, comma = a.group("ws1"), a.group("comma")
        if ws1 and comma:
            # "Hi , welcome": the space before the comma is where the name was.
            empty, slot, slot_start, slot_end = True, "", a.start("comma"), a.start("comma")
        else:
            empty = not slot and punct in _CLOSERS and bool(ws1 or comma or a.group("title"))
            if empty and french and punct in "!?:;" and not comma:
                empty = False  # French typography puts a space before ! ? : ; ("Bonjour !")
        found.append(Greeting(part, "greeting", m.start("greet"), end, slot_start, slot_end, slot, empty))
    if part in GREETING_PARTS:
        found.extend(_vocatives(text, part, found))
    return found


_STOP = re.compile(r"[\n,!.?:;]")


def _vocatives(text: str, part: str, found: list[Greeting]) -> list[Greeting]:
    """Vocatives of a subject or preheader: "Ana, your picks" and "Your picks, Ana!".

    A leading vocative is the text before the first comma (after a few symbols), a trailing one
    the text after the last comma (before the closing ! . ?), each at most 40 characters of one
    clause. String operations rather than regexes: this runs for every recipient.
    """
    out = []
    first = text.find(",")
    if first < 0:
        return out
    head = text[:first].rstrip(" \t")
    skip = 0
    while skip < min(6, len(head)) and not (head[skip].isalnum() or head[skip] == "_"):
        skip += 1
    slot = head[skip:]
    if len(slot) <= 40 and not _STOP.search(slot) and not any(g.start <= first + 1 for g in found):
        out.append(Greeting(part, "leading", 0, first + 1, skip, skip + len(slot), slot, not slot.strip()))
    last = text.rfind(",")
    # The comma of "Hi Ana," or "Hello," belongs to the greeting, not to a vocative after it.
    if last >= max((g.end for g in found), default=0):
        tail = text[last + 1 :]
        core = tail.rstrip(" \t").rstrip("!.?").rstrip(" \t")
        slot = core.lstrip(" \t")
        if len(slot) <= 40 and not _STOP.search(slot):
            begin = last + 1 + len(core) - len(slot)
            out.append(Greeting(part, "trailing", last, len(text), begin, begin + len(slot), slot, not slot))
    return out


def name_of(slot: str, vocab: Vocabulary, brand: frozenset = frozenset()) -> str | None:
    """The slot as a personal name ("Michael", "Zoë O'Brien", "李"), or None.

    A name is one to four words, each starting with a capital or a letter without case, with
    no digits, none of them a generic form of address ("there", "friend", "Acme fans") or a
    word of the brand.
    """
    words = slot.split()
    if not 1 <= len(words) <= 4:
        return None
    for word in words:
        core = word.strip("'\u2019\"\u201c\u201d-")
        if not core or not core[0].isalpha() or core[0].islower() or any(c.isdigit() for c in core):
            return None
        folded = core.casefold()
        if folded in vocab.generic or folded in brand:
            return None
    return " ".join(words)


def is_field_name(slot: str, vocab: Vocabulary) -> bool:
    """True for a field's name where a person's name belongs: FNAME, first_name, [Name]."""
    bare = slot.strip()
    if not bare:
        return False
    if _IDENTIFIER.match(bare.strip("[]{}<>")):
        return True
    return fold_field(bare) in vocab.field_names


# Entries each memo of :func:`remember` keeps at the most.
_MEMO = 20_000


def remember(ctx, key: str, arg, compute):
    """``compute(arg)``, remembered per run for text that recurs across recipients (a subject,
    a greeting line, a first name); at most ``_MEMO`` entries each, so memory stays flat."""
    store = ctx.cache.setdefault(key, {})
    value = store.get(arg, store)
    if value is store:
        value = compute(arg)
        if len(store) < _MEMO:
            store[arg] = value
    return value


def slot_facts(ctx, slot: str) -> tuple:
    """(name, is a field name, holds a null spelling) of a greeting slot, remembered per run."""
    vocab = vocabulary(ctx)
    brand = brand_words(ctx)
    return remember(ctx, "PZG:slots", slot, lambda s: (
        name_of(s, vocab, brand), is_field_name(s, vocab), bool(next(vocab.find_nulls(s), None)),
    ))


def brand_words(ctx) -> frozenset:
    """The words of the sender and campaign names ("Hi Acme insiders" names no person); once per run."""
    brand = ctx.cache.get("PZG:brand")
    if brand is None:
        campaign = ctx.campaign
        words = " ".join(str(getattr(campaign, k, "") or "") for k in ("from_name", "name")) if campaign else ""
        brand = ctx.cache["PZG:brand"] = frozenset(w.casefold() for w in re.findall(r"\w+", words))
    return brand


@per_message("PZG:greetings")
def greetings(message, ctx) -> list[Greeting]:
    """The greetings of ``message``, found once and shared by this family's checks.

    Body greetings are looked for only on the lines the layout's plan marks (a greeting word
    or a value at the start), re-read with this recipient's values in place.
    """
    vocab = vocabulary(ctx)
    french = bool(message.document and (message.document.lang or "").lower().startswith("fr"))
    found = []
    for part in GREETING_PARTS:
        found.extend(remember(ctx, f"PZG:greet:{part}:{french}", message.part_text(part),
                              lambda t, p=part: find_greetings(t, p, vocab, french)))
    body = planned_body(message, ctx)
    if body is not None:
        plan, place = body
        text = message.body_text
        for a, b, before_a, before_b in plan.lines:
            start, end = place(a, before_a), place(b, before_b)
            line = remember(ctx, f"PZG:greet:html:{french}", text[start:end], lambda t: find_greetings(t, "html", vocab, french))
            for g in line:
                found.append(g._replace(start=g.start + start, end=g.end + start, slot_start=g.slot_start + start,
                                        slot_end=g.slot_end + start))
    if message.text_part is not None:
        found.extend(find_greetings(message.text_part, "text", vocab, french))
    return found
