"""What the sampler said about a run's sample, for the run page.

The executor stores :meth:`preview.sampling.Sample.to_dict` (without the recipients) in
``Run.sampling`` and each recipient's reasons in ``RunRecipient.reasons``. This module turns the
run's part into plain data: the strategy, the population, the notes, the strata or edge
categories, and the branch-coverage report. Runs stored without it (made before sampling
reported, or by a tool that names recipients outright) show the parameters they were asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.store.models import Run


@dataclass
class Arm:
    """One arm of a template branch in the coverage report."""

    text: str
    line: int | None = None
    recipient_id: str | None = None


@dataclass
class CoverageView:
    """Branch coverage: how many arms the scan reached, which no recipient reached."""

    arms: int
    reached: int
    shown: int
    scanned: int | None
    population: int | None
    cut_short: bool
    unreached: list[Arm] = field(default_factory=list)
    not_shown: list[Arm] = field(default_factory=list)


@dataclass
class SampleNotes:
    """The sampling of one run."""

    strategy: str
    size: int | None
    seed: str | None
    population: int | None = None
    chosen: int | None = None
    notes: list[str] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)  # strata or edge categories: label, population/present, chosen
    group_title: str | None = None
    coverage: CoverageView | None = None


def _arms(items) -> list[Arm]:
    out = []
    for item in items or []:
        if isinstance(item, dict):
            out.append(Arm(str(item.get("text") or item.get("label") or ""), item.get("line"), item.get("recipient_id")))
        else:
            out.append(Arm(str(item)))
    return out


def _coverage(data) -> CoverageView | None:
    if not isinstance(data, dict):
        return None
    return CoverageView(
        arms=int(data.get("arms") or 0),
        reached=int(data.get("reached") or 0),
        shown=len(data.get("shown") or []),
        scanned=data.get("scanned"),
        population=data.get("population"),
        cut_short=bool(data.get("cut_short")),
        unreached=_arms(data.get("unreached")),
        not_shown=_arms(data.get("not_shown")),
    )


def sample_notes(run: Run) -> SampleNotes:
    """The sampling of ``run``, from what the sampler stored, else from the run's parameters."""
    params = run.params or {}
    asked = params.get("sampling") or {}
    stored = getattr(run, "sampling", None) or {}
    strategy = stored.get("strategy") or ("chosen recipients" if params.get("recipient_ids") else asked.get("strategy", "random"))
    notes = SampleNotes(
        strategy="chosen recipients" if strategy == "ids" else strategy,
        size=stored.get("size", params.get("size")),
        seed=stored.get("seed", params.get("seed")),
        population=stored.get("population"),
        chosen=stored.get("chosen"),
        notes=[str(n) for n in stored.get("notes") or []],
        coverage=_coverage(stored.get("coverage")),
    )
    if stored.get("strata"):
        notes.group_title = "Segments (strata)"
        notes.groups = [{"label": s.get("label"), "population": s.get("population"), "chosen": s.get("chosen")} for s in stored["strata"]]
    elif stored.get("categories"):
        notes.group_title = "Edge categories"
        notes.groups = [{"label": c.get("label"), "population": c.get("present"), "chosen": c.get("chosen")} for c in stored["categories"]]
    return notes
