"""Edge-case sampling: the recipients a template is most likely to get wrong, then random ones.

One pass over the stream scores every record against every edge category
(:mod:`preview.sampling.traits`) and keeps, per category, the ``per_category`` best candidates
(default 2): highest score first, then the smallest random key, so that among equals the choice
is a seeded uniform one. A :class:`KeyedReservoir` of ``size`` records runs alongside for the fill.

Then seats are handed out in rounds. Round one gives every category present one member, in
priority order; a category whose kept candidate was already chosen for another one reuses it
rather than taking a seat, so a small sample still shows many categories. Later rounds add a
second member, up to ``per_category``; the remaining seats are filled at random. A chosen record
carries the label of every category it was kept as a candidate for ("minor", "longest first
name"); fill records carry "random". Memory is O(size + categories x per_category).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from preview.sampling.options import int_option, send_date_option
from preview.sampling.random import KeyedReservoir, fill_at_random, seeded_rng
from preview.sampling.result import Sample
from preview.sampling.template_reads import template_reads
from preview.sampling.traits import Category, Context, categories


def edge_context(renderer, options: dict) -> Context:
    """The scoring context: send date, and the campaign's occasion and fields when known."""
    campaign = getattr(renderer, "campaign", None)
    reads = ()
    if campaign is not None:
        sources = (campaign.subject, campaign.preheader, campaign.from_name, campaign.text, campaign.body)
        reads = tuple(template_reads(sources))
    return Context(send_date=send_date_option(options, renderer), occasion=getattr(campaign, "occasion", None), reads=reads)


class _Best:
    """The ``k`` best ``(score, key)`` candidates of one category (a bounded min-heap)."""

    __slots__ = ("k", "heap", "present")

    def __init__(self, k: int):
        self.k = k
        self.heap: list[tuple[float, float, int, dict, str]] = []  # (score, -key, index, record, label)
        self.present = 0

    def offer(self, score: float, key: float, index: int, record: dict, label: str) -> None:
        self.present += 1
        entry = (score, -key, index, record, label)
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
        elif entry[:3] > self.heap[0][:3]:
            heapq.heapreplace(self.heap, entry)

    def ranked(self) -> list[tuple[int, dict, str]]:
        """``(index, record, label)``, best first."""
        return [(i, r, label) for _, _, i, r, label in sorted(self.heap, key=lambda e: (-e[0], -e[1], e[2]))]


def edge_sample(stream: Iterable[dict], size: int, seed, renderer=None, options: dict | None = None) -> Sample:
    """``size`` records of ``stream``: edge cases first, the rest at random (module docstring)."""
    options = options or {}
    per_category = int_option(options, "per_category", 2)
    context = edge_context(renderer, options)
    cats = categories(context)
    best = {c.name: _Best(per_category) for c in cats}
    fill = KeyedReservoir(size)
    rng = seeded_rng(seed, "edge")
    population = 0
    for index, record in enumerate(stream):
        population += 1
        key = rng.random()
        fill.offer(key, index, record)
        for cat in cats:
            hit = cat.score(record, context)
            if hit is not None:
                best[cat.name].offer(hit[0], key, index, record, hit[1])

    chosen: dict[int, dict] = {}
    reasons: dict[int, list[str]] = {}
    shown: dict[str, int] = {}
    _edge_rounds(cats, best, size, per_category, chosen, reasons, shown)
    fill_at_random(chosen, reasons, fill, size)

    report = [
        {"category": c.name, "label": c.label, "present": best[c.name].present, "chosen": shown.get(c.name, 0)}
        for c in cats
        if best[c.name].present
    ]
    missed = [row["label"] for row in report if not row["chosen"]]
    notes = [f"{len(missed)} edge categories present but not shown (a sample of {size} is too small): {', '.join(missed)}"] if missed else []
    return Sample.seated(chosen, reasons, strategy="edge", size=size, seed=seed, population=population,
                         details={"per_category": per_category, "categories": report}, notes=notes)


def _edge_rounds(cats: list[Category], best: dict, size: int, per_category: int, chosen: dict, reasons: dict, shown: dict) -> None:
    """Seat up to ``per_category`` members of every category present, one round at a time, then
    label every chosen record with each category it was a kept candidate of."""
    for wanted in range(1, per_category + 1):
        for cat in cats:
            ranked = best[cat.name].ranked()
            if len(chosen) >= size or sum(1 for i, _, _ in ranked if i in chosen) >= wanted:
                continue
            for index, record, label in ranked:
                if index not in chosen:
                    chosen[index] = record
                    reasons[index] = [label]
                    break
    for cat in cats:
        for index, _, label in best[cat.name].ranked():
            if index in chosen:
                shown[cat.name] = shown.get(cat.name, 0) + 1
                if label not in reasons[index]:
                    reasons[index].append(label)
