"""``test-content``: test and placeholder copy reaching real recipients (HBO Max's "Integration
Test Email #1", "lorem ipsum", "Mr Sample", "TODO", example.com links).

The words and patterns are data in ``rules/test_content.yaml``; each entry names the check it
feeds. Everything a reader can see is searched: subject, preheader, sender name, body text,
preview text, the plain-text part, image alt text, and the hosts of link and image addresses.
Seeds (``is_seed: true``) are internal addresses that may get test content: nothing fires for
them. Copy in the template text is reported once for the template; copy that came from a
recipient's data (a test record named "John Doe") is reported for that recipient.
"""

from __future__ import annotations

import ipaddress
import re
import weakref
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from preview.checks.check import check
from preview.checks.layout_text import SLOT_MARK, Placer, span_finding, static_finding
from preview.checks.merge_tags import leading_literal
from preview.checks.rules import Match, Rules, fold, phrase_pattern

_COMMON = {"family": "test-content", "severity": "block"}
_LABEL = {"subject": "subject", "preheader": "preheader", "from_name": "sender name", "html": "email body",
          "text": "plain-text part"}
# Static lines of the plain-text part remembered per run, at most this many (memory stays flat).
_LINE_CACHE = 20_000


# -- rule data -------------------------------------------------------------------------------


# Words too frequent in ordinary copy to stand for a phrase (see CopyMatcher).
_FREQUENT = frozenset({
    "a", "an", "the", "is", "it", "this", "that", "your", "you", "my", "our", "here", "there", "goes", "go",
    "for", "to", "of", "in", "on", "at", "do", "not", "don't", "only", "just", "please", "add", "enter",
    "insert", "name", "text", "copy", "email", "e-mail", "mail", "message", "title", "body", "content",
    "button", "call", "action", "image", "product", "company", "description", "example", "send", "sent",
    "version", "hi", "hello", "dear", "mr", "mrs", "ms", "mr.", "mrs.", "ms.", "first", "last", "and", "or",
    "with", "new",
})
_WINDOW = 120  # characters searched on each side of a trigger word; longer than any phrase


class CopyMatcher:
    """The phrases and patterns of ``test_content.yaml`` that apply anywhere, as one matcher.

    It has the ``finditer``/truth interface of :class:`~preview.checks.rules.PhraseSet` (and
    its phrase syntax and matching, through :func:`~preview.checks.rules.phrase_pattern`). It is built for
    text read per recipient: one regex of a hundred phrases costs tens of microseconds a
    character, so each phrase is filed under its rarest word, a plain substring search finds
    those words, and only the phrases of a word found are tried, on a window around it.
    Patterns run only on text holding the literal they need (``needs:`` in the YAML, or the
    pattern's own opening characters).
    """

    def __init__(self, entries: list[dict]):
        by_word: dict[str, dict[int, list[str]]] = {}
        for index, entry in enumerate(entries):
            for phrase in entry.get("phrases") or ():
                word = _trigger(str(phrase))
                by_word.setdefault(word, {}).setdefault(index, []).append(phrase_pattern(str(phrase), entry.get("plural", True)))
        self.groups = {
            word: tuple((re.compile("|".join(sorted(p, key=len, reverse=True)), re.IGNORECASE), entries[i]) for i, p in groups.items())
            for word, groups in by_word.items()
        }
        words = sorted(self.groups, key=len, reverse=True)
        # One regex finds every trigger word; a word found also stands for the words inside it
        # ("tester" holds "test"), which the regex, taking the longest, would not report there.
        self.words = re.compile("|".join(re.escape(w) for w in words)) if words else None
        self.inside = {w: tuple(v for v in words if v in w) for w in words}
        self.patterns = tuple((re.compile(p), e, _needs(e, p)) for e in entries for p in _patterns(e))
        self.needs = tuple(dict.fromkeys(n for _, _, needs in self.patterns for n in needs or ()))

    def finditer(self, text: str):
        """Yield a :class:`~preview.checks.rules.Match` for every phrase or pattern hit, in text order."""
        if not text:
            return
        folded = fold(text)
        low = folded.lower()
        found: dict[tuple, Match] = {}
        for hit in self.words.finditer(low) if self.words else ():
            at = hit.start()
            a, b = max(0, at - _WINDOW), min(len(text), hit.end() + _WINDOW)
            for word in self.inside[hit.group()]:
                for regex, entry in self.groups[word]:
                    for m in regex.finditer(folded, a, b):
                        # Look-behinds see before the window, but its end looks like the text's end:
                        # a match touching it may be cut short, and is found whole from its own word.
                        if m.end() < b or b == len(text):
                            found.setdefault((m.start(), m.end(), entry["id"]), Match(entry, m.start(), m.end(), text[m.start() : m.end()]))
        present = {n for n in self.needs if n[0] in (low if n[1] else text)}
        for regex, entry, needs in self.patterns:
            if needs is None or not present.isdisjoint(needs):
                for m in regex.finditer(text):
                    found.setdefault((m.start(), m.end(), entry["id"]), Match(entry, m.start(), m.end(), m.group()))
        yield from sorted(found.values(), key=lambda m: (m.start, -m.end))

    def __bool__(self) -> bool:
        return bool(self.groups) or bool(self.patterns)


