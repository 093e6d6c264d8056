"""``personalization-gap``: merge tags that did not render, empty or null names, missing variables,
and one name shown to everyone ("Hi FNAME", "User null", Aviva calling thousands "Michael").

The vocabulary (tag syntaxes, greeting words, null spellings, generic forms of address) is data in
``rules/merge_tags.yaml``. Greetings are found once per message and shared by the checks that
judge them: a greeting is a greeting word at the start of a line (or of the subject/preheader),
then a *name slot* up to the next punctuation, so "Hi ," has an empty slot, "Hi None," a null
one and "Hi FNAME," a field name in it.
"""

from __future__ import annotations

import html
import re
import unicodedata
import weakref
from dataclasses import dataclass, replace
from typing import NamedTuple
from urllib.parse import unquote

from preview.checks.check import Check, check
from preview.checks.evidence import describe_paths
from preview.checks.model import CheckSpec
from preview.checks.rules import Rules

_COMMON = {"family": "personalization-gap", "severity": "block"}

# Parts whose text a finding can index, and where greetings are looked for.
_TEXT_PARTS = ("subject", "preheader", "from_name")
_GREETING_PARTS = ("subject", "preheader")
# Record fields that hold the recipient's own name, and template reads that feed a name slot.
_NAME_FIELD = re.compile(
    r"^(?:first_name|last_name|attributes\.(?:(?:first|given|last|family|sur|nick|display|full|preferred"
    r"|salutation|greeting|customer|contact)_?name|nickname|salutation|name))$"
)
_IDENTIFIER = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$")
_ENGINE_PART = {"body": "html"}
# How messages name the parts of an email.
_LABEL = {"subject": "subject", "preheader": "preheader", "from_name": "sender name", "html": "email body",
          "text": "plain-text part"}


# -- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    """One merge-tag syntax: its regex, how findings name it, and a literal it cannot match without."""

    regex: re.Pattern
    syntax: str
    needs: str  # a cheap ``in`` test skips the regex on text without it


@dataclass(frozen=True)
class Vocabulary:
    """``merge_tags.yaml`` compiled: the tag syntaxes and the greeting word lists."""

    tags: tuple  # of Tag; one regex each (one alternation of them all is many times slower)
    greeting: re.Pattern
    after: re.Pattern
    null_words: tuple
    generic: frozenset  # generic forms of address, and the greeting words themselves
    field_names: frozenset

    def find_tags(self, text: str) -> list[tuple]:
        """``(start, end, token, syntax)`` of every unrendered tag in ``text``, in text order.

        Where two syntaxes match one stretch ("[[FNAME]]" holds "[FNAME]"), the longer match wins.
        """
        if not text:
            return []
        hits = [
            (m.start(), m.end(), m.group(), tag.syntax)
            for tag in self.tags if tag.needs in text for m in tag.regex.finditer(text)
        ]
        if len(hits) < 2:
            return hits
        kept: list[tuple] = []
        for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        return kept

    def has_tag(self, text: str) -> bool:
        return bool(self.find_tags(text))

    def find_nulls(self, text: str):
        """``(start, end, word)`` of every null spelling in ``text``, as a whole word."""
        for word in self.null_words:
            at = text.find(word)
            while at >= 0:
                end = at + len(word)
                if not word.isalnum() or (
                    (at == 0 or not _word_char(text[at - 1])) and (end == len(text) or not _word_char(text[end]))
                ):
                    yield at, end, word
                at = text.find(word, end)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


_VOCABULARIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def vocabulary(ctx) -> Vocabulary:
    """The compiled vocabulary of this run's rules, built once per rules object (so per process)."""
    rules = ctx.rules if ctx.rules is not None else ctx.cache.setdefault("PZG:rules", Rules())
    vocab = _VOCABULARIES.get(rules)
    if vocab is None:
        vocab = _VOCABULARIES[rules] = _compile(rules.entries("merge_tags"))
    return vocab


def _words(entries, key: str) -> list[str]:
    return [str(w) for e in entries for w in e.get(key) or ()]


