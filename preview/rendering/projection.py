"""Find visible text in template output: where does "We’re thrilled" sit in ``We&rsquo;re  <b>thrilled``?

Lineage needs the stretch of Jinja output behind a sentence of the visible text, but the two
differ: the output has tags, entities, attributes, a head, and line breaks where the reader sees
spaces. A :class:`Projection` lists the output's visible characters with whitespace removed
(entities decoded, tags and the head skipped), each with its offset in the output, so a sentence
compared without whitespace maps back to an output span. Built once per part, on first use.
"""

from __future__ import annotations

import bisect
import html as htmllib
import re

# Skipped outright: comments, style and script blocks, tags, whitespace.
_SKIP = re.compile(r"<!--.*?-->|<(style|mj-style|script)\b[^>]*>.*?</\1\s*>|<[^>]*>|\s+", re.S | re.I)
_PLAIN_SKIP = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_BODY = re.compile(r"<(?:mj-body|body)\b", re.I)
# Characters the visible text turns into spaces (see document._normalise); never compared.
_INVISIBLE = re.compile(r"[\s\u00a0\u034f\u200b\u200c\u200d\u2060\ufeff]+")


def find_literal(source: str, snippet: str) -> tuple[int, int] | None:
    """Where ``snippet`` appears as it is in the body's text (not inside a tag), if it does.

    The cheap first try before a :class:`Projection`: a phrase or a name is usually written in
    the template as the reader sees it.
    """
    snippet = snippet.strip()
    if not snippet or "<" in snippet:
        return None
    body = _BODY.search(source)
    begin = body.start() if body else 0
    index = source.find(snippet, begin)
    while index >= 0:
        if source.rfind("<", begin, index) <= source.rfind(">", begin, index):
            return index, index + len(snippet)
        index = source.find(snippet, index + 1)
    return None


def compact(text: str) -> str:
    """``text`` without whitespace and invisible characters: the form sentences are compared in."""
    return _INVISIBLE.sub("", text)


class Projection:
    """The visible characters of ``source`` (markup or plain text), mapped to source offsets.

    Built as far as it is read: a sentence is usually found near the top of an email, and
    projecting a whole 20 KB body costs a few hundred microseconds a recipient. What is built is
    always whole runs of visible text in source order, so a search of the part built so far
    finds what a search of the whole would find first.
    """

    _BLOCK = 128  # visible runs projected at a time

    def __init__(self, source: str, markup: bool = True):
        self.source = source
        self._markup = markup
        self._starts: list[int] = []  # compact offset where each segment starts
        self._segments: list[tuple[int, int, bool]] = []  # (source start, source end, one-to-one)
        self._pieces: list[str] = []
        self._pos = 0
        self._built = ""  # the compact text of the segments so far
        begin = 0
        if markup:
            body = _BODY.search(source)
            begin = body.start() if body else 0
        self._runs = _runs(source, begin, _SKIP if markup else _PLAIN_SKIP)
        self._done = False

    def _grow(self) -> bool:
        """Project the next block of runs; False when the whole source is projected."""
        if self._done:
            return False
        pieces = []
        for _ in range(self._BLOCK):
            run = next(self._runs, None)
            if run is None:
                self._done = True
                break
            for start, end, text, literal in _decode(self.source, run[0], run[1], self._markup):
                self._starts.append(self._pos)
                self._segments.append((start, end, literal))
                pieces.append(text)
                self._pos += len(text)
        self._built += "".join(pieces)
        return bool(pieces) or not self._done

    @property
    def text(self) -> str:
        """The compact visible text of the whole source."""
        while self._grow():
            pass
        return self._built

    def offset(self, index: int, end: bool = False) -> int:
        """The source offset of compact character ``index`` (its end when ``end``)."""
        if end:
            index -= 1
        while index >= len(self._built) and self._grow():
            pass
        k = bisect.bisect_right(self._starts, index) - 1
        start, stop, literal = self._segments[k]
        if literal:
            return start + (index - self._starts[k]) + (1 if end else 0)
        return stop if end else start

    def find(self, snippet: str) -> tuple[int, int] | None:
        """The source span of the first occurrence of visible ``snippet``, whitespace aside."""
        needle = compact(snippet)
        if not needle:
            return None
        searched = 0
        while True:
            index = self._built.find(needle, searched)
            if index >= 0:
                return self.offset(index), self.offset(index + len(needle), end=True)
            # An occurrence may still begin in the last len(needle) - 1 characters built so far.
            searched = max(0, len(self._built) - len(needle) + 1)
            if not self._grow():
                return None

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of compact characters ``[start, end)``."""
        if start >= end or end > len(self.text):
            return None
        return self.offset(start), self.offset(end, end=True)


def _runs(source: str, begin: int, skip: re.Pattern):
    """``(start, end)`` of the stretches of ``source`` between skipped tokens."""
    last = begin
    for match in skip.finditer(source, begin):
        if match.start() > last:
            yield last, match.start()
        last = match.end()
    if last < len(source):
        yield last, len(source)


def _decode(source: str, start: int, end: int, markup: bool):
    """Segments of one run: literal stretches (one-to-one) and decoded entities."""
    if not markup or "&" not in source[start:end]:
        yield start, end, source[start:end], True
        return
    last = start
    for match in _ENTITY.finditer(source, start, end):
        if match.start() > last:
            yield last, match.start(), source[last : match.start()], True
        text = compact(htmllib.unescape(match.group()))
        if text:
            yield match.start(), match.end(), text, len(text) == match.end() - match.start() and text == match.group()
        last = match.end()
    if last < end:
        yield last, end, source[last:end], True
