"""The built-in checks, registered through the same pluggy hook third-party plugins use."""

from __future__ import annotations

import importlib

from preview.checks.hookspecs import hookimpl

# One module per family; each exposes CHECKS. Order does not matter (checks sort by code).
FAMILY_MODULES = [
    "preview.checks.render_error",
    "preview.checks.personalization_gap",
    "preview.checks.test_content",
    "preview.checks.congratulatory_claim",
    "preview.checks.life_event",
    "preview.checks.sensitive_occasion",
    "preview.checks.gift_context",
    "preview.checks.returned_item",
    "preview.checks.links",
    "preview.checks.images",
    "preview.checks.compliance",
    "preview.checks.deliverability",
    "preview.checks.accessibility",
    "preview.checks.data_exposure",
    "preview.checks.over_personalization",
    "preview.checks.tone",
]


@hookimpl
def campaign_preview_checks():
    checks = []
    for name in FAMILY_MODULES:
        checks.extend(importlib.import_module(name).CHECKS)
    return checks


@hookimpl
def campaign_preview_rule_dirs():
    return []
