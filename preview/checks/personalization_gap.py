"""``personalization-gap``: merge tags that did not render, empty or null names, missing variables,
and one name shown to everyone ("Hi FNAME", "User null", Aviva calling thousands "Michael").

The vocabulary (tag syntaxes, greeting words, null spellings, generic forms of address) is data in
``rules/merge_tags.yaml``. Greetings are found once per message and shared by the checks that
judge them: a greeting is a greeting word at the start of a line (or of the subject/preheader),
then a *name slot* up to the next punctuation, so "Hi ," has an empty slot, "Hi None," a null
one and "Hi FNAME," a field name in it.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
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
class Vocabulary:
    """``merge_tags.yaml`` compiled: one regex of every tag syntax, and the greeting word lists."""

    tags: re.Pattern | None
    syntaxes: tuple  # the syntax entry of each named group of ``tags``
    greeting: re.Pattern
    after: re.Pattern
    null_words: re.Pattern
    null_literals: tuple
    generic: frozenset
    field_names: frozenset


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


def _compile(entries: list[dict]) -> Vocabulary:
    syntaxes = [e for e in entries if e.get("pattern")]
    tags = re.compile("|".join(f"(?P<t{i}>{e['pattern']})" for i, e in enumerate(syntaxes))) if syntaxes else None
    greet = _alternation(w.casefold() for w in _words(entries, "greetings"))
    titles = _alternation(w.casefold() for w in _words(entries, "titles"))
    nulls = _words(entries, "null_words")
    plain = [w for w in nulls if re.fullmatch(r"\w+", w)]
    literal = tuple(w for w in nulls if w not in plain)
    null_alt = [rf"(?<!\w){_alternation(plain)}(?!\w)"] if plain else []
    null_alt += [re.escape(w) for w in literal]
    return Vocabulary(
        tags=tags,
        syntaxes=tuple(syntaxes),
        # A greeting word at the start of a line, after at most a few symbols (emoji, "¡").
        greeting=re.compile(rf"^[^\w\n]{{0,6}}?(?P<greet>{greet})(?![\w'\u2019])", re.IGNORECASE | re.MULTILINE),
        # What follows a greeting word: spaces, an optional comma, a courtesy title, the name
        # slot, and the punctuation (or line end) that closes it.
        after=re.compile(
            r"(?P<ws1>[ \t]*)(?P<comma>,?)(?P<ws2>[ \t]*)"
            + (rf"(?P<title>(?:{titles})\.?[ \t]+(?=\S))?" if titles else "(?P<title>(?!))?")
            # A dot inside a word ("contact.firstname") stays in the slot; one before a space ends it.
            + r"(?P<slot>(?:[^\n,!.?:;()\u2013\u2014]|\.(?=\w))*?)[ \t]*"
            r"(?P<punct>[,!?:;()\u2013\u2014]|\.(?!\w)|[ \t]-[ \t]|(?=\n)|$)",
            re.IGNORECASE,
        ),
        null_words=re.compile("|".join(null_alt) or "(?!)"),
        null_literals=tuple(nulls),
        generic=frozenset(w.casefold() for w in _words(entries, "generic_names")),
        field_names=frozenset(_fold_field(w) for w in _words(entries, "field_names")),
    )


def _fold_field(text: str) -> str:
    return " ".join(re.sub(r"[\[\]{}<>_*|%]", " ", text).casefold().split())


def fold_name(text: str) -> str:
    """A name as compared across recipients: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# -- greetings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Greeting:
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


def find_greetings(text: str, part: str, vocab: Vocabulary, french: bool = False) -> list[Greeting]:
    """Every greeting in ``text`` (a part's text, lines separated by newlines)."""
    found = []
    if not text:
        return found
    for m in vocab.greeting.finditer(text):
        a = vocab.after.match(text, m.end())
        slot = a.group("slot")
        punct = a.group("punct").strip()
        slot_start, slot_end = a.span("slot")
        if a.group("ws1") and a.group("comma"):
            # "Hi , welcome": the space before the comma is where the name was.
            empty, slot, slot_start, slot_end = True, "", a.start("comma"), a.start("comma")
        else:
            empty = not slot and punct in tuple(",!.?:;") and bool(a.group("ws1") or a.group("comma") or a.group("title"))
            if empty and french and punct in "!?:;" and not a.group("comma"):
                empty = False  # French typography puts a space before ! ? : ; ("Bonjour !")
        found.append(Greeting(part, "greeting", m.start("greet"), a.end(), slot_start, slot_end, slot, empty))
    if part in _GREETING_PARTS:
        found.extend(_vocatives(text, part, found))
    return found


