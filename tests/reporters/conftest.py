"""A campaign, recipients and a registry whose findings come from the zebra test plugin."""

from __future__ import annotations

import pytest

from preview.checks.registry import Registry
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text, recipient, run_checks
from tests.reporters import zebra_plugin

# The clean campaign plus a static zebra line (template-level ZBR001) and a stripe count that
# only recipients with attributes.stripes see (per-recipient ZBR002).
ZEBRA_BODY = CLEAN_BODY.replace(
    "<mj-text>Our winter collection",
    "<mj-text>Zebra prints are back this winter.</mj-text>\n"
    "{% if recipient.attributes.stripes %}<mj-text>You have {{ recipient.attributes.stripes }} stripes.</mj-text>{% endif %}\n"
    "<mj-text>Our winter collection",
)
ZEBRA_TEXT = campaign_text(ZEBRA_BODY, **CLEAN_FRONT)
RECIPIENTS = [
    recipient("r1"),
    recipient("r2", attributes={"stripes": 3}),
    recipient("r3"),
]


def zebra_line() -> int:
    """The campaign file line of the zebra sentence."""
    return next(i for i, line in enumerate(ZEBRA_TEXT.split("\n"), start=1) if "Zebra prints" in line)


def stripes_line() -> int:
    """The campaign file line of the stripe count."""
    return next(i for i, line in enumerate(ZEBRA_TEXT.split("\n"), start=1) if "stripes }}" in line)


def zebra_registry(settings=None) -> Registry:
    """Built-in checks plus the zebra plugin, without installed entry points."""
    return Registry(settings, plugins=[zebra_plugin], entry_points=False)


@pytest.fixture
def zebra_file(tmp_path, monkeypatch):
    """The zebra campaign as a file, with the working directory set to its folder."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "campaigns" / "zebra.mjml"
    path.parent.mkdir()
    path.write_text(ZEBRA_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def zebra_run(zebra_file):
    """``(campaign, registry, report, results)`` of the zebra campaign over RECIPIENTS."""
    from preview.contract import load_campaign

    campaign = load_campaign("campaigns/zebra.mjml")
    registry = zebra_registry()
    report, results = run_checks(campaign, RECIPIENTS, registry=registry)
    return campaign, registry, report, results
