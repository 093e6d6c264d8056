"""Choosing which recipients to preview (Flask-free; the CLI, UI and API share it)."""

from preview.sampling.random import reservoir_sample

__all__ = ["reservoir_sample"]
