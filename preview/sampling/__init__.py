"""Choosing which recipients to preview (Flask-free; the CLI, UI and API share it).

:func:`choose` runs a strategy by name over a stream of records and returns a :class:`Sample`
(a list of the chosen records with the reasons for each). The strategies: ``random``
(:mod:`.random`), ``stratified`` by segment (:mod:`.stratified`), ``edge`` cases
(:mod:`.edge_cases`, categories in :mod:`.traits`) and branch ``coverage`` (:mod:`.coverage`).
"""

from preview.sampling.coverage import CoverageReport
from preview.sampling.random import reservoir_sample
from preview.sampling.result import Sample
from preview.sampling.strategies import STRATEGIES, choose

__all__ = ["STRATEGIES", "CoverageReport", "Sample", "choose", "reservoir_sample"]
