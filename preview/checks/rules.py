"""Rules as data: phrase lists and conditions in YAML, compiled once into fast matchers.

A rule file ``checks/rules/<name>.yaml`` is a list of entries, in the spirit of
retext-equality::

    - id: congrats-wedding          # unique within the file; a deployment file with the
      phrases:                      # same id replaces the entry, a new id adds one
        - congratulations on your wedding
        - your big day
      event: wedding                # any other keys are data for the check
      plural: false                 # allow a trailing s/es on every word (default true)

Deployments add files of the same names in folders listed in ``PREVIEW_RULES_DIRS`` (or returned
by a plugin's ``campaign_preview_rule_dirs`` hook); their entries extend or replace the
built-ins, so new phrases and products need no code.

Matching is robust to case, curly quotes, emoji and symbols between words, plurals and line
breaks, and reports offsets into the original text.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import yaml

from preview.contract.errors import InputError

# Characters folded to a plain equivalent of the same length, so offsets stay valid.
_FOLD_PAIRS = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00a0", " "), ("\u2011", "-"), ("\u2010", "-"))
# Between two words of a phrase: spaces, line breaks, hyphens, and symbols such as emoji,
# but not sentence punctuation (a phrase does not run across sentences).
_GAP = r"(?:[\s\-\u2013\u2014*_~]|[^\w\s.!?,;:'\"()])+"
_WORD_EDGE_L = r"(?<![\w'])"
_WORD_EDGE_R = r"(?![\w])"
# Sentence punctuation: no gap, wildcard or plural suffix of a phrase takes one of these, so a
# character of them that no phrase of a set spells out is a place no match of the set can span.
_CUT_CANDIDATES = "".join(c for c in '.!?,;:"()' if not re.fullmatch(_GAP, c) and not re.fullmatch(r"[\w'-]", c))
_DIGITS = "0123456789"
_ZERO = bytes.maketrans(_DIGITS.encode(), b"0" * 10)
# Texts whose matches a PhraseSet (or another matcher) keeps, and how many characters of them:
# bounded both ways, so a run over any audience holds a fixed amount.
_MEMO_TEXTS = 2048
_MEMO_CHARS = 250_000


def digits_alike(text: str) -> str:
    """``text`` with every digit 0 to 9 made a 0 (same length): the key under which a
    :class:`PhraseSet` whose phrases spell no digit remembers the matches of ``text``."""
    # Bytes translate in C at memory speed; UTF-8 never puts an ASCII digit inside another
    # character, and surrogatepass round-trips whatever a record held.
    return text.encode("utf-8", "surrogatepass").translate(_ZERO).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=512)
def fold(text: str) -> str:
    """``text`` with curly quotes and no-break spaces made plain; same length.

    Memoised, and done with ``str.replace`` on the characters present: many checks fold the
    same subject and body text, and ``str.translate`` with a mapping walks every character in
    Python's slow path (25 us for an email body).
    """
    if text.isascii():
        return text
    for char, plain in _FOLD_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


def phrase_pattern(phrase: str, plural: bool = True) -> str:
    """The regex source of one phrase.

    Words are separated by :data:`_GAP`; with ``plural`` each word may take ``s``/``es``;
    ``*`` at the end of a word is a prefix wildcard (``pregnan*``); ``...`` between words allows
    up to four other words (``congratulations ... wedding``).
    """
    tokens = fold(phrase).strip().split()
    parts: list[str] = []
    for token in tokens:
        if token == "...":
            parts.append(r"(?:\w[\w'-]*" + _GAP + r"){0,4}?")
            continue
        if token.endswith("*") and len(token) > 1:
            parts.append(re.escape(token[:-1]) + r"[\w'-]*")
        elif plural and token[-1].isalpha():
            parts.append(re.escape(token) + r"(?:s|es|'s)?")
        else:
            parts.append(re.escape(token))
    body = ""
    for i, part in enumerate(parts):
        body += part
        if i < len(parts) - 1 and not part.endswith("}?"):
            body += _GAP
    return _WORD_EDGE_L + body + _WORD_EDGE_R


@dataclass(frozen=True)
class Match:
    """One phrase match: the rule entry, and where in the original text."""

    rule: dict
    start: int
    end: int
    text: str


class TextMemo:
    """What was found in each of the texts seen last, within bounds: at most ``_MEMO_TEXTS``
    texts and ``_MEMO_CHARS`` characters of them, the oldest forgotten first. The texts a run
    scans recur (subjects that differ by a first name, the values of a shared layout and the
    template text around them), and a text's matches never change."""

    __slots__ = ("_found", "_chars", "_lock", "get")

    def __init__(self):
        self._found: dict = {}
        self._chars = 0
        # Rules are shared by the threads of a server: a lock keeps the bounds and the eviction
        # right. Only misses take it; lookups read the dict as it is.
        self._lock = threading.Lock()
        # What was found in a text, or None: the dict's own method, as this runs for every
        # text of every recipient.
        self.get = self._found.get

    def put(self, text: str, found):
        """Remember ``found`` for ``text`` (unless the text alone is over the bound); returns it."""
        if len(text) > _MEMO_CHARS:
            return found
        with self._lock:
            memo = self._found
            if text in memo:
                return found
            while memo and (len(memo) >= _MEMO_TEXTS or self._chars + len(text) > _MEMO_CHARS):
                oldest = next(iter(memo))  # dicts keep their order
                self._chars -= len(oldest)
                del memo[oldest]
            memo[text] = found
            self._chars += len(text)
        return found

    def __len__(self) -> int:
        return len(self._found)

    def __contains__(self, text: str) -> bool:
        return text in self._found

    def __iter__(self):
        return iter(self._found)


