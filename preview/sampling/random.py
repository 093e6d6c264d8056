"""Seeded uniform sampling from a stream of unknown length.

Two forms of the same idea. :func:`reservoir_sample` is the classic reservoir (Algorithm R).
:class:`KeyedReservoir` gives every item a random key and keeps the ``k`` smallest keys: the
items with the smallest keys are a uniform sample, and so is any prefix of them in key order,
which is what the other strategies need (take the first ``n`` of a stratum, or fill the slots
left after the edge cases without the records already chosen).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable

RANDOM = "random"  # why a record was chosen at random


def reservoir_sample(items: Iterable, size: int, seed: int | str | None = 0) -> list:
    """``size`` items chosen uniformly from ``items`` in one pass, in their original order.

    The same seed over the same stream gives the same sample; memory is O(size).
    """
    if size <= 0:
        return []
    rng = random.Random(seed)
    chosen: list[tuple[int, object]] = []
    for index, item in enumerate(items):
        if index < size:
            chosen.append((index, item))
        else:
            j = rng.randint(0, index)
            if j < size:
                chosen[j] = (index, item)
    chosen.sort(key=lambda pair: pair[0])
    return [item for _, item in chosen]


def seeded_rng(seed, purpose: str) -> random.Random:
    """A generator for one strategy's use of ``seed``.

    The seed is read as text, so the CLI's ``--seed 7`` and an API's ``"seed": 7`` draw the same
    sample, and ``purpose`` keeps two strategies given the same seed from sharing their draws.
    """
    return random.Random(f"{purpose}:{'0' if seed is None else seed}")


class KeyedReservoir:
    """The ``k`` items with the smallest random keys seen so far; memory O(k).

    Callers draw the keys (one per item, in stream order, from a :func:`seeded_rng`) so that
    several reservoirs over one stream stay deterministic together. ``index`` is the item's
    position in the stream: it breaks ties and gives the final order back.
    """

    def __init__(self, k: int):
        self.k = max(0, k)
        self._heap: list[tuple[float, int, object]] = []  # (-key, -index, item): a max-heap

    def offer(self, key: float, index: int, item) -> None:
        """Keep ``item`` if its key is among the ``k`` smallest so far."""
        if self.k == 0:
            return
        entry = (-key, -index, item)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    def __len__(self) -> int:
        return len(self._heap)

    def smallest(self, n: int | None = None) -> list[tuple[float, int, object]]:
        """``(key, index, item)`` of the ``n`` (default all) smallest keys, smallest first."""
        ordered = sorted(((-key, -index, item) for key, index, item in self._heap), key=lambda e: (e[0], e[1]))
        return ordered if n is None else ordered[: max(0, n)]


def fill_at_random(chosen: dict, reasons: dict, pool: KeyedReservoir, size: int) -> None:
    """Seat records of ``pool``, smallest key first, until ``chosen`` (stream index -> record)
    holds ``size``: a uniform choice among those not chosen yet, each with the reason ``random``."""
    for _, index, record in pool.smallest():
        if len(chosen) >= size:
            break
        if index not in chosen:
            chosen[index] = record
            reasons[index] = [RANDOM]
