"""What a strategy returns: the chosen records, why each was chosen, and what the strategy saw."""

from __future__ import annotations


class Sample(list):
    """The chosen records in stream order (a plain ``list`` to every caller), plus:

    - ``reasons``: record id -> short labels of why it was chosen ("minor", "longest first
      name", "segment vip", "branch line 37 else", "random"), shown as chips in the UI;
    - ``population``: how many records the stream held;
    - ``details``: what the strategy reports about itself (strata, edge categories);
    - ``coverage``: the branch-coverage report (:class:`preview.sampling.coverage.CoverageReport`)
      of the ``coverage`` strategy, else None;
    - ``notes``: sentences for people ("3 of 7 segments got no seat: the sample is too small").
    """

    def __init__(
        self,
        records=(),
        *,
        strategy: str,
        size: int,
        seed=0,
        reasons: dict[str, list[str]] | None = None,
        population: int = 0,
        details: dict | None = None,
        coverage=None,
        notes: list[str] | None = None,
    ):
        super().__init__(records)
        self.strategy = strategy
        self.size = size
        self.seed = seed
        self.reasons = reasons or {}
        self.population = population
        self.details = details or {}
        self.coverage = coverage
        self.notes = notes or []

    @classmethod
    def seated(cls, chosen: dict, reasons: dict, **fields) -> Sample:
        """The sample of ``chosen`` (stream index -> record) in stream order, each record with its
        ``reasons`` (stream index -> labels)."""
        order = sorted(chosen)
        return cls([chosen[i] for i in order], reasons={chosen[i].get("id"): reasons[i] for i in order}, **fields)

    def reasons_for(self, record: dict) -> list[str]:
        """Why ``record`` (one of the chosen) was chosen."""
        return list(self.reasons.get(record.get("id"), ()))

    def to_dict(self, *, recipients: bool = True) -> dict:
        """The sample as JSON data: the report's ``sampling`` field and the run's ``sampling``
        column. ``recipients`` adds each chosen id with its reasons (the run stores those on its
        recipients instead)."""
        out = {
            "strategy": self.strategy,
            "size": self.size,
            "seed": self.seed,
            "population": self.population,
            "chosen": len(self),
            **self.details,
            "notes": list(self.notes),
        }
        if self.coverage is not None:
            out["coverage"] = self.coverage.to_dict()
        if recipients:
            out["recipients"] = [{"id": r.get("id"), "reasons": self.reasons_for(r)} for r in self]
        return out


class Counted:
    """An iterator that counts what passes through it (the population of a stream)."""

    def __init__(self, items):
        self._items = iter(items)
        self.count = 0

    def __iter__(self):
        for item in self._items:
            self.count += 1
            yield item
