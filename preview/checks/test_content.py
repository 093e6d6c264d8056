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
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from preview.checks import visible
from preview.checks.check import check
from preview.checks.rules import Match, Rules, fold

_COMMON = {"family": "test-content", "severity": "block"}
_LABEL = {"subject": "subject", "preheader": "preheader", "from_name": "sender name", "html": "email body",
          "text": "plain-text part"}
# Static lines of the plain-text part remembered per run, at most this many (memory stays flat).
_LINE_CACHE = 20_000


# -- rule data -------------------------------------------------------------------------------


class CopyMatcher:
    """The phrases and patterns of ``test_content.yaml`` that apply anywhere, as one matcher.

    It has the ``finditer``/truth interface of :class:`~preview.checks.rules.PhraseSet`, so the
    shared per-layout search of :mod:`preview.checks.visible` can use it. Phrase matching is
    the costly step, so a text is first checked for the literal words every phrase needs.
    """

    def __init__(self, phrases, entries: list[dict]):
        self.phrases = phrases
        self.patterns = [(re.compile(p), e) for e in entries if not e.get("parts") for p in _patterns(e)]
        self.triggers = tuple(sorted({_trigger(p) for e in phrases.entries for p in e["phrases"]} - {""}))

    def finditer(self, text: str):
        """Yield a :class:`~preview.checks.rules.Match` for every phrase or pattern hit."""
        if not text:
            return
        if self.phrases:
            low = fold(text).lower()
            if any(t in low for t in self.triggers):
                yield from self.phrases.finditer(text)
        for regex, entry in self.patterns:
            for m in regex.finditer(text):
                yield Match(entry, m.start(), m.end(), m.group())

    def __bool__(self) -> bool:
        return bool(self.phrases) or bool(self.patterns)


@dataclass(frozen=True)
class TestRules:
    """``test_content.yaml`` compiled: the matcher, whole-part patterns and host lists."""

    anywhere: CopyMatcher
    whole: tuple  # (regex, entry, parts) matched against a whole subject, preheader, sender or alt
    hosts: frozenset
    tlds: frozenset
    labels: frozenset


def _patterns(entry: dict) -> list[str]:
    value = entry.get("pattern") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _trigger(phrase: str) -> str:
    """The longest literal word a phrase cannot match without (lower case), '' if none."""
    words = [w.rstrip("*").lower() for w in fold(str(phrase)).split() if w != "..."]
    return max(words, key=len, default="")


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

        compiled = TestRules(CopyMatcher(rules.phrases("test_content", where=_anywhere), entries), whole,
                             words("hosts"), words("tlds"), words("labels"))
        _COMPILED[rules] = compiled
    return compiled


# Not a test of this project, whatever pytest's name rules say.
test_rules.__test__ = False
TestRules.__test__ = False


# -- finding the copy ------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
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
    for h in visible.find(ctx, rules.anywhere, message):
        found.append(Hit(h.rule["check"], h.part, _LABEL[h.part], h.text, h.start, h.end))
    for part in ("subject", "preheader", "from_name"):
        text = message.part_text(part)
        for regex, entry, parts in rules.whole:
            if part in parts and regex.search(text):
                found.append(Hit(entry["check"], part, _LABEL[part], text, 0, len(text)))
    if message.text_part is not None:
        found.extend(_text_part_hits(message, ctx, rules))
    doc = message.document
    if doc is not None:
        found.extend(_document_hits(message, doc, rules))
    return _without_overlaps(found, message.part_text)


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


def _document_hits(message, doc, rules: TestRules) -> list[Hit]:
    """Hits in what the visible text does not hold: preview text, alt text, link and image hosts."""
    out = []
    layout = doc.layout
    for m in rules.anywhere.finditer(doc.hidden_text):
        out.append(Hit(m.rule["check"], "html", "preview text", m.text, template_level=_static(message, layout.hidden_text, m.text)))
    for image, slots in zip(doc.images, layout.images, strict=False):
        if image.alt:
            for m in rules.anywhere.finditer(image.alt):
                out.append(Hit(m.rule["check"], "html", "image alt text", m.text, template_level=_static(message, slots.alt, m.text)))
            for regex, entry, parts in rules.whole:
                if "alt" in parts and regex.search(image.alt):
                    out.append(Hit(entry["check"], "html", "image alt text", image.alt, template_level=_static(message, slots.alt, image.alt)))
        if image.src:
            reason = placeholder_host(image.src, rules)
            if reason:
                out.append(Hit("placeholder-link", "html", "image address", image.src, reason=reason,
                               template_level=_static(message, slots.src, _host(image.src))))
    for link, slots in zip(doc.links, layout.links, strict=False):
        reason = placeholder_host(link.href, rules) if link.href else None
        if reason:
            out.append(Hit("placeholder-link", "html", f"link {link.text[:40]!r}" if link.text else "link",
                           link.href, reason=reason, template_level=_static(message, slots.href, _host(link.href))))
    return out


def _static(message, parts, needle: str) -> bool:
    """Whether ``needle`` is template text of a slotted layout value (so the same for everyone)."""
    if message.inlined_dynamic or not parts:
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
    for h in found:
        for i, k in enumerate(kept):
            if k.check != h.check or k.part != h.part or k.where != h.where:
                continue
            if k.start is None or h.start is None:
                if k.text == h.text:
                    break
                continue
            gap = text_of(h.part)[min(k.end, h.end) : max(k.start, h.start)]
            near = len(gap) <= 2 or h.check == "filler-text"  # a paragraph of filler is one finding
            if near and "\n" not in gap:
                # The merged text is read back from the part by the finding (see _findings).
                kept[i] = replace(k, start=min(k.start, h.start), end=max(k.end, h.end))
                break
        else:
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
        if h.check == spec.spec.name:
            text = h.text if h.start is None else message.part_text(h.part)[h.start : h.end]
            yield ctx.finding(spec, message, recipient, part=h.part, start=h.start, end=h.end, text=text,
                              template_level=h.template_level, found=text, where=h.where,
                              reason=f" ({h.reason})" if h.reason else "")


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
