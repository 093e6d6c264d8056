"""Stratified sampling by segment: every segment shows up in proportion to its size.

A recipient counts in one stratum only, its *primary segment*: the first of its ``segments``
that appears in the ``segment_priority`` option (a list of segment names, most important first),
else the first segment its record lists. Recipients without segments form a stratum of their
own. Seats are given out in proportion to each stratum's population (largest remainder), with
at least one seat for every non-empty stratum when the sample has room for all of them; when it
has not, the largest strata get the seats and a note says which were left out.

One pass: each record draws a random key, and each stratum keeps its ``size`` smallest keys
(:class:`KeyedReservoir`), whose first ``n`` are a uniform sample of the stratum. Memory is
O(size x number of strata), since a stratum's share is only known at the end of the stream;
segments are few (a handful to a few dozen), so that stays small.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from preview.sampling.options import list_option
from preview.sampling.random import KeyedReservoir, seeded_rng
from preview.sampling.result import Sample

NO_SEGMENT = ""  # the stratum of recipients with no segment


def primary_segment(record: dict, priority: dict[str, int]) -> str:
    """The one stratum ``record`` counts in (see the module docstring)."""
    segments = [s for s in record.get("segments") or () if isinstance(s, str) and s]
    if not segments:
        return NO_SEGMENT
    if priority:
        ranked = [s for s in segments if s in priority]
        if ranked:
            return min(ranked, key=priority.__getitem__)
    return segments[0]


def stratum_label(stratum: str) -> str:
    """How a stratum is shown: ``segment vip``, or ``no segment``."""
    return f"segment {stratum}" if stratum != NO_SEGMENT else "no segment"


def allocate(populations: dict[str, int], size: int) -> dict[str, int]:
    """Seats per stratum: proportional (largest remainder), at least one each when size allows.

    Ties go to the larger stratum, then to the name, so the result depends on nothing else.
    """
    total = sum(populations.values())
    if size >= total:
        return dict(populations)
    by_size = sorted(populations, key=lambda s: (-populations[s], s))
    if size < len(by_size):
        return {s: (1 if i < size else 0) for i, s in enumerate(by_size)}
    quota = {s: size * populations[s] / total for s in by_size}
    seats = dict.fromkeys(by_size, 1)
    # Each remaining seat goes to the stratum furthest below its quota.
    heap = [(-(quota[s] - 1), -populations[s], s) for s in by_size if populations[s] > 1]
    heapq.heapify(heap)
    for _ in range(size - len(by_size)):
        _, neg_pop, s = heapq.heappop(heap)
        seats[s] += 1
        if seats[s] < populations[s]:
            heapq.heappush(heap, (-(quota[s] - seats[s]), neg_pop, s))
    return seats


def stratified_sample(stream: Iterable[dict], size: int, seed, renderer=None, options: dict | None = None) -> Sample:
    """``size`` records of ``stream``, stratified by primary segment (module docstring)."""
    options = options or {}
    priority = {name: rank for rank, name in enumerate(list_option(options, "segment_priority"))}
    rng = seeded_rng(seed, "stratified")
    pools: dict[str, KeyedReservoir] = {}
    populations: dict[str, int] = {}
    for index, record in enumerate(stream):
        key = rng.random()  # drawn for every record, so the draws do not depend on the strata
        stratum = primary_segment(record, priority)
        populations[stratum] = populations.get(stratum, 0) + 1
        pool = pools.get(stratum)
        if pool is None:
            pool = pools[stratum] = KeyedReservoir(size)
        pool.offer(key, index, record)

    seats = allocate(populations, size)
    picked: list[tuple[int, dict, str]] = []
    for stratum, n in seats.items():
        picked.extend((index, record, stratum) for _, index, record in pools[stratum].smallest(n))
    picked.sort(key=lambda p: p[0])

    total = sum(populations.values())
    strata = [
        {"segment": s or None, "label": stratum_label(s), "population": populations[s], "share": round(populations[s] / total, 4), "chosen": seats.get(s, 0)}
        for s in sorted(populations, key=lambda s: (-populations[s], s))
    ]
    notes = []
    left_out = [row["label"] for row in strata if row["chosen"] == 0]
    if left_out:
        notes.append(f"{len(left_out)} of {len(strata)} strata got no seat (a sample of {size} is too small): {', '.join(left_out)}")
    return Sample(
        [record for _, record, _ in picked],
        strategy="stratified",
        size=size,
        seed=seed,
        reasons={record.get("id"): [stratum_label(stratum)] for _, record, stratum in picked},
        population=total,
        details={"primary_segment": "segment_priority, then the record's first segment" if priority else "the record's first segment", "strata": strata},
        notes=notes,
    )
