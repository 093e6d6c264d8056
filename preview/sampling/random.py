"""Seeded uniform sampling from a stream of unknown length (reservoir sampling)."""

from __future__ import annotations

import random
from collections.abc import Iterable


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
