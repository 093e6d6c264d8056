"""The sampling strategies by name, behind one entry point: :func:`choose`."""

from __future__ import annotations

from collections.abc import Iterable

from preview.contract.errors import InputError
from preview.sampling.random import reservoir_sample


def _random(stream: Iterable[dict], size: int, seed, renderer=None, options=None) -> list[dict]:
    return reservoir_sample(stream, size, seed)


STRATEGIES = {
    "random": _random,
}


def choose(strategy: str, stream: Iterable[dict], *, size: int, seed=0, renderer=None, options: dict | None = None) -> list[dict]:
    """``size`` records of ``stream`` chosen by ``strategy`` (see :data:`STRATEGIES`).

    ``renderer`` (a CampaignRenderer) is there for strategies that need to render candidates,
    such as branch coverage.
    """
    try:
        func = STRATEGIES[strategy]
    except KeyError:
        raise InputError(f"unknown sampling strategy {strategy!r}; use one of: {', '.join(STRATEGIES)} or all", field="sampling.strategy") from None
    return func(stream, size, seed, renderer=renderer, options=options or {})
