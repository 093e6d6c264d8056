"""Choosing which recipients to preview (Flask-free; the CLI, UI and API share it)."""

from preview.sampling.random import reservoir_sample
from preview.sampling.strategies import STRATEGIES, choose

__all__ = ["STRATEGIES", "choose", "reservoir_sample"]