@dataclass(frozen=True)
class TestRules:
    """``test_content.yaml`` compiled: the matcher, whole-part patterns and host lists."""

    anywhere: CopyMatcher
    whole: tuple  # (regex, entry, parts) matched against a whole subject, preheader, sender or alt
    hosts: frozenset
    tlds: frozenset
    labels: frozenset
    verdicts: dict = field(default_factory=dict)  # host -> reason or None, memoised


def _patterns(entry: dict) -> list[str]:
    value = entry.get("pattern") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _trigger(phrase: str) -> str:
    """The word a phrase is filed under: its longest word that is not common copy (lower case).

    A ``*`` wildcard keeps its stem, and a plural ending is allowed after any word, so the word
    as written is always a substring of a match.
    """
    words = [w.rstrip("*").lower() for w in fold(phrase).split() if w != "..."]
    rare = [w for w in words if w not in _FREQUENT]
    return max(rare or words, key=len, default="")


def _needs(entry: dict, pattern: str):
    """((literal, compare lower-cased), ...) a text must hold for ``pattern`` to match, or None."""
    declared = entry.get("needs")
    if declared:
        return tuple((str(n).lower(), True) for n in ([declared] if isinstance(declared, str) else declared))
    literal = leading_literal(pattern)
    return ((literal, False),) if literal else None


def _anywhere(entry: dict) -> bool:
    return not entry.get("parts")


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def test_rules(ctx) -> TestRules:
    """The compiled rules of this run, built once per rules object (so once per process)."""
    rules = ctx.rules if ctx.rules is not None else ctx.cache.setdefault("TST:rules", Rules())
    compiled = _COMPILED.get(rules)
    if compiled is None:
        entries = rules.entries("test_content")
        whole = tuple((re.compile(p), e, frozenset(e["parts"])) for e in entries if e.get("parts") for p in _patterns(e))

        def words(key):
            return frozenset(str(w).lower() for e in entries for w in e.get(key) or ())

        compiled = TestRules(CopyMatcher([e for e in entries if _anywhere(e)]), whole,
                             words("hosts"), words("tlds"), words("labels"))
        _COMPILED[rules] = compiled
    return compiled


# Not a test of this project, whatever pytest's name rules say.
test_rules.__test__ = False
TestRules.__test__ = False


# -- finding the copy ------------------------------------------------------------------------


class Hit(NamedTuple):
    """One piece of test copy: which check it feeds, where it is, and whether it is template text."""

    check: str
    part: str
    where: str
    text: str
    start: int | None = None
    end: int | None = None
    template_level: bool | None = None  # None: decided from the span, as for any render finding
    reason: str = ""


