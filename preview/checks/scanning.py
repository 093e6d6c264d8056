"""Where the phrases of a rule file occur in what a recipient reads, paying per recipient only for
the text that differs.

:func:`hits` gives exactly what ``phrases.finditer(message.part_text(part))`` gives (same matches,
same order), but the visible body text is not scanned whole for each recipient. Recipients of a
campaign share a layout (``preview.rendering.document.Layout``): template text with slots where
their values go. A phrase set's *cuts* (:meth:`PhraseSet.cuts`: sentence punctuation its phrases
do not spell out there) are places no match can span, and to a phrase's word edges a cut and the
end of a text look alike; so text cut there scans piece by piece exactly as it scans whole. The
template text between the first and the last cut of each stretch of template text is scanned once
per layout; per recipient only the *runs* are scanned, each from the last cut before a value to
the first cut after it, piece by piece between the cuts inside its values; the pieces recur
("Hi Ana", "Wool socks $45" with digits alike), so the phrase set's memo of texts answers most. Subject, preheader, sender name and a plain-text part are scanned whole
through the same memo (they recur with the first names in them).

Results are kept in ``message.memo`` for the other checks of the same recipient.
"""

from __future__ import annotations

from typing import NamedTuple

from preview.checks.rules import PhraseSet, digits_alike, fold

_STATIC, _RUN = 0, 1


class Hit(NamedTuple):
    """A rule entry's phrase found in one part of one message (``start``/``end`` index
    ``message.part_text(part)``; ``text`` is the phrase as written there)."""

    part: str
    start: int
    end: int
    text: str
    rule: dict


def hits(phrases: PhraseSet, message, part: str) -> tuple[Hit, ...]:
    """Every match of ``phrases`` in ``message.part_text(part)``, leftmost first, as
    ``phrases.finditer`` finds them in the whole text."""
    if phrases.regex is None:  # no phrases at all
        return ()
    key = (phrases, part)
    found = message.memo.get(key)
    if found is None:
        if part == "html":
            found = _body_hits(phrases, message) if message.document is not None else ()
        else:
            text, alike = _text(message, part)
            found = phrases.matches(text, alike)
            if found:
                found = tuple(Hit(part, m.start, m.end, m.text, m.rule) for m in found)
        message.memo[key] = found
    return found


def _text(message, part: str) -> tuple[str, str]:
    """A part's text and its :func:`digits_alike` key, once per message for every phrase set."""
    key = ("scanning.text", part)
    found = message.memo.get(key)
    if found is None:
        text = message.part_text(part)
        found = message.memo[key] = (text, digits_alike(text))
    return found


def _body_hits(phrases: PhraseSet, message) -> tuple[Hit, ...]:
    doc = message.document
    starts = doc.part_starts
    runs = _runs(message, doc, phrases)
    out: list[Hit] = []
    for item in _layout_items(phrases, doc.layout):
        if item[0] == _STATIC:
            base = starts[item[1]]
            out.extend(Hit("html", base + s, base + e, t, rule) for s, e, t, rule in item[2])
        else:
            for a, text, alike in runs[item[1]]:
                found = phrases.matches(text, alike)
                if found:
                    out.extend(Hit("html", a + m.start, a + m.end, m.text, m.rule) for m in found)
    return tuple(out)


def _runs(message, doc, phrases: PhraseSet) -> list[tuple]:
    """Per run of the body for the cuts of ``phrases``, its pieces between the cuts inside it
    (a price's decimal point, a comma in a name) as ``(start, text, digits_alike(text))``: the
    text scanned per recipient, cut once per message for every set that cuts alike. Pieces recur
    more than whole runs do ("Wool socks $45" and "22" for "Wool socks $45.22")."""
    key = ("scanning.runs", phrases.cut_key)
    runs = message.memo.get(key)
    if runs is None:
        text, starts = doc.text, doc.part_starts
        runs = []
        for item in _cut_plan(doc.layout, phrases):
            if item[0] != _RUN:
                continue
            a, b = starts[item[1]] + item[2], starts[item[3]] + item[4]
            pieces = []
            if a < b:
                run = text[a:b]
                last = 0
                for cut in (*phrases.cuts(fold(run)), len(run)):
                    if cut > last:
                        piece = run[last:cut]
                        pieces.append((a + last, piece, digits_alike(piece)))
                    last = cut + 1
            runs.append(tuple(pieces))
        message.memo[key] = runs
    return runs


def _layout_items(phrases: PhraseSet, layout) -> list[tuple]:
    """The layout's text in reading order for ``phrases``: ``(_STATIC, part, matches)`` for template
    text scanned once (matches as ``(start, end, text, rule)`` from the part's start; only where
    there are some) and ``(_RUN, n)`` for the ``n``-th run of :func:`_runs`, scanned per
    recipient."""
    key = ("scanning.items", phrases)
    items = layout.memo.get(key)
    if items is None:
        items = []
        for item in _cut_plan(layout, phrases):
            if item[0] == _RUN:
                items.append((_RUN, sum(1 for i in items if i[0] == _RUN)))
                continue
            _, k, s, e = item
            # Scanned without the phrase set's memo: the layout keeps the result, and a long
            # stretch of template text would only push the recurring short texts out of it.
            found = tuple((s + m.start, s + m.end, m.text, m.rule) for m in phrases.scan(layout.text[k][s:e]))
            if found:
                items.append((_STATIC, k, found))
        layout.memo[key] = items
    return items


def _cut_plan(layout, phrases: PhraseSet) -> list[tuple]:
    """How the layout's text splits at the cuts of ``phrases``: ``(_STATIC, part, start, end)``
    for stretches of template text bounded by cuts (or the ends of the text), ``(_RUN, part,
    offset, end part, end offset)`` for the rest, which holds the values. Shared by the phrase
    sets that cut alike."""
    key = ("scanning.plan", phrases.cut_key)
    plan = layout.memo.get(key)
    if plan is None:
        plan = layout.memo[key] = split(layout.text, phrases.cuts)
    return plan


def split(parts: tuple, cuts) -> list[tuple]:
    """The plan of :func:`_cut_plan` for layout text ``parts``; ``cuts(folded text)`` gives the
    offsets where a stretch of template text can be cut."""
    n = len(parts)
    plan: list[tuple] = []
    run: tuple | None = (0, 0)  # where the open run began
    for k, piece in enumerate(parts):
        if type(piece) is not str:
            continue  # a value: the open run goes on through it
        first, last = k == 0, k == n - 1
        # Cuts are found in the folded text, as the phrases match it (a curly quote is a '"').
        at = cuts(fold(piece))
        if not at and not (first and last):
            continue  # no cut: the run goes on (or, in the first part, starts here)
        if not first:
            plan.append((_RUN, *run, k, at[0]))
        start = 0 if first else at[0] + 1
        end = len(piece) if last else at[-1]
        if start < end:
            plan.append((_STATIC, k, start, end))
        run = None if last else (k, at[-1] + 1)
    if run is not None:
        plan.append((_RUN, *run, n, 0))
    return plan
