"""The generated check list (preview/checks/docs.py) and docs/checks.md, which is made from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from preview.checks.docs import FAMILIES, REGENERATE, render_checks
from preview.checks.registry import CheckSettings, Registry
from tests.reporters import zebra_plugin

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


def registry(settings=None) -> Registry:
    return Registry(settings, plugins=[zebra_plugin], entry_points=False)


def test_docs_checks_md_is_up_to_date():
    expected = render_checks(Registry(entry_points=False), "markdown")
    current = DOCS.read_text(encoding="utf-8") if DOCS.is_file() else ""
    assert current == expected, f"docs/checks.md is out of date with the registered checks; regenerate it with:\n    {REGENERATE}"


def test_every_registered_check_is_documented_with_its_examples():
    reg = registry()
    md = render_checks(reg, "markdown")
    for c in reg.all:
        assert f"### {c.spec.code} {c.spec.name}\n" in md
        assert c.spec.why in md and c.spec.bad in md and c.spec.good in md


def test_markdown_table_links_to_each_section_and_escapes_pipes():
    md = render_checks(registry(), "markdown", families={"zebra"})
    row = next(line for line in md.splitlines() if line.startswith("| [ZBR001]"))
    assert row == "| [ZBR001](#zbr001-zebra-word) | `zebra-word` | zebra | warn | The copy mentions zebras. |"
    assert "### ZBR001 zebra-word" in md
    # The bad example contains ``` itself: the fence around it must be longer, or it would break.
    assert "````\nZebra stripes are back | with a pipe and ``` backticks\n````" in md


def test_plugin_families_come_after_the_spec_families_in_spec_order():
    md = render_checks(registry(), "markdown")
    headings = re.findall(r"^## (\S+)$", md, flags=re.M)
    spec_order = [f for f in FAMILIES if f in headings]
    assert headings == [*spec_order, "zebra"]


def test_severity_is_the_one_settings_give():
    settings = CheckSettings.from_mapping({"ZBR001": "block"}, ["ZBR002"])
    items = {i["code"]: i for i in json.loads(render_checks(registry(settings), "json"))}
    assert (items["ZBR001"]["severity"], items["ZBR001"]["default_severity"]) == ("block", "warn")
    assert items["ZBR002"]["enabled"] is False
    md = render_checks(registry(settings), "markdown", families={"zebra"})
    assert "Severity **block (default warn)**" in md
    assert "Severity **disabled (default info)**" in md
    text = render_checks(registry(settings), "text", families={"zebra"})
    assert "ZBR001  block  zebra-word (default warn)" in text
    assert "ZBR002  info   stripe-count  (disabled)" in text


def test_family_filter():
    items = json.loads(render_checks(registry(), "json", families={"zebra", "render-error"}))
    assert {i["family"] for i in items} == {"zebra", "render-error"}
    assert {i["code"] for i in items} >= {"ZBR001", "ZBR002", "RND001"}


def test_text_wraps_the_docs_to_the_width():
    text = render_checks(registry(), "text", families={"zebra"}, width=60)
    docs = [line for line in text.splitlines() if line.startswith(" " * 9)]
    assert docs and all(len(line) <= 60 for line in docs)
    assert "         why:     A test check: it fires on static template\n                  text, so its finding is template-level." in text
