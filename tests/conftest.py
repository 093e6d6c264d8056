"""Shared fixtures: campaigns and recipients built in tests, the shared corpus, a check runner."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from preview.checks.registry import Registry
from preview.contract.campaigns import parse_campaign
from preview.pipeline import CheckRun
from preview.rendering import CampaignRenderer

pytest_plugins = ["tests.db_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "mjml-templates"
SEND_DATE = dt.date(2026, 12, 1)


def corpus_templates() -> list[Path]:
    """The 25 real MJML templates of ../shared, or an empty list when it is absent."""
    return sorted(CORPUS.glob("*.mjml")) if CORPUS.is_dir() else []


@pytest.fixture
def corpus():
    files = corpus_templates()
    if not files:
        pytest.skip("../shared/corpus/mjml-templates is not present")
    return files


def campaign_text(body: str, **front) -> str:
    """A campaign file: ``front`` as YAML front matter, then ``body``."""
    if not front:
        return body
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body


def mjml(*inner: str, head: str = "", lang: str = "en") -> str:
    """An MJML document with ``inner`` as the content of one column."""
    return (
        f'<mjml lang="{lang}"><mj-head>{head}</mj-head><mj-body><mj-section><mj-column>\n'
        + "\n".join(inner)
        + "\n</mj-column></mj-section></mj-body></mjml>\n"
    )


# A campaign that a careful team would send: no check of any family should fire on it.
CLEAN_BODY = mjml(
    '<mj-image src="https://cdn.acme-home.com/logo.png" alt="Acme Home" width="120px" height="40px" />',
    "<mj-text>Hi {{ recipient.first_name | default('there', true) }},</mj-text>",
    "<mj-text>Our winter collection is here: warm throws, soft lighting and new ceramics.</mj-text>",
    '<mj-button href="https://www.acme-home.com/winter?utm_source=email">Shop the winter collection</mj-button>',
    '<mj-text font-size="12px">Acme Home, 12 Market Street, Springfield, IL 62701, USA.<br/>'
    '<a href="{{ unsubscribe_url }}">Unsubscribe</a> from these emails.</mj-text>',
    head="<mj-title>Winter collection</mj-title><mj-preview>New arrivals for cosy evenings</mj-preview>",
)
CLEAN_FRONT = {
    "name": "Winter collection",
    "subject": "{{ recipient.first_name | default('Hello', true) }}, the winter collection is here",
    "preheader": "Warm throws, soft lighting and new ceramics",
    "from_name": "Acme Home",
}


@pytest.fixture
def clean_campaign():
    return parse_campaign(campaign_text(CLEAN_BODY, **CLEAN_FRONT), "clean.mjml")


def recipient(rid: str = "r1", **fields) -> dict:
    """A valid recipient record with sensible defaults."""
    base = {"id": rid, "email": f"{rid}@mail.acme-test.org", "first_name": "Ana", "last_name": "Lima", "birth_date": "1985-04-02"}
    base.update(fields)
    return base


def make(body: str, name: str = "t.mjml", **front):
    """Parse a campaign from ``body`` and front matter keywords."""
    return parse_campaign(campaign_text(body, **front), name)


def render(body: str, rec: dict | None = None, name: str = "t.mjml", **front):
    """Render one message of an ad-hoc campaign."""
    return CampaignRenderer(make(body, name, **front)).render(rec or recipient(), SEND_DATE)


def run_checks(campaign, recipients, registry: Registry | None = None, send_date=SEND_DATE):
    """Run every enabled check; returns ``(report, results)``."""
    run = CheckRun(campaign, registry=registry or Registry(entry_points=False), send_date=send_date)
    results = [run.check(r) for r in recipients]
    return run.finish(), results


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path
