"""Rendering a campaign: every part, escaping, template and MJML errors at the right file line."""

from __future__ import annotations

import datetime as dt

import pytest

from preview.contract.campaigns import parse_campaign
from preview.rendering import CampaignRenderer, RenderSettings
from tests.conftest import SEND_DATE, campaign_text, make, mjml, recipient, render

FRONT = {"subject": "Hi {{ recipient.first_name }}", "preheader": "News for {{ recipient.first_name }}", "from_name": "Acme"}


@pytest.mark.parametrize(
    "body, name",
    [
        (mjml("<mj-text>Hello {{ recipient.first_name }}</mj-text>", '<mj-button href="https://a.example.org/x">Shop</mj-button>'), "t.mjml"),
        ('<html lang="en"><body><p>Hello {{ recipient.first_name }}</p><a href="https://a.example.org/x">Shop</a></body></html>', "t.html"),
    ],
)
def test_every_render_has_all_parts(body, name):
    message = render(body, recipient(), name, **FRONT)
    assert message.errors == []
    assert message.subject == "Hi Ana"
    assert message.preheader == "News for Ana"
    assert message.from_name == "Acme"
    assert "<html" in message.html and "Hello Ana" in message.html
    assert message.body_text == "Hello Ana\nShop"
    assert message.text_part is None and message.text == message.body_text  # derived
    assert message.document.links[0].href == "https://a.example.org/x"
    assert message.document.size == len(message.html.encode())


def test_own_plain_text_part_is_used_and_parts_missing_from_front_matter_are_empty():
    message = render(mjml("<mj-text>Hello</mj-text>"), recipient(), text="Plain {{ recipient.first_name }}\nBye\n")
    assert message.text == "Plain Ana\nBye\n"
    assert message.part_text("text") == message.text
    assert (message.subject, message.preheader, message.from_name) == ("", "", "")


def test_subject_whitespace_is_collapsed():
    message = render(mjml("<mj-text>x</mj-text>"), recipient(), subject="  {{ recipient.first_name }},\n  your   offer ")
    assert message.subject == "Ana, your offer"


