"""The ``accessibility`` family: every check on a bad and a good sample, the clean campaign, the corpus."""

from __future__ import annotations

import pytest

from preview.checks.accessibility import lang_problem, vague_text
from preview.checks.registry import CheckSettings, Registry
from preview.checks.rules import Rules
from tests.checks.corpus_runs import corpus_run, family_findings
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "accessibility"
TITLE = "<mj-title>Winter collection</mj-title>"
ICON = "https://cdn.acme-home.com/fb.png"


def findings(*inner: str, head: str = TITLE, lang: str = "en", recipients=None, registry=None):
    """The accessibility findings of a campaign made of ``inner`` MJML."""
    report, results = run_checks(make(mjml(*inner, head=head, lang=lang)), recipients or [recipient("r1"), recipient("r2")], registry=registry)
    return [f for f in report.findings if f.family == FAMILY], results


def codes_of(found) -> list[str]:
    return sorted(f.code for f in found)


TEXT = "<mj-text>Our winter collection is here.</mj-text>"


def test_a_plain_campaign_passes():
    found, _ = findings(TEXT)
    assert found == []


# -- lang and title -----------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "bad"), [(None, True), ("", True), ("und", True), ("english", True), ("en", False), ("en-GB", False), ("pt-BR", False)])
def test_lang_judgement(lang, bad):
    assert (lang_problem(lang) is not None) == bad


def test_missing_lang_bad_and_good():
    # MJML writes lang="und" when <mjml> has no lang: that counts as missing.
    report, _ = run_checks(make(f"<mjml><mj-head>{TITLE}</mj-head><mj-body><mj-section><mj-column>{TEXT}</mj-column></mj-section></mj-body></mjml>"), [recipient("r1")])
    (missing,) = [f for f in report.findings if f.family == FAMILY]
    assert missing.code == "ACC001" and "und" in missing.message and missing.recipient_id is None
    found, _ = findings(TEXT, lang="fr")
    assert found == []


def test_missing_title_bad_and_good():
    found, _ = findings(TEXT, head="")
    assert [(f.code, f.message) for f in found] == [("ACC005", "The HTML <title> is empty")]
    report, _ = run_checks(make('<html lang="en"><body><p>Hello</p></body></html>', "t.html"), [recipient("r1")])
    assert [f.message for f in report.findings if f.code == "ACC005"] == ["The HTML has no <title>"]
    found, _ = findings(TEXT, head=TITLE)
    assert found == []


def test_title_emptied_by_data_is_per_recipient():
    head = "<mj-title>{{ recipient.attributes.title }}</mj-title>"
    found, _ = findings(TEXT, head=head, recipients=[recipient("r1", attributes={"title": "For you"}), recipient("r2", attributes={"title": ""})])
    assert [(f.code, f.recipient_id) for f in found] == [("ACC005", "r2")]


# -- image links without a name -----------------------------------------------------------------


def test_nameless_image_link_bad_and_good():
    found, _ = findings(f'<mj-image href="https://www.facebook.com/acmehome" src="{ICON}" alt="" />')
    (nameless,) = found
    assert nameless.code == "ACC002" and nameless.args["href"] == "https://www.facebook.com/acmehome"
    found, _ = findings(f'<mj-image href="https://www.facebook.com/acmehome" src="{ICON}" alt="Acme Home on Facebook" />')
    assert found == []


def test_decorative_image_outside_a_link_is_fine():
    found, _ = findings(f'<mj-image src="{ICON}" alt="" />', TEXT)
    assert found == []


def test_image_link_with_missing_alt_is_left_to_img001():
    report, _ = run_checks(make(mjml(f'<mj-image href="https://www.facebook.com/acmehome" src="{ICON}" />', head=TITLE)), [recipient("r1")])
    found = [f.code for f in report.findings if f.family in (FAMILY, "images")]
    assert found == ["IMG001"]


def test_image_link_with_text_has_a_name():
    found, _ = findings(f'<mj-text><a href="https://www.acme-home.com"><img src="{ICON}" alt=""> Acme Home</a></mj-text>')
    assert found == []


