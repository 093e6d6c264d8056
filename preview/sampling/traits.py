"""The edge categories: kinds of recipient a template most often gets wrong.

Each :class:`Category` scores a record: None when the record is not in the category, else
``(score, label)``, where a higher score makes a better example (a longer name is a better test
of a long name; for yes/no categories every member scores the same and the sampler's random key
decides) and ``label`` is the chip the UI shows. :func:`categories` lists them in priority
order: when the sample has fewer seats than there are categories present, the first ones win,
so the list starts with the recipients a misfire hurts most.

These read the record as recipient.schema.json defines it (defaults not filled in). They do not
import the checks: sampling comes before checking, and what makes a good example is not the
same question as what makes a finding.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from preview.sampling.template_reads import display, lacks

Score = tuple[float, str] | None

GUESSED_SOURCES = ("inferred", "third_party")
REVERSED_STATUSES = frozenset({"lost", "cancelled"})
ADULT_AGE = 18
# Pictographs live in these blocks (symbols, dingbats, emoticons, transport, supplemental).
_EMOJI_BLOCKS = ((0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F000, 0x1FAFF))
_CJK_PREFIXES = ("CJK ", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO")


@dataclass(frozen=True)
class Context:
    """What scoring needs beyond the record: the send date, occasion and fields the template reads."""

    send_date: dt.date
    occasion: str | None = None
    reads: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Category:
    """One edge category: a stable ``name``, its default ``label`` and its scoring function."""

    name: str
    label: str
    score: Callable[[dict, Context], Score]


def _yes(label: str) -> tuple[float, str]:
    return (1.0, label)


def _prefs(record: dict) -> dict:
    return record.get("preferences") or {}


def _events(record: dict) -> list[dict]:
    return [e for e in record.get("life_events") or () if isinstance(e, dict)]


def _items(record: dict):
    for order in record.get("orders") or ():
        if isinstance(order, dict):
            for item in order.get("items") or ():
                if isinstance(item, dict):
                    yield order, item


def _names(record: dict) -> str:
    return "".join(v for v in (record.get("first_name"), record.get("last_name")) if isinstance(v, str))


def _age(record: dict, on: dt.date) -> int | None:
    raw = record.get("birth_date")
    if not isinstance(raw, str):
        return None
    try:
        born = dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# -- scoring functions ------------------------------------------------------------------------


def _deceased(r, c):
    return _yes("deceased") if _prefs(r).get("deceased") is True else None


def _minor(r, c):
    age = _age(r, c.send_date)
    # Younger is a stronger example: a 12-year-old tests more copy than a 17-year-old.
    return (float(ADULT_AGE - age), "minor") if age is not None and age < ADULT_AGE else None


def _reversed(r, c):
    for e in _events(r):
        if e.get("status") in REVERSED_STATUSES:
            return _yes(f"{e.get('type', 'life event')} {e['status']}".replace("_", " "))
    return None


def _bereaved(r, c):
    return _yes("bereaved") if any(e.get("type") == "bereavement" for e in _events(r)) else None


def _guessed(source: str, label: str):
    def score(r, c):
        hits = [e for e in _events(r) if e.get("source") == source]
        return (float(len(hits)), label) if hits else None

    return score


def _opt_out(r, c):
    opted = [o for o in _prefs(r).get("occasion_opt_outs") or () if isinstance(o, str)]
    if not opted:
        return None
    if c.occasion and c.occasion in opted:
        return (2.0, f"opted out of {c.occasion}")  # the campaign's own occasion: the real test
    return _yes("occasion opt-out")


def _gift_buyer(r, c):
    for order, item in _items(r):
        if item.get("gift") or item.get("gift_wrap") or order.get("ship_to_other") or order.get("registry_id"):
            return _yes("gift buyer")
    return None


def _returner(r, c):
    return _yes("returner") if any(item.get("returned") for _, item in _items(r)) else None


def _flag(test: Callable[[dict], bool], label: str):
    return lambda r, c: _yes(label) if test(r) else None


def _first_name(kind: str):
    def score(r, c):
        if kind == "absent":
            hit = "first_name" not in r
        elif kind == "null":
            hit = "first_name" in r and r["first_name"] is None
        else:
            hit = isinstance(r.get("first_name"), str) and not r["first_name"].strip()
        return _yes({"absent": "no first name field", "null": "first name null", "blank": "first name blank"}[kind]) if hit else None

    return score


def _longest(field: str, label: str):
    def score(r, c):
        value = r.get(field)
        return (float(len(value)), label) if isinstance(value, str) and value.strip() else None

    return score


def _longest_recommendation(r, c):
    names = [x.get("name") for x in r.get("recommendations") or () if isinstance(x, dict) and isinstance(x.get("name"), str)]
    return (float(max(map(len, names))), "longest recommendation name") if names else None


def _script(test: Callable[[str], bool], label: str):
    def score(r, c):
        text = _names(r)
        if text.isascii():  # most names: nothing to count
            return None
        count = sum(1 for ch in text if test(ch))
        return (float(count), label) if count else None

    return score


def _rtl(ch: str) -> bool:
    return ord(ch) > 0x58F and unicodedata.bidirectional(ch) in ("R", "AL")


def _cjk(ch: str) -> bool:
    return ord(ch) > 0x2E7F and unicodedata.name(ch, "").startswith(_CJK_PREFIXES)


def _emoji(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _EMOJI_BLOCKS)


def _invisible(r, c):
    # Not printable: control characters, zero-width and bidi marks, soft hyphens, odd spaces.
    # Invisible in the email, they still break greetings, lookups and right-to-left layout.
    for value in (r.get("first_name"), r.get("last_name")):
        if isinstance(value, str) and value.strip() and (value != value.strip() or not value.isprintable()):
            return _yes("invisible characters in name")
    return None


def _non_ascii(r, c):
    text = _names(r)
    return None if text.isascii() else (float(sum(1 for ch in text if ord(ch) > 127)), "non-ASCII name")


def _lacks_read(path: tuple[str, ...]):
    shown = display(path)

    def score(r, c):
        how = lacks(r, path)
        if how is None:
            return None
        return _yes(f"empty {shown}" if how == "empty" else f"no {shown}")

    return score


FIXED = [
    Category("deceased", "deceased", _deceased),
    Category("minor", "minor", _minor),
    Category("reversed_event", "reversed life event", _reversed),
    Category("bereaved", "bereaved", _bereaved),
    Category("inferred_event", "inferred life event", _guessed("inferred", "inferred life event")),
    Category("third_party_event", "third-party life event", _guessed("third_party", "third-party life event")),
    Category("occasion_opt_out", "occasion opt-out", _opt_out),
    Category("gift_buyer", "gift buyer", _gift_buyer),
    Category("returner", "returner", _returner),
    Category("shared_device", "shared device", _flag(lambda r: _prefs(r).get("shared_device") is True, "shared device")),
    Category("seed", "seed address", _flag(lambda r: r.get("is_seed") is True, "seed address")),
    Category("no_marketing_consent", "no marketing consent", _flag(lambda r: _prefs(r).get("marketing_consent") is False, "no marketing consent")),
    Category("unknown_age", "unknown age", _flag(lambda r: not isinstance(r.get("birth_date"), str) or not r["birth_date"], "unknown age")),
    Category("first_name_absent", "no first name field", _first_name("absent")),
    Category("first_name_null", "first name null", _first_name("null")),
    Category("first_name_blank", "first name blank", _first_name("blank")),
]
NAMES = [
    Category("longest_first_name", "longest first name", _longest("first_name", "longest first name")),
    Category("longest_last_name", "longest last name", _longest("last_name", "longest last name")),
    Category("longest_recommendation", "longest recommendation name", _longest_recommendation),
    Category("rtl_name", "right-to-left name", _script(_rtl, "right-to-left name")),
    Category("cjk_name", "CJK name", _script(_cjk, "CJK name")),
    Category("emoji_name", "emoji in name", _script(_emoji, "emoji in name")),
    Category("invisible_name", "invisible characters in name", _invisible),
    Category("non_ascii_name", "non-ASCII name", _non_ascii),
]
# The first-name categories above say more than a generic "no first_name".
_COVERED_READS = frozenset({("first_name",), ("birth_date",)})


def categories(context: Context) -> list[Category]:
    """Every edge category, in priority order, with one per field the template reads."""
    reads = [
        Category(f"missing:{display(path)}", f"no {display(path)}", _lacks_read(path))
        for path in context.reads
        if path not in _COVERED_READS
    ]
    return [*FIXED, *reads, *NAMES]
