"""``rules/test_content.yaml`` compiled: the test and placeholder copy the ``test-content`` checks
look for (phrases and patterns, as one fast matcher), and the placeholder and test hosts of links.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from preview.checks.merge_tags import leading_literal
from preview.checks.rules import Match, TextMemo, fold, phrase_pattern
from preview.checks.sharing import per_rules

# Words too frequent in ordinary copy to stand for a phrase (see CopyMatcher).
_FREQUENT = frozenset({
    "a", "an", "the", "is", "it", "this", "that", "your", "you", "my", "our", "here", "there", "goes", "go",
    "for", "to", "of", "in", "on", "at", "do", "not", "don't", "only", "just", "please", "add", "enter",
    "insert", "name", "text", "copy", "email", "e-mail", "mail", "message", "title", "body", "content",
    "button", "call", "action", "image", "product", "company", "description", "example", "send", "sent",
    "version", "hi", "hello", "dear", "mr", "mrs", "ms", "mr.", "mrs.", "ms.", "first", "last", "and", "or",
    "with", "new",
})
WINDOW = 120  # characters searched on each side of a trigger word; longer than any phrase


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
        self._memo = TextMemo()  # subjects, alt texts and the text around values recur

    def finditer(self, text: str):
        """Yield a :class:`~preview.checks.rules.Match` for every phrase or pattern hit, in text order."""
        if not text:
            return iter(())
        found = self._memo.get(text)
        if found is None:
            found = self._memo.put(text, tuple(self._find(text)))
        return iter(found)

    def _find(self, text: str):
        folded = fold(text)
        low = folded.lower()
        found: dict[tuple, Match] = {}
        for hit in self.words.finditer(low) if self.words else ():
            at = hit.start()
            a, b = max(0, at - WINDOW), min(len(text), hit.end() + WINDOW)
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
    hosts_of: dict = field(default_factory=dict)  # beginning of a URL -> its host, memoised


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


def test_rules(ctx) -> TestRules:
    """The compiled rules of this run, built once per rules object (so once per process)."""
    return per_rules(ctx, _compile)


def _compile(rules) -> TestRules:
    entries = rules.entries("test_content")
    whole = tuple((re.compile(p), e, frozenset(e["parts"])) for e in entries if e.get("parts") for p in _patterns(e))

    def words(key):
        return frozenset(str(w).lower() for e in entries for w in e.get(key) or ())

    return TestRules(CopyMatcher([e for e in entries if _anywhere(e)]), whole, words("hosts"), words("tlds"), words("labels"))


# Not a test of this project, whatever pytest's name rules say.
test_rules.__test__ = False
TestRules.__test__ = False


# -- hosts -----------------------------------------------------------------------------------


def url_host(url: str) -> str:
    """The host ``url`` points at, lower-cased (a mailto: address's domain); '' when it has none."""
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return url[7:].split("?")[0].rpartition("@")[2].lower()
    try:
        return (urlsplit(unquote(url)).hostname or "").lower()
    except ValueError:
        return ""


# A URL up to the end of its host (scheme, //, user, host, port): all its host depends on.
_THROUGH_HOST = re.compile(r"[^:/?#]*:?//[^/?#]*")


def placeholder_host(url: str, rules: TestRules) -> str | None:
    """Why ``url`` points at a placeholder or test host, or None when it does not."""
    if url.strip().lower().startswith("file:"):
        return "a file on someone's computer"
    # Links differ per recipient in their paths and tracking parameters, rarely in their host:
    # the host is parsed once per distinct beginning of a URL.
    head = _THROUGH_HOST.match(url.strip()) if "%" not in url else None
    key = head.group() if head else url
    host = rules.hosts_of.get(key)
    if host is None:
        host = url_host(key if head else url)
        if len(rules.hosts_of) < 10_000:
            rules.hosts_of[key] = host
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
