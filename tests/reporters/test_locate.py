"""Finding lines and report paths (preview/reporters/locate.py)."""

from __future__ import annotations

from pathlib import Path

from preview.checks.model import Evidence, Finding, Severity
from preview.contract.campaigns import parse_campaign
from preview.reporters.locate import Locator, artifact_uri, display_path

SOURCE = """---
name: Locate
subject: "{{ recipient.first_name }}, the sale is on"
preheader: Tom &amp; Jerry
---
<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello there</mj-text>
<mj-text>Fish &amp; chips for {{ recipient.first_name }} tonight</mj-text>
<mj-text>Last line of the body</mj-text>
</mj-column></mj-section></mj-body></mjml>
"""


def finding(text=None, part="html", line=None) -> Finding:
    return Finding("ZBR001", "zebra", Severity.WARN, "msg", None, part, evidence=Evidence(text=text, line=line))


def locator() -> Locator:
    return Locator(parse_campaign(SOURCE, "locate.mjml"))


def test_the_findings_own_line_wins():
    assert locator().line(finding("Last line of the body", line=3)) == 3


def test_static_text_is_found_on_its_line():
    assert locator().line(finding("Last line of the body")) == 9


def test_text_with_a_recipient_value_is_found_by_its_static_words():
    # "Ana" is not in the source; the words around it are.
    assert locator().line(finding("Fish & chips for Ana tonight")) == 8


def test_entities_in_the_source_match_decoded_evidence():
    assert locator().line(finding("Fish & chips")) == 8


def test_front_matter_parts_are_searched_in_the_front_matter_only():
    loc = locator()
    assert loc.line(finding("Tom & Jerry", part="preheader")) == 4
    # Not in the front matter, though the body has it: the field's own line, not the body's.
    assert loc.line(finding("Hello there", part="subject")) == 3


def test_unfound_text_falls_back_to_where_its_part_starts():
    loc = locator()
    assert loc.line(finding("Ana, the sale is on", part="subject")) == 3
    assert loc.line(finding("nowhere to be seen at all")) == 6
    assert loc.line(finding(None, part="data")) is None


def test_short_evidence_is_not_searched_for():
    # "Hi" or "#" would match the first of many places by chance.
    assert locator().line(finding("the")) == 6


def test_no_campaign_no_line():
    assert Locator(None).line(finding("Hello there")) is None
    assert Locator(None).line(finding("Hello there", line=7)) == 7


def test_paths_are_relative_to_the_working_directory_when_inside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "my campaigns" / "a.mjml"
    assert display_path(str(inside)) == "my campaigns/a.mjml"
    assert artifact_uri(str(inside)) == "my%20campaigns/a.mjml"
    outside = tmp_path.parent / "elsewhere.mjml"
    assert display_path(str(outside)) == outside.resolve().as_posix()
    assert artifact_uri(str(outside)) == Path(outside).resolve().as_uri()
    assert artifact_uri(None) == ""