_LEADING = re.compile(r"^[^\w\n,]{0,6}?(?P<slot>[^\n,!.?:;]{0,40}?)[ \t]*,")
_TRAILING = re.compile(r",[ \t]*(?P<slot>[^\n,!.?:;]{0,40}?)[ \t]*(?P<punct>[!.?]*)[ \t]*$")


def _vocatives(text: str, part: str, found: list[Greeting]) -> list[Greeting]:
    """Vocatives of a subject or preheader: "Ana, your picks" and "Your picks, Ana!"."""
    out = []
    lead = _LEADING.match(text)
    if lead and not any(g.start <= lead.end() for g in found):
        slot = lead.group("slot")
        out.append(Greeting(part, "leading", lead.start(), lead.end(), lead.start("slot"), lead.end("slot"), slot, not slot.strip()))
    trail = _TRAILING.search(text)
    # The comma of "Hi Ana," or "Hello," belongs to the greeting, not to a vocative after it.
    taken = max((g.end for g in found), default=0)
    if trail and trail.start() >= taken:
        slot = trail.group("slot")
        out.append(Greeting(part, "trailing", trail.start(), trail.end(), trail.start("slot"), trail.end("slot"), slot, not slot.strip()))
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


def greetings(message, ctx) -> list[Greeting]:
    """The greetings of ``message``, found once and shared by this family's checks."""
    memo = ctx.cache.get("PZG:greetings")
    if memo is not None and memo[0] is message:
        return memo[1]
    vocab = vocabulary(ctx)
    french = bool(message.document and (message.document.lang or "").lower().startswith("fr"))
    found = []
    for part in _GREETING_PARTS:
        found.extend(find_greetings(message.part_text(part), part, vocab, french))
    found.extend(find_greetings(message.body_text, "html", vocab, french))
    if message.text_part is not None:
        found.extend(find_greetings(message.text_part, "text", vocab, french))
    ctx.cache["PZG:greetings"] = (message, found)
    return found


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
    campaign = ctx.campaign
    words = " ".join(str(getattr(campaign, k, "") or "") for k in ("from_name", "name")) if campaign else ""
    return frozenset(w.casefold() for w in re.findall(r"\w+", words) if "{" not in w)


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
    if vocab.tags is None:
        return
    allowed = {" ".join(str(t).split()) for t in ctx.option("allowed_merge_tags", ())}
    texts = [(p, message.part_text(p), _LABEL[p]) for p in _TEXT_PARTS]
    if message.document is not None:
        texts.append(("html", message.body_text, _LABEL["html"]))
    if message.text_part is not None:
        texts.append(("text", message.text_part, _LABEL["text"]))
    for part, text, where in texts:
        for m in _tags(vocab, text, allowed):
            yield ctx.finding(unrendered_merge_tag, message, recipient, part=part, start=m.start(), end=m.end(),
                              token=m.group(), syntax=_syntax(vocab, m), where=where)
    if message.document is None:
        return
    # Attributes and hidden text are not part of the visible text: judge them one by one, and
    # call a tag template text when it sits in the static part of the layout.
    layout = message.document.layout
    candidates = [("preview text", message.document.hidden_text, layout.hidden_text)]
    for link, slots in zip(message.document.links, layout.links, strict=False):
        if link.href:
            candidates.append((f"link {link.href[:80]}", unquote(link.href), slots.href))
    for image, slots in zip(message.document.images, layout.images, strict=False):
        if image.alt:
            candidates.append(("image alt text", image.alt, slots.alt))
        if image.src:
            candidates.append((f"image {image.src[:80]}", unquote(image.src), slots.src))
    for where, text, parts in candidates:
        for m in _tags(vocab, text, allowed):
            static = not message.inlined_dynamic and _in_static(parts, m.group())
            yield ctx.finding(unrendered_merge_tag, message, recipient, part="html", text=m.group(),
                              template_level=static, token=m.group(), syntax=_syntax(vocab, m), where=where)


def _tags(vocab: Vocabulary, text: str, allowed: set):
    if not text:
        return
    for m in vocab.tags.finditer(text):
        if " ".join(m.group().split()) not in allowed:
            yield m


