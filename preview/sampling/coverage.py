"""Branch-coverage sampling: show every arm of every ``if``/``for`` that some recipient reaches.

Each streamed candidate is rendered (``renderer.render``) and its ``message.branch_hits`` say
which arms of which conditionals it took. The first candidate to reach an arm nobody has reached
yet is chosen (greedy set cover in one pass, so memory stays O(size + arms)). This is an
approximation: a later candidate that reaches several of the chosen ones' arms at once could
have saved seats, and once the sample is full, an arm first reached later replaces nobody; it is
reported as reached but not shown, with the id of a recipient who reaches it. The remaining
seats are filled at random from the candidates not chosen for an arm.

Rendering costs about half a millisecond a recipient, so ``max_scan`` (default: every
candidate) caps how many are rendered; the stream is still read to the end for the random fill,
and the report says the scan was cut short. Rendering also stops as soon as every arm is reached.
The report lists the arms no scanned recipient reached, with their line and label:
``line 14: {% if recipient.life_events %} -> else never taken``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from preview.contract.errors import InputError
from preview.sampling.options import int_option, send_date_option
from preview.sampling.random import KeyedReservoir, fill_at_random, seeded_rng
from preview.sampling.result import Sample


@dataclass
class CoverageReport:
    """Which arms the scanned recipients reached, who shows each, and what nobody reached.

    ``arms`` is the renderer's ``branches`` (``(part, Branch)``); ``shown`` and ``not_shown``
    map an arm's key ``(part, branch id, arm)`` to the id of the first recipient reaching it,
    chosen or (the sample being full) not.
    """

    arms: list = field(default_factory=list)
    shown: dict = field(default_factory=dict)
    not_shown: dict = field(default_factory=dict)
    scanned: int = 0
    population: int = 0
    max_scan: int | None = None
    cut_short: bool = False
    complete: bool = False  # every arm was reached, so rendering stopped early

    @staticmethod
    def key(part: str, branch) -> tuple:
        """The key of one arm: ``(part, branch id, arm)``."""
        return (part, branch.id, branch.arm)

    def unreached(self) -> list:
        """``(part, Branch)`` of every arm no scanned recipient reached, in template order."""
        return [(p, b) for p, b in self.arms if self.key(p, b) not in self.shown and self.key(p, b) not in self.not_shown]

    @staticmethod
    def describe(part: str, branch) -> str:
        """How reports name an arm: its line and label, with the part unless it is the body."""
        where = "" if part == "body" else f"{part} "
        return f"{where}{branch.describe()}"

    def lines(self) -> list[str]:
        """The report for people: a summary line, then one line per arm that needs attention."""
        if not self.arms:
            return ["branch coverage: the campaign has no if/for branches; every recipient gets the same parts"]
        reached = len(self.shown) + len(self.not_shown)
        scope = f"the first {self.scanned:,} of {self.population:,} recipients (max_scan)" if self.cut_short else f"{self.scanned:,} recipients scanned"
        out = [f"branch coverage: {reached} of {len(self.arms)} arms reached by {scope}; {len(self.shown)} shown in the sample"]
        out.extend(f"  {self.describe(p, b)} never taken" for p, b in self.unreached())
        out.extend(
            f"  {self.describe(p, b)} reached (e.g. by {self.not_shown[self.key(p, b)]}) but not shown: the sample is full"
            for p, b in self.arms
            if self.key(p, b) in self.not_shown
        )
        return out

    def _arm(self, part: str, branch, **extra) -> dict:
        return {"part": part, "line": branch.line, "kind": branch.kind, "label": branch.label, "arm": branch.arm, "text": self.describe(part, branch), **extra}

    def to_dict(self) -> dict:
        """JSON data for the report's ``sampling.coverage`` and the run's ``sampling`` column."""
        return {
            "arms": len(self.arms),
            "reached": len(self.shown) + len(self.not_shown),
            "scanned": self.scanned,
            "population": self.population,
            "max_scan": self.max_scan,
            "cut_short": self.cut_short,
            "complete": self.complete,
            "shown": [self._arm(p, b, recipient_id=self.shown[self.key(p, b)]) for p, b in self.arms if self.key(p, b) in self.shown],
            "not_shown": [self._arm(p, b, recipient_id=self.not_shown[self.key(p, b)]) for p, b in self.arms if self.key(p, b) in self.not_shown],
            "unreached": [self._arm(p, b, text=f"{self.describe(p, b)} never taken") for p, b in self.unreached()],
        }


def coverage_sample(stream: Iterable[dict], size: int, seed, renderer=None, options: dict | None = None) -> Sample:
    """``size`` records of ``stream`` that together take every reachable arm (module docstring)."""
    if renderer is None:
        raise InputError("branch-coverage sampling renders each candidate, so it needs the campaign's renderer", field="sampling.strategy")
    options = options or {}
    max_scan = int_option(options, "max_scan", None)
    send_date = send_date_option(options, renderer)
    report = CoverageReport(arms=list(renderer.branches), max_scan=max_scan)
    labels = {report.key(p, b): b for p, b in report.arms}
    left = set(labels)
    rng = seeded_rng(seed, "coverage")
    fill = KeyedReservoir(size)
    chosen: dict[int, dict] = {}
    reasons: dict[int, list[str]] = {}
    for index, record in enumerate(stream):
        report.population += 1
        key = rng.random()
        if left and (max_scan is None or report.scanned < max_scan):
            report.scanned += 1
            new = sorted(renderer.render(record, send_date).branch_hits & left, key=_template_order(labels))
            if new:
                left.difference_update(new)
                rid = record.get("id")
                if len(chosen) < size:
                    chosen[index] = record
                    reasons[index] = [_chip(arm, labels[arm]) for arm in new]
                    report.shown.update(dict.fromkeys(new, rid))
                    continue
                report.not_shown.update(dict.fromkeys(new, rid))
        elif left:
            report.cut_short = True
        fill.offer(key, index, record)
    report.complete = not left and bool(labels)
    fill_at_random(chosen, reasons, fill, size)  # fill holds only records not chosen for an arm
    notes = [line.strip() for line in report.lines()[1:]]
    return Sample.seated(chosen, reasons, strategy="coverage", size=size, seed=seed, population=report.population,
                         coverage=report, notes=notes)


def _template_order(labels: dict):
    return lambda arm: (labels[arm].line, arm)


def _chip(arm: tuple, branch) -> str:
    part = "" if arm[0] == "body" else f"{arm[0]} "
    return f"branch {part}line {branch.line} {branch.arm}"