def hits(message, ctx) -> list[Hit]:
    """Every piece of test copy in ``message``, found once and shared by the checks below."""
    memo = ctx.cache.get("TST:hits")
    if memo is not None and memo[0] is message:
        return memo[1]
    found = _find(message, ctx)
    ctx.cache["TST:hits"] = (message, found)
    return found


def _find(message, ctx) -> list[Hit]:
    rules = test_rules(ctx)
    found: list[Hit] = []
    for part in ("subject", "preheader", "from_name"):
        text = message.part_text(part)
        found.extend(Hit(m.rule["check"], part, _LABEL[part], m.text, m.start, m.end) for m in rules.anywhere.finditer(text))
        for regex, entry, parts in rules.whole:
            if part in parts and regex.search(text):
                found.append(Hit(entry["check"], part, _LABEL[part], text, 0, len(text)))
    if message.text_part is not None:
        found.extend(_text_part_hits(message, ctx, rules))
    doc = message.document
    if doc is not None:
        found.extend(Hit(m.rule["check"], "html", _LABEL["html"], m.text, m.start, m.end) for m in _body_hits(message, ctx, rules))
        found.extend(_document_hits(message, doc, rules, ctx))
    return _without_overlaps(found, message.part_text)


def _body_hits(message, ctx, rules: TestRules) -> list[Match]:
    """Matches in the visible body text: its static text searched once per shared layout, and
    only the text around each recipient value searched per recipient."""
    doc = message.document
    text = doc.text
    if message.inlined_dynamic:  # values baked into the layout: it is this recipient's own
        return list(rules.anywhere.finditer(text))
    plans = ctx.cache.setdefault("TST:body", weakref.WeakKeyDictionary())
    plan = plans.get(doc.layout)
    if plan is None:
        plan = plans[doc.layout] = _body_plan(doc.layout, rules)
    place = Placer(plan[0], doc)
    found = {(place(a, n), place(b, n), rule["id"]): rule for a, b, n, rule in plan[1]}
    for a, b in _windows(doc.text_spans, len(text)):
        chunk = text[a:b]
        for m in rules.anywhere.finditer(chunk):
            # A match cut by the window's edge is no match; a real one is whole in some window.
            if (m.start == 0 and a > 0) or (m.end == len(chunk) and b < len(text)):
                continue
            found.setdefault((a + m.start, a + m.end, m.rule["id"]), m.rule)
    return [Match(rule, a, b, text[a:b]) for (a, b, _), rule in sorted(found.items(), key=lambda kv: kv[0][:2])]


def _body_plan(layout, rules: TestRules):
    """(slot order, static matches as (start, end, values before, rule)) of a layout's text."""
    skeleton = "".join(p if type(p) is str else SLOT_MARK for p in layout.text)
    static = []
    for m in rules.anywhere.finditer(skeleton):
        # A match holding or touching a value may change with it: the windows judge those.
        if SLOT_MARK in m.text or skeleton[m.start - 1 : m.start] == SLOT_MARK or skeleton[m.end : m.end + 1] == SLOT_MARK:
            continue
        static.append((m.start, m.end, skeleton.count(SLOT_MARK, 0, m.start), m.rule))
    # Merge them here as _without_overlaps would, so a paragraph of filler costs one hit per
    # recipient rather than one per phrase.
    merged: list[tuple] = []
    for a, b, n, rule in sorted(static, key=lambda h: (h[3]["check"], h[0])):
        if merged:
            pa, pb, pn, prule = merged[-1]
            gap = skeleton[pb:a] if a > pb else ""
            near = len(gap) <= 2 or rule["check"] == "filler-text"
            if prule["check"] == rule["check"] and pn == n and near and "\n" not in gap and SLOT_MARK not in gap:
                merged[-1] = (pa, max(pb, b), pn, prule)
                continue
        merged.append((a, b, n, rule))
    return tuple(p for p in layout.text if type(p) is not str), sorted(merged, key=lambda h: h[0])