def _syntax(vocab: Vocabulary, m: re.Match) -> str:
    return str(vocab.syntaxes[int(m.lastgroup[1:])].get("syntax", m.lastgroup))


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
    slots = {}
    for g in greetings(message, ctx):
        slots.setdefault(g.part, []).append((g.slot_start, g.slot_end))
    texts = [(p, message.part_text(p)) for p in _TEXT_PARTS]
    if message.document is not None:
        texts.append(("html", message.body_text))
    if message.text_part is not None:
        texts.append(("text", message.text_part))
    for part, text in texts:
        if not text or not any(w in text for w in vocab.null_literals):
            continue
        for m in vocab.null_words.finditer(text):
            s, e = m.span()
            in_slot = any(a <= s and e <= b for a, b in slots.get(part, ()))
            from_data = message.document.is_dynamic(s, e) if part == "html" else message.is_dynamic(part, s, e)
            if in_slot or from_data or not m.group().isalnum():  # "[object Object]" is never copy
                label = _LABEL[part]
                where = f"greeting of the {label}" if in_slot else (f"{label}, from the data" if from_data else label)
                yield ctx.finding(null_value, message, recipient, part=part, start=s, end=e, word=m.group(),
                                  where=where)


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
                data.append(f"{field}: {value!r} (blank)")
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
    summary="A greeting in the template text names a person ('Hi Michael,') instead of using the recipient's name.",
    why="A name typed into the template (often left from a test) goes to everyone: Aviva called thousands of "
    "customers 'Michael'. It warns rather than blocks because some greetings are deliberate ('Hello Sunshine'): "
    "add such words to generic_names in a rules folder.",
    bad="<mj-text>Hi Michael,</mj-text>",
    good="<mj-text>Hi {{ recipient.first_name | default('there', true) }},</mj-text>",
    message="The greeting names {name!r} in the template text of the {where}, so every recipient gets it",
)
def hard_coded_name(message, recipient, ctx):
    vocab = vocabulary(ctx)
    brand = _brand(ctx)
    for g in greetings(message, ctx):
        if g.kind != "greeting":
            continue
        name = name_of(g.slot, vocab, brand)
        if name is None or is_field_name(g.slot, vocab) or vocab.null_words.search(g.slot):
            continue
        if not message.is_dynamic(g.part, g.slot_start, g.slot_end):
            yield ctx.finding(hard_coded_name, message, recipient, part=g.part, start=g.slot_start, end=g.slot_end,
                              name=name, where=_LABEL[g.part])


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
        if slot and is_field_name(slot, vocab) and not (vocab.tags and vocab.tags.search(slot)):
            yield ctx.finding(field_name_as_name, message, recipient, part=g.part, start=g.slot_start,
                              end=g.slot_end, slot=slot, kind="greeting" if g.kind == "greeting" else "form of address",
                              where=_LABEL[g.part])


class SharedName(Check):
    """PZG005: one name shown to most of the run's recipients while their own names differ.

    Per recipient it notes the names shown in greetings and the values of slots fed by name
    fields that are not the recipient's own first or last name; at the end, a name shown that
    way to more than half of at least ten recipients is a finding. Counting uses the
    Misra-Gries summary, so memory stays bounded however many recipients a run checks.
    """

    _CAPACITY = 1000

    def start(self, ctx) -> None:
        ctx.state[self.spec.code] = {"total": 0, "counts": {}, "info": {}}

    def run(self, message, recipient, ctx):
        if recipient.get("is_seed") or (message.document is None and not message.subject):
            return ()
        state = ctx.state.setdefault(self.spec.code, {"total": 0, "counts": {}, "info": {}})
        state["total"] += 1
        own = set(fold_name(" ".join(str(recipient.get(f) or "") for f in ("first_name", "last_name"))).split())
        for key, shown, part in self._shown(message, ctx):
            if own and set(key.split()) <= own:
                continue
            self._count(state, key, shown, part, recipient)
        return ()

    def _shown(self, message, ctx):
        vocab = vocabulary(ctx)
        brand = _brand(ctx)
        seen = set()
        for g in greetings(message, ctx):
            name = name_of(g.slot, vocab, brand) if g.kind == "greeting" else None
            if name and fold_name(name) not in seen:
                seen.add(fold_name(name))
                yield fold_name(name), name, g.part
        for value, part in _name_values(message):
            name = name_of(value, vocab, brand)
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
        total = state.get("total", 0)
        if total < int(ctx.option("shared_name_min_recipients", 10)):
            return
        share = float(ctx.option("shared_name_share", 0.5))
        for key, count in sorted(state["counts"].items(), key=lambda kv: -kv[1]):
            if count > share * total:
                entry = state["info"][key]
                yield ctx.template_finding(self, part=entry["part"], text=entry["shown"], name=entry["shown"],
                                           shown=count, total=total, data=entry["examples"])


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
        "'Michael'. Needs at least 10 checked recipients (option shared_name_min_recipients) and fires "
        "above half of them (option shared_name_share).",
        bad="{{ recipient.attributes.display_name }} holding 'Michael' for 8 of 10 sampled recipients",
        good="{{ recipient.first_name | default('there', true) }}",
        message="{name!r} is shown as the name of {shown} of {total} sampled recipients whose own names differ",
        **_COMMON,
    )
)

CHECKS = [unrendered_merge_tag, null_value, empty_greeting, missing_variable, shared_name, hard_coded_name,
          field_name_as_name]
