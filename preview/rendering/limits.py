"""Size estimates that let the sandbox refuse a huge value *before* Python builds it.

Jinja2's sandbox bounds ``range`` but not the many other ways one expression can build a
gigabyte (``"x" * 10**9``, ``"%999999999d" % 1``, ``"x"|center(10**9)``, a list of a million
references to one long string rendered with ``|string``). Every guard here compares an estimate
with the output limit and raises :class:`RenderLimitExceeded`, which the renderer reports as a
``limit`` render error. Estimates are cheap upper bounds, never exact sizes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# A width or precision in a %-format or a str.format field: "%999d", "%.9999f", "{:>9999}".
_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*?:[^{}]*?(\d{4,})")
# Above this many bits an integer product is refused (10**30000 has about 100,000 bits).
MAX_INT_BITS = 100_000


class RenderLimitExceeded(RuntimeError):
    """A template went past the time or output-size limit of one render."""


def too_big(what: str, limit: int) -> RenderLimitExceeded:
    """The error for a value that would pass ``limit`` characters."""
    return RenderLimitExceeded(f"{what} would exceed the output limit of {limit:,} characters")


def weight(value, limit: int) -> int:
    """An upper bound of ``len(str(value))`` for values a template built, stopping past ``limit``.

    Only containers a template can build (list, tuple, set, dict) are walked. Record views
    count as 1: they hold the recipient's own data, bounded by the input, and walking them on
    every filter call would slow every render down.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        total = len(value)
        for item in value:
            total += weight(item, limit)
            if total > limit:
                break
        return total
    if isinstance(value, dict):
        total = len(value)
        for key, item in value.items():
            total += weight(key, limit) + weight(item, limit)
            if total > limit:
                break
        return total
    return 1


def check_weight(value, limit: int, what: str) -> None:
    """Raise when ``value`` would print as more than ``limit`` characters."""
    if weight(value, limit) > limit:
        raise too_big(what, limit)


def check_format(fmt: str, args, limit: int) -> None:
    """Refuse widths and ``*`` widths in a format string that would pass ``limit``."""
    for match in _WIDTH.finditer(fmt):
        width = next(int(g) for g in match.groups() if g)
        if width > limit:
            raise too_big("a format width", limit)
    if "*" in fmt:
        values = args if isinstance(args, (tuple, list)) else (args,)
        if any(type(v) is int and v > limit for v in values):
            raise too_big("a format width", limit)


def check_binop(operator: str, left, right, limit: int) -> None:
    """Refuse ``*``, ``+``, ``**`` and ``%`` whose result would be too big to build."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and type(n) is int and n > 1 and weight(seq, limit) * n > limit:
                raise too_big("repeating a value", limit)
        if type(left) is int and type(right) is int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise too_big("a number", limit)
    elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        if weight(left, limit) + weight(right, limit) > limit:
            raise too_big("joining two values", limit)
    elif operator == "**":
        if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(right) > 128 and abs(left) > 1:
            raise RenderLimitExceeded("exponent too large for the sandbox")
    elif operator == "%" and isinstance(left, str):
        check_format(left, right, limit)


def check_str_method(owner: str, name: str, args: tuple, kwargs: dict, limit: int) -> tuple:
    """Refuse str methods that would build a huge string; returns ``args`` (iterables listed).

    ``join`` consumes its argument to measure it, so the materialised list is handed back for
    the real call.
    """
    if name in ("ljust", "rjust", "center", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if type(width) is int and width > limit:
            raise too_big("padding", limit)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if type(size) is int and owner.count("\t") * size + len(owner) > limit:
            raise too_big("expanding tabs", limit)
    elif name == "join" and args:
        items = list(args[0])
        if weight(items, limit) + len(owner) * len(items) > limit:
            raise too_big("joining values", limit)
        args = (items, *args[1:])
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, args[0], args[1], limit)
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        if len(owner) * longest > limit:
            raise too_big("translating a value", limit)
    return args


def check_replace(text, old, new, limit: int) -> None:
    """Refuse a replace whose result would pass ``limit``."""
    text, old, new = str(text), str(old), str(new)
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * max(0, len(new) - len(old)) > limit:
        raise too_big("the 'replace' filter", limit)


def check_filter(name: str, args: tuple, kwargs: dict, limit: int) -> None:
    """Refuse a filter call whose result would pass ``limit``, from its (value, *args)."""
    if not args:
        return
    value, rest = args[0], args[1:]
    if name == "center" and (rest or "width" in kwargs):
        width = rest[0] if rest else kwargs.get("width")
        if type(width) is int and width > limit:
            raise too_big(f"the '{name}' filter", limit)
    elif name == "indent":
        width = rest[0] if rest else kwargs.get("width", 4)
        step = len(width) if isinstance(width, str) else width if type(width) is int else 0
        if len(str(value)) + (str(value).count("\n") + 1) * step > limit:
            raise too_big("the 'indent' filter", limit)
    elif name == "wordwrap":
        wrapstring = rest[2] if len(rest) > 2 else kwargs.get("wrapstring")
        if wrapstring and len(str(value)) * (1 + len(str(wrapstring))) > limit:
            raise too_big("the 'wordwrap' filter", limit)
    elif name == "replace" and len(rest) >= 2:
        check_replace(value, rest[0], rest[1], limit)
    elif name == "format":
        check_format(str(value), rest or tuple(kwargs.values()), limit)
    elif name in ("batch", "slice"):
        n = rest[0] if rest else kwargs.get("linecount", kwargs.get("slices", 1))
        fill = rest[1] if len(rest) > 1 else kwargs.get("fill_with")
        if type(n) is int and n * max(1, weight(fill, limit)) > limit:
            raise too_big(f"the '{name}' filter", limit)
    elif name == "join":
        sep = rest[0] if rest else kwargs.get("d", "")
        items = value if isinstance(value, (list, tuple)) else ()
        if items and weight(items, limit) + len(str(sep)) * len(items) > limit:
            raise too_big("the 'join' filter", limit)


def check_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100, *, limit: int) -> None:  # noqa: A002 - Jinja's names
    """Refuse a ``lipsum()`` call that would write more than ``limit`` characters."""
    if type(n) is int and type(max) is int and n * max * 12 > limit:
        raise too_big("lipsum()", limit)
