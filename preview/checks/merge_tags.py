"""``rules/merge_tags.yaml`` compiled: merge-tag syntaxes, null spellings, greeting words and
courtesy titles, generic forms of address and field names, with the searches the
``personalization-gap`` checks make with them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from preview.checks.rules import TextMemo
from preview.checks.sharing import per_rules


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
    memo: TextMemo = field(default_factory=TextMemo, compare=False, repr=False)  # text -> its tags

    def find_tags(self, text: str) -> tuple:
        """``(start, end, token, syntax)`` of every unrendered tag in ``text``, in text order.

        Where two syntaxes match one stretch ("[[FNAME]]" holds "[FNAME]"), the longer match wins.
        Remembered per text (within bounds): the values of a campaign recur from one recipient
        to the next.
        """
        if not text:
            return ()
        found = self.memo.get(text)
        if found is None:
            found = self.memo.put(text, tuple(self._find_tags(text)))
        return found

    def _find_tags(self, text: str) -> list[tuple]:
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
        """Whether ``text`` holds an unrendered tag."""
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


def vocabulary(ctx) -> Vocabulary:
    """The compiled vocabulary of this run's rules, built once per rules object (so per process)."""
    return per_rules(ctx, _vocabulary_of)


def _vocabulary_of(rules) -> Vocabulary:
    return compile_vocabulary(rules.entries("merge_tags"))


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


def compile_vocabulary(entries: list[dict]) -> Vocabulary:
    """The :class:`Vocabulary` of the entries of ``merge_tags.yaml``."""
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
        field_names=frozenset(fold_field(w) for w in _words(entries, "field_names")),
    )


def fold_field(text: str) -> str:
    """A field's name as compared with ``field_names``: "[FIRST_NAME]" and "first name" are one."""
    return " ".join(re.sub(r"[\[\]{}<>_*|%]", " ", text).casefold().split())


def fold_name(text: str) -> str:
    """A name as compared across recipients: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