class PhraseSet:
    """All phrases of a list of rule entries, compiled into one regex that branches early.

    A flat alternation of hundreds of phrases, each with its own look-behind, makes Python's
    regex engine try every phrase at every position (70 ms for 3 KB of text and the life-event
    phrases). Here the word-start look-behind is tested once, and the phrases are grouped by
    their first letter, and neighbours by their first word, so at a word start the engine
    follows one letter and tries only the phrases that begin with it. Phrases are tried
    longest first, whichever entry they
    belong to, so "new home owner" beats "new home"; equally long ones in entry order.
    """

    def __init__(self, entries: list[dict], key: str = "phrases"):
        self.entries = [e for e in entries if e.get(key)]
        self._memo = TextMemo()  # text -> its matches
        self._owner: list[int] = []  # named group number -> entry index
        # letter -> [(first word, [rest of each phrase])]. Only neighbours in the order share a
        # first word, so the first phrase to match at a place is the one the order says.
        by_letter: dict[str | None, list[tuple[str, list[str]]]] = {}
        for phrase, index, plural in _ordered(self.entries, key):
            head, tail = _split(phrase, plural)
            group = f"(?P<g{len(self._owner)}>{tail})"
            self._owner.append(index)
            runs = by_letter.setdefault(head[0].lower() if head[:1].isalnum() else None, [])
            if runs and runs[-1][0] == head:
                runs[-1][1].append(group)
            else:
                runs.append((head, [group]))
        alternatives = []
        for letter, runs in by_letter.items():
            if letter is None:  # a phrase that starts with a symbol ("[insert", "*|fname")
                alternatives.extend(f"{head}(?:{'|'.join(tails)})" for head, tails in runs)
            else:
                words = "|".join(f"{head[1:]}(?:{'|'.join(tails)})" for head, tails in runs)
                alternatives.append(f"{re.escape(letter)}(?:{words})")
        self.regex = re.compile(_WORD_EDGE_L + "(?:" + "|".join(alternatives) + ")", re.IGNORECASE) if alternatives else None
        self._cut = re.compile("[" + re.escape(_CUT_CANDIDATES) + "]")
        self._spelled = _spelled_cuts(self.entries, key)
        # Unless a phrase spells out a digit, only the word-character classes of the pattern
        # take digits, and they take every digit alike: texts that differ only in their digits
        # match the same (the memo then serves "$12.99" and "$45.00" with one scan).
        self._digits_alike = not any(
            char in _DIGITS for entry in self.entries for phrase in entry[key] for char in str(phrase)
        )
        self.cut_key = repr(sorted(self._spelled.items()))

    def matches(self, text: str, alike: str | None = None) -> tuple:
        """Every :class:`Match` in ``text``, leftmost first, as a tuple.

        Memoised by text (bounded): the texts of a run recur, and several checks scan the same
        subject or value with the same phrases. ``alike`` is ``digits_alike(text)``, for a
        caller that has it (several sets look up the same text).
        """
        if self.regex is None or not text:
            return ()
        key = text
        if self._digits_alike:
            # Prices, dates and order numbers: any digit matches as any other does here.
            key = digits_alike(text) if alike is None else alike
        found = self._memo.get(key)
        if found is None:
            found = self._memo.put(key, self.scan(text))
        elif found and key != text and any(text[m.start : m.end] != m.text for m in found):
            # Found for a text with other digits: the offsets hold, the matched text is this one's.
            found = tuple(Match(m.rule, m.start, m.end, text[m.start : m.end]) for m in found)
        return found

    def scan(self, text: str) -> tuple:
        """Every :class:`Match` in ``text``, found by the regex now: what :meth:`matches` and
        the shared scans of :mod:`preview.checks.scanning` must give."""
        if self.regex is None:
            return ()
        entries, owner = self.entries, self._owner
        return tuple(
            Match(entries[owner[int(m.lastgroup[1:])]], m.start(), m.end(), text[m.start() : m.end()])
            for m in self.regex.finditer(fold(text))
        )

    def cuts(self, text: str) -> list[int]:
        """Where ``text`` (folded, see :func:`fold`) can be cut: places no match of this set can span.

        Text cut there scans piece by piece exactly as it scans whole. A cut is sentence
        punctuation (no gap, wildcard or plural of a phrase takes it) that no phrase spells out
        at that place: a comma is no cut after "congratulations" when a phrase says
        "congratulations, graduate". A match never spans a cut, and to a phrase's word edges a
        cut and the end of a text look alike (neither is a word character), so no match changes.
        The text may go on at both ends (values around template text): a context that reaches
        past an end only has to agree as far as the text goes.
        """
        found = [m.start() for m in self._cut.finditer(text)]
        spelled = self._spelled
        if not spelled:
            return found
        return [at for at in found if text[at] not in spelled or not any(_in_context(text, at, c) for c in spelled[text[at]])]

    def finditer(self, text: str):
        """Yield every :class:`Match` in ``text`` (see :meth:`matches`)."""
        return iter(self.matches(text))

    def search(self, text: str) -> Match | None:
        """The first :class:`Match` in ``text``, or None."""
        return next(self.finditer(text), None)

    def __bool__(self) -> bool:
        return self.regex is not None