def _windows(spans, length: int) -> list[tuple[int, int]]:
    """Merged ranges of text around each value span."""
    ranges: list[list[int]] = []
    for start, end, _slot in spans:
        a, b = max(0, start - _WINDOW), min(length, end + _WINDOW)
        if ranges and a <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], b)
        else:
            ranges.append([a, b])
    return [(a, b) for a, b in ranges]


def _text_part_hits(message, ctx, rules: TestRules) -> list[Hit]:
    """Hits in the campaign's own plain-text part, its static lines searched once per run."""
    out = []
    output = message.parts.get("text")
    cache = ctx.cache.setdefault("TST:lines", {})
    pos = 0
    for line in message.text_part.split("\n"):
        end = pos + len(line)
        if line.strip():
            static = output is not None and not output.is_dynamic(pos, end)
            matches = cache.get(line) if static else None
            if matches is None:
                matches = [(m.start, m.end, m.rule) for m in rules.anywhere.finditer(line)]
                if static and len(cache) < _LINE_CACHE:
                    cache[line] = matches
            for a, b, rule in matches:
                out.append(Hit(rule["check"], "text", _LABEL["text"], line[a:b], pos + a, pos + b))
        pos = end + 1
    return out


def _document_hits(message, doc, rules: TestRules, ctx) -> list[Hit]:
    """Hits in what the visible text does not hold: preview text, alt text, link and image hosts.

    Attributes without recipient values are judged once per shared layout.
    """
    layout = doc.layout
    if message.inlined_dynamic:  # values are baked into this layout: nothing in it is shared
        return [h for kind, index in _attributes(layout) for h in _attribute_hits(message, doc, rules, kind, index, ctx)]
    plans = ctx.cache.setdefault("TST:plans", weakref.WeakKeyDictionary())
    plan = plans.get(layout)
    if plan is None:
        static, slotted = [], []
        for kind, index in _attributes(layout):
            if any(type(p) is int for p in _layout_parts(layout, kind, index)):
                slotted.append((kind, index))
            else:
                static.extend(_attribute_hits(message, doc, rules, kind, index, ctx))
        plan = plans[layout] = (static, slotted)
    static, slotted = plan
    return [*static, *(h for kind, index in slotted for h in _attribute_hits(message, doc, rules, kind, index, ctx))]


def _attributes(layout):
    """(kind, index) of every attribute that can hold copy or an address."""
    yield "hidden", 0
    for i in range(len(layout.images)):
        yield "alt", i
        yield "src", i
    for i in range(len(layout.links)):
        yield "href", i


def _layout_parts(layout, kind: str, index: int):
    if kind == "hidden":
        return layout.hidden_text
    if kind == "href":
        return layout.links[index].href or ()
    image = layout.images[index]
    return (image.alt if kind == "alt" else image.src) or ()


def _attribute_hits(message, doc, rules: TestRules, kind: str, index: int, ctx) -> list[Hit]:
    """The hits of one attribute as this recipient gets it."""
    parts = _layout_parts(doc.layout, kind, index)
    out = []
    if kind == "hidden":
        for m in rules.anywhere.finditer(doc.hidden_text):
            out.append(Hit(m.rule["check"], "html", "preview text", m.text, template_level=_static(message, parts, m.text, ctx)))
    elif kind == "alt":
        alt = doc.images[index].alt
        if alt:
            for m in rules.anywhere.finditer(alt):
                out.append(Hit(m.rule["check"], "html", "image alt text", m.text, template_level=_static(message, parts, m.text, ctx)))
            for regex, entry, where in rules.whole:
                if "alt" in where and regex.search(alt):
                    out.append(Hit(entry["check"], "html", "image alt text", alt, template_level=_static(message, parts, alt, ctx)))
    else:
        url = doc.links[index].href if kind == "href" else doc.images[index].src
        reason = placeholder_host(url, rules) if url else None
        if reason:
            static = _static(message, parts, _host(url), ctx)
            if kind == "src":
                where = "image address"
            else:
                text = doc.links[index].text if not static else _flat(doc.layout.links[index].text)
                where = f"link {text[:40]!r}" if text else "link"
            if static and any(type(p) is int for p in parts):
                url = _flat(parts)  # the template's part of the address: one finding for everyone
            out.append(Hit("placeholder-link", "html", where, url, reason=reason, template_level=static))
    return out


