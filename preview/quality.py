"""Measured quality of the misfire families: recall and false alarms over a labelled corpus.

A corpus is a folder of case files (``tests/quality/cases/*.yaml``, format in
``tests/quality/README.md``): campaigns by key, and cases that pair a campaign with one recipient
and say, per family, whether that family should fire. :func:`load_cases` reads and validates the
files (errors name the file, the line and the field), :func:`run_cases` checks every case with the
real pipeline, and :func:`score` counts per family:

* recall = labelled misfires the family caught / labelled misfires;
* false-alarm rate = clean cases on which the family fired / clean cases.

``preview quality`` prints the table and exits 1 when a family misses the targets, so CI can
hold the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from preview.checks.model import Finding
from preview.checks.registry import Registry
from preview.contract.campaigns import Campaign, parse_campaign
from preview.contract.errors import InputError
from preview.contract.recipients import validate_recipient
from preview.pipeline import CheckRun

MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.05
DEFAULT_SEND_DATE = dt.date(2026, 12, 1)
CASE_KEYS = frozenset({"id", "incident", "campaign", "send_date", "recipient", "expect", "note"})


@dataclass(frozen=True)
class Case:
    """One labelled recipient: the campaign it gets, the send date and what should fire."""

    id: str
    campaign: Campaign
    campaign_key: str
    recipient: dict
    expect: dict  # family -> bool
    send_date: dt.date
    location: str  # file:line of the case
    incident: str | None = None


@dataclass
class Outcome:
    """What the checks did with one case."""

    case: Case
    findings: list[Finding]

    @property
    def fired(self) -> set[str]:
        """Families with at least one finding for this recipient (template-level ones too)."""
        rid = self.case.recipient["id"]
        return {f.family for f in self.findings if f.recipient_id in (rid, None)}


@dataclass
class FamilyScore:
    """Recall and false alarms of one family, with the cases it got wrong."""

    family: str
    positives: int = 0
    caught: int = 0
    negatives: int = 0
    false_alarms: int = 0
    misses: list[Outcome] = field(default_factory=list)
    alarms: list[Outcome] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        """Labelled misfires caught / labelled misfires (None without any)."""
        return self.caught / self.positives if self.positives else None

    @property
    def false_alarm_rate(self) -> float | None:
        """Clean cases the family fired on / clean cases (None without any)."""
        return self.false_alarms / self.negatives if self.negatives else None

    def meets(self, min_recall: float = MIN_RECALL, max_false_alarms: float = MAX_FALSE_ALARMS) -> bool:
        """Whether the family reaches the targets (a side with no cases cannot fail)."""
        recall, rate = self.recall, self.false_alarm_rate
        return (recall is None or recall >= min_recall) and (rate is None or rate <= max_false_alarms)


# ---- loading ------------------------------------------------------------------------------


def load_cases(directory: str | Path, families: Iterable[str] | None = None) -> list[Case]:
    """Every case of ``directory/*.yaml``, validated; raises :class:`InputError` naming the place.

    ``families``, when given, are the known family ids: an ``expect`` key outside them is a typo
    that would silently score nothing, so it is an error.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("no such folder of case files", location=str(folder))
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError("no *.yaml case files here", location=str(folder))
    known = set(families) if families is not None else None
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in _load_file(path, known):
            if case.id in seen:
                raise InputError(f"case id {case.id!r} is used twice (first at {seen[case.id]})", location=case.location, field="id")
            seen[case.id] = case.location
            cases.append(case)
    return cases


def _load_file(path: Path, known: set | None) -> list[Case]:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", location=f"{path}:{mark.line + 1 if mark else 1}") from None
    if not isinstance(data, dict):
        raise InputError("a case file is a mapping with 'campaigns' and 'cases'", location=f"{path}:1")
    lines = _key_lines(node)
    campaigns = _campaigns(path, data.get("campaigns") or {}, lines)
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list):
        raise InputError("'cases' must be a list", location=f"{path}:{lines.get(('cases',), 1)}", field="cases")
    return [_case(path, index, raw, campaigns, lines, known) for index, raw in enumerate(raw_cases)]


def _key_lines(node) -> dict[tuple, int]:
    """File line of every mapping key and list item, by path: ('cases', 3, 'recipient') -> 41."""
    out: dict[tuple, int] = {}

    def walk(n, path):
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                child = (*path, key.value)
                out[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(n, yaml.SequenceNode):
            for i, value in enumerate(n.value):
                out[(*path, i)] = value.start_mark.line + 1
                walk(value, (*path, i))
        elif isinstance(n, yaml.ScalarNode) and path:
            out.setdefault((*path, "<value>"), n.start_mark.line + 1 + (1 if n.style in ("|", ">") else 0))

    if node is not None:
        walk(node, ())
    return out


def _campaigns(path: Path, raw, lines) -> dict[str, Campaign]:
    if not isinstance(raw, dict):
        raise InputError("'campaigns' must map keys to campaign files", location=f"{path}:{lines.get(('campaigns',), 1)}", field="campaigns")
    out = {}
    for key, text in raw.items():
        line = lines.get(("campaigns", key), 1)
        if not isinstance(text, str):
            raise InputError("a campaign is the text of a campaign file", location=f"{path}:{line}", field=f"campaigns.{key}")
        try:
            out[str(key)] = parse_campaign(text, f"{key}.mjml" if "<mjml" in text else f"{key}.html")
        except InputError as exc:
            # Point at the file line: the campaign's own line n sits n-1 lines below its start.
            inner = exc.location.rsplit(":", 1)[-1] if exc.location and ":" in exc.location else "1"
            start = lines.get(("campaigns", key, "<value>"), line)
            where = f"{path}:{start + int(inner) - 1}" if inner.isdigit() else f"{path}:{line}"
            raise InputError(f"campaign {key!r}: {exc.message}", location=where, field=exc.field) from None
    return out


def _case(path: Path, index: int, raw, campaigns: dict, lines, known: set | None) -> Case:
    at = ("cases", index)
    location = f"{path}:{lines.get(at, 1)}"
    if not isinstance(raw, dict):
        raise InputError("a case is a mapping", location=location, field=f"cases[{index}]")

    def where(key):
        return f"{path}:{lines.get((*at, key), lines.get(at, 1))}"

    unknown = set(raw) - CASE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise InputError(f"unknown key {key!r}; a case has {', '.join(sorted(CASE_KEYS))}", location=where(key), field=f"cases[{index}].{key}")
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise InputError("every case needs a text 'id'", location=location, field=f"cases[{index}].id")
    key = raw.get("campaign")
    if key not in campaigns:
        raise InputError(f"unknown campaign {key!r}; this file defines {', '.join(sorted(campaigns)) or 'none'}", location=where("campaign"), field=f"{case_id}.campaign")
    recipient = raw.get("recipient")
    try:
        validate_recipient(recipient, where("recipient"))
    except InputError as exc:
        raise InputError(exc.message, location=exc.location, field=f"{case_id}.recipient" + (f".{exc.field}" if exc.field else "")) from None
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise InputError("'expect' maps family ids to true or false", location=where("expect"), field=f"{case_id}.expect")
    for family, value in expect.items():
        if not isinstance(value, bool):
            raise InputError(f"expected true or false, got {value!r}", location=f"{path}:{lines.get((*at, 'expect', family), 1)}", field=f"{case_id}.expect.{family}")
        if known is not None and family not in known:
            raise InputError(f"unknown family {family!r}", location=f"{path}:{lines.get((*at, 'expect', family), 1)}", field=f"{case_id}.expect")
    send_date = raw.get("send_date", DEFAULT_SEND_DATE)
    if isinstance(send_date, str):
        try:
            send_date = dt.date.fromisoformat(send_date)
        except ValueError:
            send_date = None
    if not isinstance(send_date, dt.date):
        raise InputError(f"expected a date like 2026-12-01, got {raw.get('send_date')!r}", location=where("send_date"), field=f"{case_id}.send_date")
    return Case(case_id, campaigns[key], str(key), recipient, dict(expect), send_date, location, raw.get("incident"))


# ---- running and scoring ------------------------------------------------------------------


def run_cases(cases: list[Case], registry: Registry | None = None) -> list[Outcome]:
    """Check every case with the real pipeline; one run per (campaign, send date)."""
    registry = registry or Registry()
    runs: dict[tuple, tuple[CheckRun, list[Outcome]]] = {}
    outcomes = []
    for case in cases:
        key = (id(case.campaign), case.send_date)
        if key not in runs:
            runs[key] = (CheckRun(case.campaign, registry=registry, send_date=case.send_date), [])
        run, group = runs[key]
        outcome = Outcome(case, list(run.check(case.recipient).findings))
        group.append(outcome)
        outcomes.append(outcome)
    for run, group in runs.values():
        # Checks that judge the whole run report at the end; give each finding to its recipient
        # (or to every case of the run when it is about the template).
        before = len(run.report.findings)
        report = run.finish()
        for finding in report.findings[before:]:
            for outcome in group:
                if finding.recipient_id in (None, outcome.case.recipient["id"]):
                    outcome.findings.append(finding)
    return outcomes


def score(outcomes: list[Outcome], families: Iterable[str] | None = None) -> list[FamilyScore]:
    """Per-family recall and false alarms over the labelled cases, by family id."""
    wanted = set(families) if families else None
    scores: dict[str, FamilyScore] = {}
    for outcome in outcomes:
        fired = outcome.fired
        for family, should in outcome.case.expect.items():
            if wanted is not None and family not in wanted:
                continue
            s = scores.setdefault(family, FamilyScore(family))
            if should:
                s.positives += 1
                if family in fired:
                    s.caught += 1
                else:
                    s.misses.append(outcome)
            else:
                s.negatives += 1
                if family in fired:
                    s.false_alarms += 1
                    s.alarms.append(outcome)
    return [scores[f] for f in sorted(scores)]


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value * 100:5.1f}%"


def render_scores(scores: list[FamilyScore], *, verbose: bool = False, cases: int | None = None) -> str:
    """The table ``preview quality`` prints, with misses and false alarms listed."""
    width = max([len("family"), *(len(s.family) for s in scores)])
    out = [f"{'family':<{width}}  positives  caught  recall  negatives  false alarms  rate    ok"]
    for s in scores:
        ok = "yes" if s.meets() else "NO"
        out.append(
            f"{s.family:<{width}}  {s.positives:>9}  {s.caught:>6}  {_pct(s.recall)}  {s.negatives:>9}  "
            f"{s.false_alarms:>12}  {_pct(s.false_alarm_rate)}  {ok}"
        )
    if cases is not None:
        out.append(f"\n{cases} labelled cases; targets: recall >= {MIN_RECALL:.0%}, false alarms <= {MAX_FALSE_ALARMS:.0%} per family.")
    for s in scores:
        for label, items in (("missed", s.misses), ("false alarm", s.alarms)):
            for outcome in items:
                case = outcome.case
                out.append(f"{s.family}: {label}: {case.id} ({case.location})")
                if verbose:
                    _explain(out, outcome, s.family)
    return "\n".join(out) + "\n"


def _explain(out: list[str], outcome: Outcome, family: str) -> None:
    case = outcome.case
    if case.incident:
        out.append(f"    incident: {case.incident}")
    out.append(f"    campaign: {case.campaign_key}, send date {case.send_date.isoformat()}")
    mine = [f for f in outcome.findings if f.family == family]
    for f in mine:
        out.append(f"    {f.code} {f.severity}: {f.message}")
        for line in f.evidence.data:
            out.append(f"        {line}")
    if not mine:
        others = sorted({f.code for f in outcome.findings})
        out.append(f"    no {family} finding; fired: {', '.join(others) or 'nothing'}")


def measure(directory: str | Path, families: Iterable[str] | None = None, registry: Registry | None = None) -> tuple[list[Case], list[FamilyScore]]:
    """Load, run and score a corpus: the whole of ``preview quality`` without the printing."""
    registry = registry or Registry()
    cases = load_cases(directory, registry.families())
    return cases, score(run_cases(cases, registry), families)
