"""Flat memory: every strategy reads a stream far larger than the sample without holding it.

Two measures, neither of them time. Records are counted while alive (each is a dict subclass
with a finalizer), which says exactly how many a strategy holds at its worst; and tracemalloc's
peak over a whole choose() is compared with what holding a tenth of the stream measurably costs.
"""

import tracemalloc
import weakref

import pytest

from preview.sampling import choose
from tests.sampling.conftest import renderer_for

SIZE = 100
STRATEGIES = [
    ("random", {}),
    ("stratified", {}),
    ("edge", {}),
    ("coverage", {"max_scan": 1000}),  # rendering 50,000 people takes half a minute; reading them does not
]


class Record(dict):
    """A recipient record that can be watched by a finalizer (plain dicts cannot)."""


class Stream:
    """``n`` demo records, made one at a time as they are read (as database rows arrive), counting
    how many are alive at once."""

    def __init__(self, base: list[dict], n: int):
        self.base, self.n = base, n
        self.alive = self.most_alive = 0

    def _gone(self):
        self.alive -= 1

    def __iter__(self):
        for i in range(self.n):
            record = Record(self.base[i % len(self.base)])
            record["id"] = f"s{i}"
            self.alive += 1
            self.most_alive = max(self.most_alive, self.alive)
            weakref.finalize(record, self._gone)
            yield record


def _bound(strategy: str, sample) -> int:
    """Records a strategy may hold: its sample and reservoir, and its per-stratum or per-category keep."""
    if strategy == "stratified":
        return SIZE * len(sample.details["strata"])
    if strategy == "edge":
        return SIZE + sample.details["per_category"] * len(sample.details["categories"])
    return 2 * SIZE


@pytest.mark.parametrize(("strategy", "options"), STRATEGIES, ids=[s for s, _ in STRATEGIES])
def test_a_strategy_holds_a_bounded_number_of_records(audience, strategy, options):
    stream = Stream(audience[:1000], 50_000)
    sample = choose(strategy, iter(stream), size=SIZE, seed=0, renderer=renderer_for("new-arrival.mjml"), options=options)
    assert len(sample) == SIZE and sample.population == 50_000
    assert stream.most_alive <= _bound(strategy, sample) + 2, stream.most_alive  # + the one being read
    assert stream.most_alive < 50_000 / 50


@pytest.mark.parametrize(("strategy", "options"), STRATEGIES, ids=[s for s, _ in STRATEGIES])
def test_peak_memory_is_well_under_holding_the_stream(audience, strategy, options):
    renderer = renderer_for("new-arrival.mjml")
    n = 10_000
    tracemalloc.start()
    try:
        held = list(Stream(audience[:1000], n // 10))
        tenth, _ = tracemalloc.get_traced_memory()
        del held
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        sample = choose(strategy, iter(Stream(audience[:1000], n)), size=30, seed=0, renderer=renderer, options=options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sample.population == n and len(sample) == 30
    assert peak - start < tenth, f"{strategy}: peak {peak - start:,} bytes; holding a tenth of the stream: {tenth:,}"