def _alternation(words) -> str:
    # Longest first, so "welcome back" wins over "welcome"; spaces match any run of spaces.
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def leading_literal(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with ('' when it starts otherwise)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            char, step = pattern[i + 1], 2
        elif c not in ".^$*+?{}[]\\|()":
            char, step = c, 1
        else:
            break
        if pattern[i + step : i + step + 1] in ("?", "*", "{"):
            break  # an optional character is no requirement
        out.append(char)
        i += step
    return "".join(out)


def _compile(entries: list[dict]) -> Vocabulary:
    tags = tuple(
        Tag(re.compile(e["pattern"]), str(e.get("syntax", e["id"])), leading_literal(e["pattern"]))
        for e in entries if e.get("pattern")
    )
    greet = _alternation(w.casefold() for w in _words(entries, "greetings"))
    titles = _alternation(w.casefold() for w in _words(entries, "titles"))
    return Vocabulary(
        tags=tags,
        # A greeting word at the start of a line, after at most a few symbols (emoji, "¡").
        greeting=re.compile(rf"^[^\w\n]{{0,6}}?(?P<greet>{greet})(?![\w'\u2019])", re.IGNORECASE | re.MULTILINE),
        # What follows a greeting word: spaces, an optional comma, a courtesy title, the name
        # slot, and the punctuation (or line end) that closes it.
        after=re.compile(
            r"(?P<ws1>[ \t]*)(?P<comma>,?)(?P<ws2>[ \t]*)"
            + (rf"(?P<title>(?:{titles})\.?[ \t]+(?=\S))?" if titles else "(?P<title>(?!))?")
            # A dot inside a word ("contact.firstname") stays in the slot; one before a space ends it.
            # (greedy, then trimmed in find_greetings: a lazy slot costs a retry per character).
            + r"(?P<slot>(?:[^\n,!.?:;()\u2013\u2014]+|\.(?=\w))*)",
            re.IGNORECASE,
        ),
        null_words=tuple(dict.fromkeys(_words(entries, "null_words"))),
        # "Hello" as the fallback of default('Hello') greets, it names nobody.
        generic=frozenset(w.casefold() for w in _words(entries, "generic_names") + _words(entries, "greetings")),
        field_names=frozenset(_fold_field(w) for w in _words(entries, "field_names")),
    )


def _fold_field(text: str) -> str:
    return " ".join(re.sub(r"[\[\]{}<>_*|%]", " ", text).casefold().split())


def fold_name(text: str) -> str:
    """A name as compared across recipients: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# -- greetings -------------------------------------------------------------------------------


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
    if part in _GREETING_PARTS:
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
    return _fold_field(bare) in vocab.field_names


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


_MEMO = 20_000


def slot_facts(ctx, slot: str) -> tuple:
    """(name, is a field name, holds a null spelling) of a greeting slot, remembered per run."""
    vocab = vocabulary(ctx)
    brand = _brand(ctx)
    return remember(ctx, "PZG:slots", slot, lambda s: (
        name_of(s, vocab, brand), is_field_name(s, vocab), bool(next(vocab.find_nulls(s), None)),
    ))


# -- the body, planned once per layout --------------------------------------------------------

# Stands for a recipient value in a layout's text while it is planned: not a word character, not
# part of any tag syntax, never in real text.
SLOT_MARK = "\x00"


@dataclass(frozen=True)
class BodyPlan:
    """What the body's static text holds, found once per shared layout.

    Offsets are in the layout's *skeleton* (its text with one ``SLOT_MARK`` per value); each carries
    the number of values before it, which is all it takes to move it to a recipient's text.
    """

    order: tuple  # the slot numbers in text order
    tags: tuple  # (start, end, values_before, token, syntax) of tags in static text
    objects: tuple  # (start, end, values_before, word) of null spellings that are never copy
    lines: tuple  # (start, end, values_before_start, values_before_end) of lines that may greet
    attributes: tuple  # (where, token, syntax) of tags in static link, image and preview attributes
    slotted: tuple  # (kind, index) of the attributes that hold recipient values


def body_plan(ctx, layout, vocab: Vocabulary) -> BodyPlan:
    """The plan of ``layout``, kept while the renderer keeps the layout (weakly referenced)."""
    plans = ctx.cache.setdefault("PZG:plans", weakref.WeakKeyDictionary())
    plan = plans.get(layout)
    if plan is None:
        plan = plans[layout] = _plan(layout, vocab)
    return plan


def _plan(layout, vocab: Vocabulary) -> BodyPlan:
    skeleton = "".join(p if type(p) is str else SLOT_MARK for p in layout.text)

    def before(pos: int) -> int:
        return skeleton.count(SLOT_MARK, 0, pos)

    tags = tuple((a, b, before(a), token, syntax) for a, b, token, syntax in vocab.find_tags(skeleton) if SLOT_MARK not in token)
    objects = tuple((a, b, before(a), w) for a, b, w in vocab.find_nulls(skeleton) if not w.isalnum())
    lines = {}
    for m in vocab.greeting.finditer(skeleton):
        lines[_line(skeleton, m.start())] = None
    for m in re.finditer(rf"^[^\w\n]{{0,6}}{SLOT_MARK}", skeleton, re.MULTILINE):  # a line a value may open
        lines[_line(skeleton, m.start())] = None
    attributes, slotted = [], []
    candidates = [("hidden", 0, "preview text", layout.hidden_text)]
    candidates += [("href", i, f"link {_flat(s.href)[:80]}", s.href) for i, s in enumerate(layout.links)]
    candidates += [("alt", i, "image alt text", s.alt) for i, s in enumerate(layout.images)]
    candidates += [("src", i, f"image {_flat(s.src)[:80]}", s.src) for i, s in enumerate(layout.images)]
    for kind, index, where, parts in candidates:
        if not parts:
            continue
        if any(type(p) is int for p in parts):
            slotted.append((kind, index))
            continue
        text = parts[0] if kind == "alt" or kind == "hidden" else unquote(parts[0])
        attributes.extend((where, token, syntax) for _, _, token, syntax in vocab.find_tags(text))
    return BodyPlan(
        order=tuple(p for p in layout.text if type(p) is not str),
        tags=tags,
        objects=objects,
        lines=tuple((a, b, before(a), before(b)) for a, b in sorted(lines)),
        attributes=tuple(attributes),
        slotted=tuple(slotted),
    )


def _line(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _flat(parts) -> str:
    return "".join(p for p in parts if type(p) is str) if parts else ""


class Placer:
    """Moves offsets in a layout's skeleton to one recipient's body text.

    ``order`` is the layout's slot numbers in text order; an offset with ``n`` values before it
    moves by the lengths those values add.
    """

    def __init__(self, order, document):
        shift = [0]
        values = document.text_values
        for slot in order:
            shift.append(shift[-1] + len(values[slot]) - len(SLOT_MARK))
        self.shift = shift

    def __call__(self, pos: int, values_before: int) -> int:
        return pos + self.shift[values_before]


def _body(message, ctx):
    """(plan, placer) of ``message``'s body, or None without one; memoised for the message."""
    memo = ctx.cache.get("PZG:body")
    if memo is not None and memo[0] is message:
        return memo[1]
    doc = message.document
    value = None
    if doc is not None:
        plan = body_plan(ctx, doc.layout, vocabulary(ctx))
        value = (plan, Placer(plan.order, doc))
    ctx.cache["PZG:body"] = (message, value)
    return value


def greetings(message, ctx) -> list[Greeting]:
    """The greetings of ``message``, found once and shared by this family's checks.

    Body greetings are looked for only on the lines the layout's plan marks (a greeting word
    or a value at the start), re-read with this recipient's values in place.
    """
    memo = ctx.cache.get("PZG:greetings")
    if memo is not None and memo[0] is message:
        return memo[1]
    vocab = vocabulary(ctx)
    french = bool(message.document and (message.document.lang or "").lower().startswith("fr"))
    found = []
    for part in _GREETING_PARTS:
        found.extend(remember(ctx, f"PZG:greet:{part}:{french}", message.part_text(part),
                              lambda t, p=part: find_greetings(t, p, vocab, french)))
    body = _body(message, ctx)
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
    ctx.cache["PZG:greetings"] = (message, found)
    return found


_STATIC_FINDINGS = 10_000


def static_finding(ctx, spec_check, message, part: str, start: int | None, end: int | None, text: str, **args):
    """A template-level finding, built once per run and re-placed for each recipient's text.

    Building a finding reads its data lineage, which is the costly part; template text has the
    same finding for everyone, so only its offsets change from one recipient to the next.
    """
    store = ctx.cache.setdefault("PZG:static", {})
    key = (spec_check.spec.code, part, text, tuple(sorted(args.items())))
    placed = store.get((key, start, end))  # the values before it have lengths that recur
    if placed is not None:
        return placed
    finding = store.get(key)
    if finding is None:
        finding = ctx.finding(spec_check, message, None, part=part, start=start, end=end, text=text,
                              template_level=True, **args)
        if len(store) < _STATIC_FINDINGS:  # template text is finite; this only guards against misuse
            store[key] = finding
    if (finding.evidence.start, finding.evidence.end) != (start, end):
        finding = replace(finding, evidence=replace(finding.evidence, start=start, end=end))
    if len(store) < _STATIC_FINDINGS:
        store[key, start, end] = finding
    return finding


def span_finding(ctx, spec_check, message, recipient, part: str, start: int, end: int, **args):
    """A finding on ``[start, end)`` of ``part``: per recipient when data made it, else for the template."""
    if from_data(message, ctx, part, start, end):
        return ctx.finding(spec_check, message, recipient, part=part, start=start, end=end, template_level=False, **args)
    return static_finding(ctx, spec_check, message, part, start, end, message.part_text(part)[start:end], **args)


def from_data(message, ctx, part: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` of ``part`` shows recipient data.

    Where values had to be baked into the layout (``inlined_dynamic``), the message cannot say
    which body text they are, so they are looked up in the visible text (see :func:`value_spans`).
    """
    if part == "html" and message.inlined_dynamic:
        return any(a < end and start < b for a, b in value_spans(message, ctx))
    return message.is_dynamic(part, start, end)


_TAGS = re.compile(r"<[^>]*>")


def value_spans(message, ctx) -> list[tuple[int, int]]:
    """Where the body's recipient values sit in its visible text; memoised for the message."""
    memo = ctx.cache.get("PZG:values")
    if memo is not None and memo[0] is message:
        return memo[1]
    spans = [(a, b) for a, b, _ in message.document.text_spans] if message.document is not None else []
    out = message.parts.get("body")
    if message.inlined_dynamic and out is not None:
        # Values come in text order, each after the template text before it: find that text's
        # last words followed by the value, from where the previous value ended.
        text = message.body_text
        slotted = set(message.body_slot_chunks)
        cursor = 0
        before = ""
        for index, chunk in enumerate(out.chunks):
            visible = " ".join(html.unescape(_TAGS.sub(" ", out.text[chunk.start : chunk.end])).split())
            if not chunk.dynamic or index in slotted:
                before = (before + " " + visible)[-30:] if visible else before
                continue
            if visible:
                lead = r"\s+".join(re.escape(w) for w in before.split())
                m = re.compile(lead + r"\s*(" + re.escape(visible) + ")").search(text, cursor)
                if m is not None:
                    spans.append(m.span(1))
                    cursor = m.end()
            before = ""
    ctx.cache["PZG:values"] = (message, spans)
    return spans


@dataclass(frozen=True)
class Gap:
    """A variable of one part that rendered as nothing: as the template names it, and its field."""

    variable: str  # "recipient.first_name", or "FirstName" for a name that is no recipient field
    field: str | None  # the record path ("first_name"), None when it is not a recipient field
    how: str  # "missing", "null", or "undefined" (not a recipient field at all)

    def data(self, recipient: dict) -> list[str]:
        """The evidence lines for this gap."""
        if self.field is None:
            return [f"{self.variable}: not a recipient field (templates read them as recipient.NAME)"]
        return describe_paths(recipient, [self.field])


def _gaps(message, part: str) -> list[Gap]:
    """The variables of ``part`` that rendered as nothing, in template order, each once."""
    out: dict[str, Gap] = {}
    for engine_part, name in message.missing:
        if _ENGINE_PART.get(engine_part, engine_part) == part:
            field = name.removeprefix("recipient.") if name.startswith("recipient.") else None
            out.setdefault(name, Gap(name, field, "missing" if field else "undefined"))
    for engine_part, path in message.nulls:
        if _ENGINE_PART.get(engine_part, engine_part) == part:
            field = None if path == "?" else path.removeprefix("recipient.")
            variable = f"recipient.{field}" if field else "a value"
            out.setdefault(variable, Gap(variable, field, "null"))
    return list(out.values())


def _greeting_gaps(message, ctx, g: Greeting) -> list[Gap]:
    """The gaps of the greeting ``g``: those the template writes right after its greeting word.

    Empty values leave no trace in the output, so the template source is read instead; when it
    does not tell, every gap of the part is given.
    """
    gaps = _gaps(message, g.part)
    campaign = ctx.campaign
    source = {"html": "body", "text": "text", "subject": "subject", "preheader": "preheader"}.get(g.part)
    source = getattr(campaign, source, None) if campaign is not None and source else None
    words = message.part_text(g.part)[g.start : g.slot_start].split()
    if len(gaps) < 2 or g.kind != "greeting" or not source or not words:
        return gaps
    word = re.escape(words[0].strip(",!"))
    windows = [source[m.end() : m.end() + 160] for m in re.finditer(rf"(?<!\w){word}(?!\w)", source, re.IGNORECASE)]
    near = [gap for gap in gaps if any(re.search(rf"\b{re.escape(_last_name(gap.variable))}\b", w) for w in windows)]
    return near or gaps


def _last_name(variable: str) -> str:
    return [p for p in re.split(r"[.\[\]]", variable) if p][-1]


def _brand(ctx) -> frozenset:
    """The words of the sender and campaign names ("Hi Acme insiders" names no person); once per run."""
    brand = ctx.cache.get("PZG:brand")
    if brand is None:
        campaign = ctx.campaign
        words = " ".join(str(getattr(campaign, k, "") or "") for k in ("from_name", "name")) if campaign else ""
        brand = ctx.cache["PZG:brand"] = frozenset(w.casefold() for w in re.findall(r"\w+", words))
    return brand


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
                               where=_LABEL[part])
    body = _body(message, ctx)
    if body is None:
        return
    plan, place = body
    doc = message.document
    text = message.body_text
    if message.inlined_dynamic:
        # Values are baked into this layout, so its text is this recipient's own: read all of it.
        body_hits = [(a, b, t, s) for a, b, t, s in tags(text)]
    else:
        body_hits = [(place(a, n), place(b, n), t, s) for a, b, n, t, s in plan.tags if " ".join(t.split()) not in allowed]
        for start, end, _slot in doc.text_spans:
            body_hits.extend((start + a, start + b, t, s) for a, b, t, s in tags(text[start:end]))
    for a, b, token, syntax in body_hits:
        yield span_finding(ctx, unrendered_merge_tag, message, recipient, "html", a, b, token=token, syntax=syntax,
                           where=_LABEL["html"])
    # Attributes and the hidden preview text are not part of the visible text: the plan judged the
    # static ones; the ones holding values are read for each recipient.
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
    layout = doc.layout
    for kind, index in plan.slotted:
        where, value, parts = _attribute(doc, layout, kind, index)
        for _, _, token, syntax in tags(value):
            if token in source if message.inlined_dynamic else _in_static(parts, token):
                # Named by the template's own part of the address, the same for every recipient.
                where = where if kind in ("hidden", "alt") else f"{where.split()[0]} {_flat(parts)[:80]}"
                yield static_finding(ctx, unrendered_merge_tag, message, "html", None, None, token, token=token,
                                     syntax=syntax, where=where)
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
    body = _body(message, ctx)
    if body is not None:
        hits.extend(_body_nulls(message, ctx, body, vocab, slots.get("html", ())))
    for part, a, b, word, in_slot in hits:
        label = _LABEL[part]
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
        gaps = _greeting_gaps(message, ctx, g)
        data = [line for gap in gaps for line in gap.data(recipient)]
        for field in ("first_name", "last_name"):
            value = recipient.get(field)
            if isinstance(value, str) and not value.strip():
                data.append(f"{field}: {value!r}")  # as lineage would say it, so it is not repeated
        because = f": {', '.join(gap.variable for gap in gaps)} rendered as nothing" if gaps else ""
        yield ctx.finding(empty_greeting, message, recipient, part=g.part, start=g.start, end=g.end, text=text,
                          data=data, because=because, greeting=text, where=_LABEL[g.part])


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
        for gap in _gaps(message, part):
            yield ctx.finding(missing_variable, message, recipient, part=part, text=gap.variable,
                              data=gap.data(recipient), variable=gap.variable, how=gap.how, where=_LABEL[part])


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
                                 name=name, how="in a greeting", who="every recipient", where=_LABEL[g.part])
    for part, line, text, name in _fallback_names(ctx):
        yield static_finding(ctx, hard_coded_name, message, part, None, None, text, line=line, name=name,
                             how="as the fallback of a name field", who="everyone without that field",
                             where=_LABEL[part])


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
                               kind=kind, where=_LABEL[g.part])


class SharedName(Check):
    """PZG005: one name shown to most of the run's recipients while their own names differ.

    Per recipient it notes the names shown in greetings and the values of slots fed by name
    fields that are not the recipient's own first or last name. At the end, a name is a finding
    when it was shown that way to more than half of at least ten recipients, or to at least ten
    recipients who make up more than half of those shown a name not theirs (the "Michael"
    fallback reaches exactly the people without a first name). Counting uses the Misra-Gries
    summary, so memory stays bounded however many recipients a run checks.
    """

    _CAPACITY = 1000

    def start(self, ctx) -> None:
        ctx.state[self.spec.code] = {"total": 0, "wrong": 0, "counts": {}, "info": {}}

    def run(self, message, recipient, ctx):
        if recipient.get("is_seed") or (message.document is None and not message.subject):
            return ()
        state = ctx.state.setdefault(self.spec.code, {"total": 0, "wrong": 0, "counts": {}, "info": {}})
        state["total"] += 1
        own = set(fold_name(" ".join(str(recipient.get(f) or "") for f in ("first_name", "last_name"))).split())
        wrong = False
        for key, shown, part in self._shown(message, ctx):
            if own and set(key.split()) <= own:
                continue
            wrong = True
            self._count(state, key, shown, part, recipient)
        state["wrong"] = state.get("wrong", 0) + wrong
        return ()

    def _shown(self, message, ctx):
        seen = set()
        for g in greetings(message, ctx):
            name = slot_facts(ctx, g.slot)[0] if g.kind == "greeting" else None
            if name and fold_name(name) not in seen:
                seen.add(fold_name(name))
                yield fold_name(name), name, g.part
        for value, part in _name_values(message):
            name = slot_facts(ctx, value)[0]
            if name and fold_name(name) not in seen:
                seen.add(fold_name(name))
                yield fold_name(name), name, part

    def _count(self, state, key, shown, part, recipient) -> None:
        counts, info = state["counts"], state["info"]
        if key not in counts and len(counts) >= self._CAPACITY:
            # Misra-Gries: decrement every counter; names that reach zero make room.
            for other in list(counts):
                counts[other] -= 1
                if counts[other] <= 0:
                    del counts[other]
                    info.pop(other, None)
            return
        counts[key] = counts.get(key, 0) + 1
        entry = info.setdefault(key, {"shown": shown, "part": part, "examples": []})
        if len(entry["examples"]) < 5:
            entry["examples"].append(f"{recipient.get('id')}: first_name {recipient.get('first_name')!r}")

    def finish(self, ctx):
        state = ctx.state.get(self.spec.code) or {}
        total, wrong = state.get("total", 0), state.get("wrong", 0)
        least = int(ctx.option("shared_name_min_recipients", 10))
        share = float(ctx.option("shared_name_share", 0.5))
        for key, count in sorted(state.get("counts", {}).items(), key=lambda kv: -kv[1]):
            # Most of the run, or, once enough people got a name not theirs, most of those: a
            # fallback that is a real name reaches exactly the recipients without one.
            if (total >= least and count > share * total) or (count >= least and count > share * wrong):
                entry = state["info"][key]
                yield ctx.template_finding(self, part=entry["part"], text=entry["shown"], name=entry["shown"],
                                           shown=count, total=total, wrong=wrong, data=entry["examples"])


def _name_values(message):
    """(value, part) of every rendered value read from a name field."""
    body = message.parts.get("body")
    if message.document is not None and body is not None:
        text = message.body_text
        for start, end, slot in message.document.text_spans:
            if slot < len(message.body_slot_chunks):
                chunk = body.chunks[message.body_slot_chunks[slot]]
                if any(_NAME_FIELD.match(p) for p in chunk.reads):
                    yield text[start:end], "html"
    for part in _GREETING_PARTS:
        out = message.parts.get(part)
        for chunk in out.chunks if out else ():
            if chunk.dynamic and any(_NAME_FIELD.match(p) for p in chunk.reads):
                yield out.text[chunk.start : chunk.end], part


shared_name = SharedName(
    CheckSpec(
        code="PZG005",
        name="shared-name",
        summary="Most recipients of the sample are greeted by the same name, which is not theirs.",
        why="When one name reaches most people (a test value, a fallback that is a real name, a field mapped "
        "from the wrong column), thousands get someone else's name, as when Aviva called its customers "
        "'Michael'. Fires when one such name reaches more than half of at least 10 checked recipients, or at "
        "least 10 recipients who are most of those shown a name not theirs (options shared_name_min_recipients "
        "and shared_name_share).",
        bad="{{ recipient.attributes.display_name }} holding 'Michael' for 8 of 10 sampled recipients",
        good="{{ recipient.first_name | default('there', true) }}",
        message="{name!r} is shown as the name of {shown} of {total} sampled recipients whose own names differ "
        "({wrong} were shown a name not theirs)",
        **_COMMON,
    )
)

CHECKS = [unrendered_merge_tag, null_value, empty_greeting, missing_variable, shared_name, hard_coded_name,
          field_name_as_name]
