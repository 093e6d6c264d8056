"""The sampling strategies by name, behind one entry point: :func:`choose`.

Every strategy reads its stream once, keeps O(size) records (plus a little per segment, edge
category or template branch), and gives the same sample for the same seed and stream order.
"""

from __future__ import annotations

from collections.abc import Iterable

from preview.contract.errors import InputError
from preview.sampling.coverage import coverage_sample
from preview.sampling.edge_cases import edge_sample
from preview.sampling.random import RANDOM, reservoir_sample
from preview.sampling.result import Counted, Sample
from preview.sampling.stratified import stratified_sample


def random_sample(stream: Iterable[dict], size: int, seed, renderer=None, options=None) -> Sample:
    """``size`` records chosen uniformly at random (seeded reservoir sampling)."""
    counted = Counted(stream)
    records = reservoir_sample(counted, size, seed)
    return Sample(
        records, strategy="random", size=size, seed=seed, reasons={r.get("id"): [RANDOM] for r in records}, population=counted.count
    )


STRATEGIES = {
    "random": random_sample,
    "stratified": stratified_sample,
    "edge": edge_sample,
    "coverage": coverage_sample,
}


def choose(strategy: str, stream: Iterable[dict], *, size: int, seed=0, renderer=None, options: dict | None = None) -> Sample:
    """``size`` records of ``stream`` chosen by ``strategy`` (see :data:`STRATEGIES`).

    Returns a :class:`Sample`: a list of the chosen records in stream order, which also carries
    why each was chosen and what the strategy saw (strata, edge categories, branch coverage).
    ``renderer`` (a CampaignRenderer) is what ``coverage`` renders candidates with; ``edge``
    reads the campaign's fields and occasion from it when given. ``options`` are the strategy's
    own (``max_scan``, ``per_category``, ``segment_priority``) and ``send_date``.
    """
    try:
        func = STRATEGIES[strategy]
    except KeyError:
        raise InputError(f"unknown sampling strategy {strategy!r}; use one of: {', '.join(STRATEGIES)} or all", field="sampling.strategy") from None
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InputError(f"the sample size must be a whole number of at least 1, got {size!r}", field="size")
    return func(stream, size, seed, renderer=renderer, options=options or {})