def _flat(parts) -> str:
    return "".join(p for p in parts if type(p) is str) if parts else ""


def _static(message, parts, needle: str, ctx) -> bool:
    """Whether ``needle`` is template text of a slotted layout value (so the same for everyone).

    When values are baked into the layout it cannot tell; text the template source itself
    holds is then taken as the template's.
    """
    if message.inlined_dynamic:
        source = getattr(ctx.campaign, "body", "") or ""
        return bool(needle) and needle.lower() in source.lower()
    if not parts:
        return False
    return any(type(p) is str and needle.lower() in unquote(p).lower() for p in parts)


def _without_overlaps(found: list[Hit], text_of) -> list[Hit]:
    """One hit per stretch of copy and check.

    Overlapping hits are one ("[TEST] test email"), and so are hits that follow each other
    ("TODO XX%"), or filler anywhere in one block ("Lorem ipsum dolor sit amet, ... ullamco
    laboris": one paragraph of filler, one finding). ``text_of(part)`` gives the text the
    offsets index; hits on different lines stay apart.
    """
    kept: list[Hit] = []
    seen = set()
    spans = sorted((h for h in found if h.start is not None), key=lambda h: (h.check, h.part, h.where, h.start))
    for h in spans:
        k = kept[-1] if kept else None
        if k is not None and (k.check, k.part, k.where) == (h.check, h.part, h.where):
            gap = text_of(h.part)[k.end : h.start] if h.start > k.end else ""
            near = len(gap) <= 2 or h.check == "filler-text"  # a paragraph of filler is one finding
            if near and "\n" not in gap:
                # The merged text is read back from the part by the finding (see _findings).
                kept[-1] = k._replace(end=max(k.end, h.end))
                continue
        kept.append(h)
    for h in found:
        if h.start is None and (h.check, h.part, h.where, h.text) not in seen:
            seen.add((h.check, h.part, h.where, h.text))
            kept.append(h)
    return kept


# -- hosts -----------------------------------------------------------------------------------


def _host(url: str) -> str:
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return url[7:].split("?")[0].rpartition("@")[2].lower()
    try:
        return (urlsplit(unquote(url)).hostname or "").lower()
    except ValueError:
        return ""


def placeholder_host(url: str, rules: TestRules) -> str | None:
    """Why ``url`` points at a placeholder or test host, or None when it does not."""
    if url.strip().lower().startswith("file:"):
        return "a file on someone's computer"
    host = _host(url)
    if not host:
        return None
    known = rules.verdicts.get(host, False)
    if known is False:
        known = _judge_host(host, rules)
        if len(rules.verdicts) < 10_000:  # hosts repeat across recipients; the memo stays small
            rules.verdicts[host] = known
    return known


def _judge_host(host: str, rules: TestRules) -> str | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_private or address.is_unspecified or address.is_link_local:
            return "a local or private network address"
        return None
    if any(host == h or host.endswith("." + h) for h in rules.hosts):
        return "a placeholder domain"
    if any(host == t or host.endswith("." + t) for t in rules.tlds):
        return "a local or reserved test domain"
    labels = host.split(".")
    for label in labels[:-2]:  # sub-domain labels only: dev.to and test.com are sites of their own
        if label in rules.labels or any(label.startswith(x + "-") or label.endswith("-" + x) for x in rules.labels):
            return "a test-environment host"
    return None


# -- checks ----------------------------------------------------------------------------------


