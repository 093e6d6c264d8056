"""Every labelled case of tests/quality/cases/claims_events_occasions.yaml, as labelled.

``preview quality`` measures recall and false alarms over the whole corpus; this test holds the
three families of that file to each of its cases, so a regression names the case it broke.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
import yaml

from preview.checks.registry import Registry
from preview.contract.campaigns import parse_campaign
from preview.contract.recipients import validate_recipient
from preview.pipeline import CheckRun

CASES = Path(__file__).resolve().parents[1] / "quality" / "cases" / "claims_events_occasions.yaml"
FAMILIES = {"congratulatory-claim", "life-event", "sensitive-occasion"}
DEFAULT_SEND_DATE = dt.date(2026, 12, 1)


@cache
def corpus() -> dict:
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    return Registry(entry_points=False)


@cache
def campaign(key: str):
    return parse_campaign(corpus()["campaigns"][key], f"{CASES.name}#{key}")


def fired(case: dict) -> dict[str, list[str]]:
    send_date = case.get("send_date") or DEFAULT_SEND_DATE
    if isinstance(send_date, str):
        send_date = dt.date.fromisoformat(send_date)
    run = CheckRun(campaign(case["campaign"]), registry=registry(), send_date=send_date)
    result = run.check(case["recipient"])
    out: dict[str, list[str]] = {}
    for f in result.findings:
        out.setdefault(f.family, []).append(f"{f.code} {f.message}")
    return out


def test_corpus_is_big_enough_and_balanced():
    cases = corpus()["cases"]
    assert len(cases) >= 60
    assert len({c["id"] for c in cases}) == len(cases)
    for family in FAMILIES:
        labels = [c["expect"][family] for c in cases if family in c["expect"]]
        assert labels.count(True) >= 10 and labels.count(False) >= 10, family


@pytest.mark.parametrize("case", corpus()["cases"], ids=lambda c: c["id"])
def test_case(case):
    validate_recipient(case["recipient"], case["id"])
    got = fired(case)
    for family, expected in case["expect"].items():
        assert bool(got.get(family)) is expected, f"{family}: expected {'a finding' if expected else 'none'}, got {got.get(family)}"