def _spelled_cuts(entries: list[dict], key: str) -> dict[str, list[tuple[str, str]]]:
    """Cut characters the phrases spell out, each with the contexts a phrase gives it: the rest
    of its word, ``("congratulations", "")`` for the comma of "congratulations, graduate".

    Only the literal text of a phrase can take a cut character (see :func:`phrase_pattern`:
    gaps, ``*`` wildcards and plurals cannot), and a literal word matches whole, so a cut
    character outside every such context is inside no match.
    """
    out: dict[str, dict[tuple[str, str], None]] = {}
    for entry in entries:
        for phrase in dict.fromkeys(str(p) for p in entry[key]):
            for token in fold(phrase).strip().split():
                if token == "...":
                    continue
                literal = token[:-1] if token.endswith("*") and len(token) > 1 else token
                for i, char in enumerate(literal):
                    if char in _CUT_CANDIDATES:
                        out.setdefault(char, {})[(literal[:i], literal[i + 1 :])] = None
    return {char: list(contexts) for char, contexts in out.items()}


def _in_context(text: str, at: int, context: tuple[str, str]) -> bool:
    """Whether the cut character at ``at`` could be inside the phrase word of ``context``: the
    text around it agrees with the word (as far as the text goes: it may go on at both ends)."""
    before, after = context
    left = text[max(0, at - len(before)) : at]
    right = text[at + 1 : at + 1 + len(after)]
    return _same(left, before[len(before) - len(left) :]) and _same(right, after[: len(right)])