def test_recipient_values_are_escaped_in_the_body_but_not_in_text_parts():
    name = "<script>alert(1)</script> & Co"
    for body, fname in ((mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>"), "t.mjml"), ("<p>Hi {{ recipient.first_name }}</p>", "t.html")):
        message = render(body, recipient(first_name=name), fname, subject="Hi {{ recipient.first_name }}", text="Hi {{ recipient.first_name }}")
        assert "<script>" not in message.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in message.html
        assert message.body_text == f"Hi {name}"  # the reader sees the characters, not markup
        assert message.subject == f"Hi {name}"
        assert message.text == f"Hi {name}"


def test_safe_markup_is_not_escaped():
    message = render(mjml("<mj-text>{{ '<b>bold</b>'|safe }} {{ recipient.attributes.html|safe }}</mj-text>"), recipient(attributes={"html": "<i>it</i>"}))
    assert "<b>bold</b> <i>it</i>" in message.html


def test_template_context_send_date_campaign_and_unsubscribe():
    text = campaign_text("{{ send_date.year }}|{{ campaign.name }}|{{ campaign.occasion }}|{{ unsubscribe_url }}", name="Xmas", occasion="christmas")
    message = CampaignRenderer(
        parse_campaign(text, "t.html"),
        RenderSettings(unsubscribe_url="https://u.example.org/{recipient_id}"),
    ).render(recipient("r/1"), dt.date(2026, 12, 1))
    assert message.parts["body"].text == "2026|Xmas|christmas|https://u.example.org/r%2F1"


def test_send_date_defaults_to_the_campaign_then_today():
    dated = CampaignRenderer(make("{{ send_date }}", "t.html", send_date="2026-12-24"))
    assert dated.render(recipient()).parts["body"].text == "2026-12-24"
    assert dated.render(recipient(), SEND_DATE).parts["body"].text == SEND_DATE.isoformat()
    message = CampaignRenderer(make("{{ send_date }}", "t.html")).render(recipient())
    assert message.parts["body"].text == dt.date.today().isoformat()


# -- errors carry the campaign file line ---------------------------------------------------------


def errors_of(text: str, name: str = "t.mjml", rec=None):
    return CampaignRenderer(parse_campaign(text, name)).render(rec or recipient(), SEND_DATE).errors


def test_syntax_errors_in_front_matter_fields_name_their_line():
    text = "---\nname: X\nsubject: Hi {{ recipient.first_name }\npreheader: ok\nfrom_name: '{% if %}'\n---\n<p>x</p>\n"
    errors = errors_of(text, "t.html")
    assert [(e.part, e.kind, e.line) for e in errors] == [("subject", "template", 3), ("from_name", "template", 5)]
    assert "syntax error" in errors[0].message


def test_syntax_error_inside_a_text_block_names_the_line_in_the_block():
    text = "---\nsubject: Hi\ntext: |\n  Hello\n  {{ recipient.first_name }\n  Bye\n---\n<p>x</p>\n"
    [error] = errors_of(text, "t.html")
    assert (error.part, error.line) == ("text", 5)


def test_body_syntax_and_runtime_errors_name_their_line():
    front = "---\nsubject: Hi\n---\n"
    [syntax] = errors_of(front + "<p>a</p>\n<p>b</p>\n{% for x in recipient.orders %}\n<p>c</p>\n", "t.html")
    assert (syntax.part, syntax.kind, syntax.line) == ("html", "template", 6)  # the for left unclosed
    [runtime] = errors_of(front + "<p>a</p>\n\n<p>{{ recipient.first_name.upper() ~ (1 / 0) }}</p>\n", "t.html")
    assert (runtime.kind, runtime.line) == ("template", 6)
    assert "ZeroDivisionError" in runtime.message


def test_runtime_error_in_the_subject_names_its_line():
    text = "---\nname: X\nsubject: '{{ recipient.first_name ~ (1 / 0) }}'\n---\n<p>x</p>\n"
    [error] = errors_of(text, "t.html")
    assert (error.part, error.line) == ("subject", 3)


def test_mjml_errors_name_the_line_of_the_broken_tag():
    front = "---\nsubject: Hi\n---\n"
    inner = ["<mj-text>ok</mj-text>", "<mj-text>never closed", "<mj-text>fine</mj-text>"]
    [error] = errors_of(front + mjml(*inner))
    assert (error.part, error.kind, error.line) == ("html", "mjml", 6)


def test_mjml_error_that_depends_on_the_recipient_names_its_line():
    front = "---\nsubject: Hi\n---\n"
    body = mjml("<mj-text>ok</mj-text>", "{% if recipient.first_name == 'Ana' %}<mj-text>{% endif %}hi</mj-text>", "<mj-text>end</mj-text>")
    assert errors_of(front + body) == []
    [error] = errors_of(front + body, rec=recipient(first_name="Bo"))
    assert (error.kind, error.line) == ("mjml", 6)


def test_mjml_error_after_a_long_value_still_names_its_line():
    front = "---\nsubject: Hi\n---\n"
    body = mjml("<mj-text>{{ recipient.attributes.bio }}</mj-text>", "<mj-image src='a.png'>", "<mj-text>x</mj-text>")
    [error] = errors_of(front + body, rec=recipient(attributes={"bio": "word\n" * 50}))
    assert (error.kind, error.line) == ("mjml", 6)


# -- branches ------------------------------------------------------------------------------------


def test_branches_and_the_arms_each_recipient_took():
    body = mjml(
        "{% if recipient.attributes.vip %}<mj-text>VIP</mj-text>{% elif recipient.orders %}<mj-text>Buyer</mj-text>{% else %}<mj-text>Hi</mj-text>{% endif %}",
        "{% for r in recipient.recommendations %}<mj-text>{{ r.name }}</mj-text>{% else %}<mj-text>none</mj-text>{% endfor %}",
    )
    renderer = CampaignRenderer(make(body, subject="{{ 'a' if recipient.attributes.vip else 'b' }}"))
    arms = {(part, b.id, b.arm): b for part, b in renderer.branches}
    assert {b.kind for b in arms.values()} == {"if", "for", "inline"}
    assert all(b.line for b in arms.values())
    vip = renderer.render(recipient(attributes={"vip": True}, recommendations=[{"sku": "a", "name": "A"}]), SEND_DATE)
    plain = renderer.render(recipient(), SEND_DATE)
    taken_vip = {arm for _, _, arm in vip.branch_hits}
    taken_plain = {arm for _, _, arm in plain.branch_hits}
    assert {"then", "loop"} <= taken_vip
    assert {"else", "empty"} <= taken_plain
    assert vip.body_text == "VIP\nA" and plain.body_text == "Hi\nnone"


def test_a_campaign_file_round_trip():
    text = campaign_text(mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>"), **FRONT)
    message = CampaignRenderer(parse_campaign(text, "c.mjml")).render(recipient(), SEND_DATE)
    assert (message.subject, message.body_text) == ("Hi Ana", "Hi Ana")


def test_a_loop_over_a_non_empty_literal_has_no_empty_arm():
    from preview.rendering import CampaignRenderer
    from tests.conftest import make

    campaign = make(
        "<html><body>{% for w in ['Love it', 'Not for me'] %}<a href='#'>{{ w }}</a>{% endfor %}"
        "{% for r in recipient.recommendations %}{{ r.name }}{% endfor %}"
        "{% for x in [] %}never{% endfor %}</body></html>",
        name="t.html",
    )
    arms = [(b.line, b.arm) for _, b in CampaignRenderer(campaign).branches if b.kind == "for"]
    assert arms.count((1, "empty")) == 2  # the recommendations loop and the empty literal
    assert arms.count((1, "loop")) == 3