def test_image_link_named_by_recipient_data_is_judged_per_recipient():
    body = f'<mj-image href="https://www.acme-home.com/p" src="{ICON}" alt="{{{{ recipient.attributes.pick }}}}" />'
    found, _ = findings(body, recipients=[recipient("r1", attributes={"pick": "Your pick: a wool throw"}), recipient("r2", attributes={"pick": ""})])
    assert [(f.code, f.recipient_id) for f in found] == [("ACC002", "r2")]


# -- font sizes ---------------------------------------------------------------------------------


def test_tiny_font_bad_and_good():
    found, _ = findings('<mj-text font-size="10px">You receive this email because you signed up.</mj-text>')
    (tiny,) = found
    assert tiny.code == "ACC003" and tiny.args["size"] == "10" and tiny.recipient_id is None
    assert tiny.evidence.text.startswith("You receive this email")
    found, _ = findings('<mj-text font-size="12px">You receive this email because you signed up.</mj-text>')
    assert found == []


def test_tiny_font_in_points_and_hiding_sizes():
    found, _ = findings('<mj-text font-size="8pt">Small print</mj-text>')  # 8pt = 10.7px
    assert codes_of(found) == ["ACC003"]
    # 0-1px text is a hiding trick (spacers, hidden preview text), not text meant to be read.
    found, _ = findings('<mj-text font-size="1px">&nbsp;spacer</mj-text>')
    assert found == []


def test_tiny_font_minimum_is_an_option():
    registry = Registry(CheckSettings.from_mapping(options={"min_font_px": 14}), entry_points=False)
    found, _ = findings(TEXT, registry=registry)  # MJML's default is 13px
    assert [f.args["size"] for f in found if f.code == "ACC003"] == ["13"]


def test_tiny_font_with_recipient_data_shows_the_value():
    found, _ = findings('<mj-text font-size="9px">Hi {{ recipient.first_name }}, small print</mj-text>', recipients=[recipient("r1")])
    (tiny,) = found
    assert tiny.recipient_id == "r1" and tiny.args["snippet"] == "Hi Ana, small print"


# -- vague link text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("Click here", True),
        ("here", True),
        ("Read more →", True),
        ("READ MORE", True),
        ("Learn more.", True),
        ("En savoir plus", True),
        ("Learn more about our lamps", False),
        ("Shop the winter collection", False),
        ("Continue reading the lamp story", False),
    ],
)
def test_vague_text_judgement(text, vague):
    assert (vague_text(Rules().phrases("vague_link_text"), text) is not None) == vague


def test_vague_link_text_bad_and_good():
    found, results = findings('<mj-text><a href="https://blog.acme-home.com/lamps">Read more</a> <a href="https://blog.acme-home.com/lamps">Read more</a></mj-text>')
    (vague,) = found
    assert vague.code == "ACC004" and vague.message == 'Link text "Read more" says nothing about where it goes'
    assert len([f for f in results[0].findings if f.code == "ACC004"]) == 1
    found, _ = findings('<mj-text><a href="https://blog.acme-home.com/lamps">Read more about our lamps</a></mj-text>')
    assert found == []


def test_clean_campaign_has_no_accessibility_findings(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient("r1"), recipient("r2", first_name="Bo"), recipient("r3", first_name=None)])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_accessibility(corpus):
    """No real template sets <mjml lang>; most have no title, and footers use 10-11px text."""
    by_template = {}
    for path in corpus:
        by_template[path.name] = family_findings(corpus_run(path)[1], FAMILY, "ACC")
    assert all(any(f.code == "ACC001" for f in found) for found in by_template.values())
    titled = {"austin.mjml", "card.mjml", "real-estate.mjml", "recast.mjml", "sphero-mini.mjml", "ugg-royale.mjml"}
    assert {name for name, found in by_template.items() if not any(f.code == "ACC005" for f in found)} == titled
    assert {f.args["snippet"] for f in by_template["arturia.mjml"] if f.code == "ACC003"} >= {"ARTURIA:"}
    assert any(f.code == "ACC004" and "Read more" in f.message for f in by_template["tech-geek.mjml"])
    # arturia's social icons are links holding only alt="" images.
    assert any(f.code == "ACC002" and "facebook.com/arturia2" in f.args["href"] for f in by_template["arturia.mjml"])
