"""The ``deliverability`` family: every check on a bad and a good sample, the clean campaign, the corpus."""

from __future__ import annotations

import pytest

from preview.checks.deliverability import caps_span
from preview.checks.registry import CheckSettings, Registry
from tests.checks.corpus_runs import corpus_run, family_findings
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, make, mjml, recipient, run_checks

FAMILY = "deliverability"
FRONT = {"subject": "The winter collection is here", "preheader": "Warm throws and soft lighting"}
TEXT = "<mj-text>Our winter collection is here: warm throws, soft lighting and new ceramics for long evenings at home.</mj-text>"


def findings(*inner: str, recipients=None, registry=None, head: str = "", **front):
    """The deliverability findings of a campaign made of ``inner`` MJML; FRONT unless overridden."""
    campaign = make(mjml(*inner, head=head), **{**FRONT, **front})
    report, results = run_checks(campaign, recipients or [recipient("r1"), recipient("r2")], registry=registry)
    return [f for f in report.findings if f.family == FAMILY], results


def codes_of(found) -> list[str]:
    return sorted(f.code for f in found)


def test_a_plain_campaign_passes():
    found, _ = findings(TEXT)
    assert found == []


# -- size ---------------------------------------------------------------------------------------


def test_gmail_clipping_bad_and_good():
    filler = "<mj-text>" + "Warm throws and soft lighting for winter evenings. " * 40 + "</mj-text>"
    found, _ = findings(*[filler] * 60)
    (clip,) = [f for f in found if f.code == "DLV001"]
    assert clip.args["size"] > 102_000 and clip.args["limit"] == 102_000
    assert clip.recipient_id is None  # the template alone is over the limit
    found, _ = findings(*[filler] * 5)
    assert "DLV001" not in codes_of(found)


def test_gmail_clip_limit_is_an_option():
    registry = Registry(CheckSettings.from_mapping(options={"gmail_clip_bytes": 2_000}), entry_points=False)
    found, _ = findings(TEXT, registry=registry)
    assert [f.args["limit"] for f in found if f.code == "DLV001"] == [2_000]


def test_clipping_caused_by_recipient_data_is_per_recipient():
    registry = Registry(CheckSettings.from_mapping(options={"gmail_clip_bytes": 12_000}), entry_points=False)
    campaign = make(mjml(TEXT, "<mj-text>{{ recipient.attributes.note }}</mj-text>"), **FRONT)
    static_size = len(campaign.body)  # well under the limit; the HTML adds MJML's styles
    assert static_size < 12_000
    long_note = recipient("r2", attributes={"note": "x" * 20_000})
    report, _ = run_checks(campaign, [recipient("r1"), long_note], registry=registry)
    clips = [f for f in report.findings if f.code == "DLV001"]
    assert [f.recipient_id for f in clips] == ["r2"]


# -- subject ------------------------------------------------------------------------------------


def test_empty_subject_bad_and_good():
    campaign = make(mjml(TEXT), preheader="Warm throws")  # no subject at all
    report, _ = run_checks(campaign, [recipient("r1")])
    assert [f.message for f in report.findings if f.code == "DLV002"] == ["The campaign has no subject"]
    found, _ = findings(TEXT, subject="{{ recipient.attributes.offer_title }}", recipients=[recipient("r1"), recipient("r2", attributes={"offer_title": "Your offer"})])
    assert [(f.code, f.recipient_id, f.message) for f in found] == [("DLV002", "r1", "The subject renders empty")]
    found, _ = findings(TEXT, subject="{{ recipient.attributes.offer_title | default('Your winter offer', true) }}")
    assert found == []


def test_long_subject_bad_and_good():
    long = "Our biggest winter collection ever is finally here: throws, lamps and ceramics"
    found, _ = findings(TEXT, subject=long)
    (too_long,) = found
    assert too_long.code == "DLV003" and too_long.args["length"] == len(long) and too_long.recipient_id is None
    found, _ = findings(TEXT, subject="The winter collection is here")
    assert found == []


def test_long_subject_from_a_long_name_is_per_recipient():
    subject = "{{ recipient.first_name }}, the winter collection is here for you"
    found, _ = findings(TEXT, subject=subject, recipients=[recipient("r1"), recipient("r2", first_name="Maximiliana-Konstantina")])
    assert [(f.code, f.recipient_id) for f in found] == [("DLV003", "r2")]


@pytest.mark.parametrize(
    ("subject", "shout"),
    [
        ("BLACK FRIDAY: 50% OFF EVERYTHING", "BLACK FRIDAY: 50% OFF EVERYTHING"),
        ("Ana, BLACK FRIDAY SALE starts tonight", "BLACK FRIDAY SALE"),
        ("Black Friday: 50% off everything", None),
        ("New from IKEA and the EU store", None),  # acronyms are not shouting
        ("OK", None),
    ],
)
def test_caps_span(subject, shout):
    span = caps_span(subject)
    assert (span is None) if shout is None else (subject[span[0] : span[1]] == shout)


def test_all_caps_subject_bad_and_good():
    found, _ = findings(TEXT, subject="BLACK FRIDAY: 50% OFF EVERYTHING")
    assert codes_of(found) == ["DLV004"]
    found, _ = findings(TEXT, subject="Black Friday: 50% off everything")
    assert found == []


# -- preheader ----------------------------------------------------------------------------------