@lru_cache(maxsize=1024)
def _same(text: str, word: str) -> bool:
    # Compared as the phrase regex compares (case-insensitively, by the re module's rules).
    return text == word or re.fullmatch(re.escape(word), text, re.IGNORECASE) is not None


def _ordered(entries: list[dict], key: str) -> list[tuple[str, int, bool]]:
    """``(phrase, entry index, plural)``, longest phrase first (a stable sort keeps entry order)."""
    phrases = []
    for index, entry in enumerate(entries):
        plural = entry.get("plural", True)
        phrases.extend((str(p), index, plural) for p in dict.fromkeys(entry[key]))
    phrases.sort(key=lambda item: len(item[0]), reverse=True)
    return phrases


def _split(phrase: str, plural: bool) -> tuple[str, str]:
    """The regex of ``phrase`` cut after its first word, ``(head, tail)``, without the left edge."""
    full = phrase_pattern(phrase, plural)[len(_WORD_EDGE_L) :]
    tokens = fold(phrase).strip().split()
    head = phrase_pattern(tokens[0], plural)[len(_WORD_EDGE_L) : -len(_WORD_EDGE_R)] if tokens else ""
    if head and full.startswith(head):
        return head, full[len(head) :]
    return full, ""


class Rules:
    """Rule files: the built-ins plus any deployment folders, loaded and compiled on first use."""

    def __init__(self, extra_dirs=()):
        self.extra_dirs = [Path(d) for d in extra_dirs]
        self._entries: dict[str, list[dict]] = {}
        self._phrases: dict[tuple, PhraseSet] = {}

    def entries(self, name: str) -> list[dict]:
        """The merged entries of rule file ``name`` (without ``.yaml``)."""
        if name not in self._entries:
            merged: dict[str, dict] = {}
            builtin = resources.files("preview.checks").joinpath(f"rules/{name}.yaml")
            sources = []
            if builtin.is_file():
                sources.append((f"preview/checks/rules/{name}.yaml", builtin.read_text(encoding="utf-8")))
            for folder in self.extra_dirs:
                path = folder / f"{name}.yaml"
                if path.is_file():
                    sources.append((str(path), path.read_text(encoding="utf-8")))
            for where, text in sources:
                for entry in _parse(text, where):
                    merged[entry["id"]] = entry
            self._entries[name] = list(merged.values())
        return self._entries[name]

    def phrases(self, name: str, key: str = "phrases", where=None) -> PhraseSet:
        """A compiled :class:`PhraseSet` of file ``name``; ``where`` filters entries."""
        cache_key = (name, key, where)
        if cache_key not in self._phrases:
            entries = self.entries(name)
            if where is not None:
                entries = [e for e in entries if where(e)]
            self._phrases[cache_key] = PhraseSet(entries, key)
        return self._phrases[cache_key]

    @cached_property
    def names(self) -> list[str]:
        files = {p.name[:-5] for p in resources.files("preview.checks").joinpath("rules").iterdir() if p.name.endswith(".yaml")}
        for folder in self.extra_dirs:
            files.update(p.stem for p in folder.glob("*.yaml"))
        return sorted(files)


def _parse(text: str, where: str) -> list[dict]:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"rule file is not valid YAML: {getattr(exc, 'problem', exc)}", location=f"{where}:{mark.line + 1 if mark else 1}") from None
    if not isinstance(data, list):
        raise InputError("a rule file must be a list of entries", location=where)
    for number, entry in enumerate(data):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputError(f"entry {number} needs an 'id'", location=where, field=f"[{number}].id")
        for key in ("phrases",):
            if key in entry and not isinstance(entry[key], list):
                raise InputError("must be a list of strings", location=where, field=f"[{number}].{key}")
    return data