def _findings(spec, message, recipient, ctx):
    if recipient.get("is_seed"):
        return
    for h in hits(message, ctx):
        if h.check != spec.spec.name:
            continue
        text = h.text if h.start is None else message.part_text(h.part)[h.start : h.end]
        args = {"found": text, "where": h.where, "reason": f" ({h.reason})" if h.reason else ""}
        if h.start is not None and h.template_level is None:
            yield span_finding(ctx, spec, message, recipient, h.part, h.start, h.end, **args)
        elif h.template_level:
            yield static_finding(ctx, spec, message, h.part, h.start, h.end, text, **args)
        else:
            yield ctx.finding(spec, message, recipient, part=h.part, start=h.start, end=h.end, text=text,
                              template_level=False, **args)


@check(
    code="TST001",
    name="test-wording",
    summary="The email says it is a test: 'Integration Test Email #1', 'test email', 'do not send', a subject that is just 'Test'.",
    why="A test send that reaches real customers is embarrassing and public (HBO Max mailed 'Integration Test "
    "Email #1' to its subscribers). 'Test' in ordinary copy ('taste test', 'test drive') is fine; only "
    "test-email wording is reported. Seeds (is_seed: true) may get test emails.",
    bad="Subject: Integration Test Email #1",
    good="Subject: Your winter picks are here",
    message="Test copy {found!r} in the {where}",
    **_COMMON,
)
def test_wording(message, recipient, ctx):
    yield from _findings(test_wording, message, recipient, ctx)


@check(
    code="TST002",
    name="filler-text",
    summary="Placeholder filler is still in the email: 'lorem ipsum', 'your text here', 'asdf'.",
    why="Filler marks a block nobody wrote; readers see an unfinished email, and the real copy is missing.",
    bad="<mj-text>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</mj-text>",
    good="<mj-text>Warm throws, soft lighting and new ceramics for cosy evenings.</mj-text>",
    message="Filler text {found!r} in the {where}",
    **_COMMON,
)
def filler_text(message, recipient, ctx):
    yield from _findings(filler_text, message, recipient, ctx)


@check(
    code="TST003",
    name="placeholder-person",
    summary="A placeholder person appears: 'Mr Sample', 'John Doe', 'Jane Doe', 'Max Mustermann'.",
    why="Sample names come from design mock-ups and test records; in a real email they show that a mock-up "
    "was sent, or that a test record sits in the audience without being marked as a seed.",
    bad="<mj-text>Dear Mr Sample,</mj-text>",
    good="<mj-text>Dear {{ recipient.first_name | default('customer', true) }},</mj-text>",
    message="Placeholder person {found!r} in the {where}",
    **_COMMON,
)
def placeholder_person(message, recipient, ctx):
    yield from _findings(placeholder_person, message, recipient, ctx)


@check(
    code="TST004",
    name="editor-note",
    summary="A note meant for the team is still in the email: 'TODO', 'FIXME', '[INSERT LINK]', 'XXX', '$XX.XX'.",
    why="Editor's notes and stand-in numbers mean a part of the email was never finished: a missing link, a "
    "price nobody filled in.",
    bad="<mj-text>Save XX% on [INSERT PRODUCT NAME] TODO: check price</mj-text>",
    good="<mj-text>Save 20% on the Oslo wool throw</mj-text>",
    message="Editor's note {found!r} left in the {where}",
    **_COMMON,
)
def editor_note(message, recipient, ctx):
    yield from _findings(editor_note, message, recipient, ctx)


@check(
    code="TST005",
    name="placeholder-link",
    summary="A link, image or address points at a placeholder or test site: example.com, localhost, 127.0.0.1, staging. or dev. hosts.",
    why="Placeholder and test-environment addresses do not work for readers (or show them an internal system); "
    "they mean the real link was never put in.",
    bad='<mj-button href="https://staging.acme-home.com/winter">Shop now</mj-button>',
    good='<mj-button href="https://www.acme-home.com/winter">Shop now</mj-button>',
    message="Placeholder or test address {found!r} in the {where}{reason}",
    **_COMMON,
)
def placeholder_link(message, recipient, ctx):
    yield from _findings(placeholder_link, message, recipient, ctx)


CHECKS = [test_wording, filler_text, placeholder_person, editor_note, placeholder_link]