def test_missing_preheader_bad_and_good():
    campaign = make(mjml(TEXT), subject="The winter collection is here")
    report, _ = run_checks(campaign, [recipient("r1"), recipient("r2")])
    (missing,) = [f for f in report.findings if f.family == FAMILY]
    assert missing.code == "DLV005" and missing.recipient_id is None
    # Hidden preview text in the HTML (mj-preview) is a preheader too.
    campaign = make(mjml(TEXT, head="<mj-preview>Warm throws and soft lighting</mj-preview>"), subject="The winter collection is here")
    report, _ = run_checks(campaign, [recipient("r1")])
    assert not [f for f in report.findings if f.family == FAMILY]


def test_preheader_rendering_empty_is_per_recipient():
    found, _ = findings(TEXT, preheader="{{ recipient.attributes.teaser }}", recipients=[recipient("r1"), recipient("r2", attributes={"teaser": "Soft lighting"})])
    assert [(f.code, f.recipient_id, f.message) for f in found] == [("DLV005", "r1", "The preheader renders empty")]


# -- spam phrasing ------------------------------------------------------------------------------


def test_spam_phrasing_bad_and_good():
    found, _ = findings(TEXT, "<mj-text>Act now: this offer is 100% free and risk-free!!!</mj-text>", subject="You're a WINNER")
    spam = [f for f in found if f.code == "DLV006"]
    assert {(f.part, f.args["rule"]) for f in spam} == {("subject", "prize"), ("html", "urgency"), ("html", "free"), ("html", "symbols")}
    assert all(f.recipient_id is None for f in spam)  # template text: reported once
    body = next(f for f in spam if f.args["rule"] == "urgency")
    assert body.evidence.text == "Act now"
    found, _ = findings(TEXT, "<mj-text>Free shipping on orders over $50, this week only.</mj-text>")
    assert found == []


def test_spam_phrase_from_recipient_data_is_per_recipient():
    body = "<mj-text>Your nickname: {{ recipient.attributes.nickname }}</mj-text>"
    found, _ = findings(TEXT, body, recipients=[recipient("r1", attributes={"nickname": "Big Winner"}), recipient("r2", attributes={"nickname": "Bo"})])
    spam = [f for f in found if f.code == "DLV006"]
    assert [(f.recipient_id, f.evidence.text) for f in spam] == [("r1", "Winner")]
    assert "attributes.nickname: 'Big Winner', declared" in spam[0].evidence.data


def test_spam_phrasing_in_own_text_part():
    found, _ = findings(TEXT, text="Hi {{ recipient.first_name }}, act now!!! Reply today.")
    spam = [f for f in found if f.code == "DLV006"]
    assert {(f.part, f.args["rule"], f.recipient_id) for f in spam} == {("text", "urgency", None), ("text", "symbols", None)}
    found, _ = findings(TEXT, text="Hi {{ recipient.first_name }}, reply today.", recipients=[recipient("r1", first_name="Winner")])
    assert [(f.part, f.recipient_id) for f in found if f.code == "DLV006"] == [("text", "r1")]


def test_a_template_spam_phrase_after_a_value_points_at_each_recipients_text():
    # One finding for the template, but the span it gives each recipient's render must index
    # that render's text, whatever the length of the name before it.
    found, results = findings(TEXT, "<mj-text>Hi {{ recipient.first_name }}, act now!</mj-text>",
                              text="Hi {{ recipient.first_name }}, act now!",
                              recipients=[recipient("r1", first_name="Al"), recipient("r2", first_name="Maximilian")])
    assert {(f.part, f.recipient_id) for f in found if f.args.get("rule") == "urgency"} == {("html", None), ("text", None)}
    for result in results:
        spans = [(f.part, f.evidence) for f in result.findings if f.code == "DLV006"]
        assert len(spans) == 2  # "act now", in the body and in the text part
        for part, evidence in spans:
            assert result.message.part_text(part)[evidence.start : evidence.end] == evidence.text, result.recipient["id"]


# -- images versus text -------------------------------------------------------------------------


def test_image_only_bad_and_good():
    images = [f'<mj-image src="https://cdn.acme-home.com/offer-{i}.png" alt="Offer {i}" />' for i in range(4)]
    found, _ = findings(*images, "<mj-text>Shop now.</mj-text>")
    (heavy,) = [f for f in found if f.code == "DLV007"]
    assert heavy.args["images"] == 4 and heavy.recipient_id is None
    found, _ = findings(*images[:1], TEXT)
    assert "DLV007" not in codes_of(found)


def test_clean_campaign_has_no_deliverability_findings(clean_campaign):
    assert "subject" in CLEAN_FRONT and "<mj-preview>" in CLEAN_BODY
    report, _ = run_checks(clean_campaign, [recipient("r1"), recipient("r2", first_name="Bo"), recipient("r3", first_name=None)])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_deliverability(corpus):
    """Real templates have no subject (no front matter) and few a preheader; four are image-heavy."""
    by_template = {}
    for path in corpus:
        by_template[path.name] = codes_of(family_findings(corpus_run(path)[1], FAMILY, "DLV"))
    assert all("DLV002" in c for c in by_template.values())
    assert "DLV005" not in by_template["austin.mjml"]  # it has hidden preview text
    heavy = {name for name, c in by_template.items() if "DLV007" in c}
    assert heavy == {"happy-new-year.mjml", "reactivation-email.mjml", "sphero-mini.mjml", "worldly.mjml"}
    assert not any("DLV001" in c or "DLV006" in c for c in by_template.values())
