"""Differences between two renders (or two campaign versions), line by line and word by word.

:func:`diff_lines` pairs the lines of two texts with difflib; lines that changed are compared
again word by word, so "Hi Ana, your wedding" against "Hi there, your wedding" marks one word,
not the whole line. The result is plain data (segments flagged as changed) that a template
renders with ``<del>``/``<ins>`` and escapes like any other text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass
class Segment:
    """A piece of a line; ``changed`` pieces are the inserted or removed ones."""

    text: str
    changed: bool = False


@dataclass
class DiffRow:
    """One row of a side-by-side diff: ``kind`` is equal, replace, delete or insert."""

    kind: str
    left: list[Segment] = field(default_factory=list)
    right: list[Segment] = field(default_factory=list)
    left_number: int | None = None
    right_number: int | None = None


def diff_words(a: str, b: str) -> tuple[list[Segment], list[Segment]]:
    """``a`` and ``b`` as segments, the words that differ flagged."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if i2 > i1:
            _append(left, "".join(ta[i1:i2]), op != "equal")
        if j2 > j1:
            _append(right, "".join(tb[j1:j2]), op != "equal")
    return left, right


def _append(segments: list[Segment], text: str, changed: bool) -> None:
    if segments and segments[-1].changed == changed:
        segments[-1].text += text
    else:
        segments.append(Segment(text, changed))


def diff_lines(a: str, b: str) -> list[DiffRow]:
    """Side-by-side rows for texts ``a`` and ``b`` (split on line breaks)."""
    la, lb = a.splitlines(), b.splitlines()
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                text = la[i1 + k]
                rows.append(DiffRow("equal", [Segment(text)], [Segment(text)], i1 + k + 1, j1 + k + 1))
        elif op == "replace":
            # Pair the changed lines in order; the longer side's extra lines stand alone.
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                if i < i2 and j < j2:
                    left, right = diff_words(la[i], lb[j])
                    rows.append(DiffRow("replace", left, right, i + 1, j + 1))
                elif i < i2:
                    rows.append(DiffRow("delete", [Segment(la[i], True)], [], i + 1, None))
                else:
                    rows.append(DiffRow("insert", [], [Segment(lb[j], True)], None, j + 1))
        elif op == "delete":
            rows.extend(DiffRow("delete", [Segment(la[i], True)], [], i + 1, None) for i in range(i1, i2))
        else:
            rows.extend(DiffRow("insert", [], [Segment(lb[j], True)], None, j + 1) for j in range(j1, j2))
    return rows


def changed(rows: list[DiffRow]) -> int:
    """How many rows differ."""
    return sum(1 for r in rows if r.kind != "equal")
