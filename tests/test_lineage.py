"""Data lineage: a finding names the recipient data behind the sentence it is about.

Each test renders a real campaign, finds a sentence in the part a check would read, and builds
the finding through ``ctx.finding`` exactly as a check does; ``evidence.data`` must name the
record entries that produced that sentence, with their provenance, and nothing unrelated.
"""

from __future__ import annotations

import pytest

from preview.checks.check import check
from preview.checks.context import CheckContext
from tests.conftest import SEND_DATE, mjml, recipient, render


@check(
    code="TLN001",
    family="lineage-test",
    name="sentence",
    severity="warn",
    summary="A sentence a test points at.",
    why="Lineage tests need a check to build findings with.",
    bad="-",
    good="-",
    message="{detail}",
    scope="recipient",
)
def sentence(message, recipient, ctx):
    return ()


WEDDING = {"type": "wedding", "source": "inferred", "confidence": 0.71, "evidence": "23 wedding pins in 30 days"}
BIRTHDAY = {"type": "birthday", "source": "declared", "date": "1985-04-02"}
WEDDING_LINE = 'life_events[1]: wedding, inferred 0.71 ("23 wedding pins in 30 days")'


def data_for(message, rec, part: str, sentence_text: str) -> list[str]:
    """``evidence.data`` of a finding on ``sentence_text`` in ``part`` of ``message``."""
    text = message.part_text(part)
    start = text.index(sentence_text)
    ctx = CheckContext(send_date=SEND_DATE)
    finding = ctx.finding(sentence, message, rec, part=part, start=start, end=start + len(sentence_text), detail="x")
    assert finding.evidence.text == sentence_text
    return finding.evidence.data


def test_static_sentence_inside_an_if_names_the_event_the_condition_found():
    body = mjml(
        "<mj-text>Hi {{ recipient.first_name }},</mj-text>",
        "{% if recipient.life_events|selectattr('type', 'equalto', 'wedding')|list %}",
        "<mj-text>Congratulations on your wedding!</mj-text>",
        "{% endif %}",
    )
    rec = recipient(life_events=[BIRTHDAY, WEDDING])
    message = render(body, rec)
    data = data_for(message, rec, "html", "Congratulations on your wedding!")
    # The birthday was looked at by selectattr, but it is not why the sentence is there.
    assert data == [WEDDING_LINE]


def test_first_matching_event_through_set_keeps_its_lineage():
    body = mjml(
        "{% set wedding = recipient.life_events|selectattr('type', 'equalto', 'wedding')|first %}",
        "{% if wedding %}<mj-text>Best wishes for your big day</mj-text>{% endif %}",
    )
    rec = recipient(life_events=[BIRTHDAY, WEDDING])
    assert data_for(render(body, rec), rec, "html", "Best wishes for your big day") == [WEDDING_LINE]


def test_loop_over_filtered_events_names_the_event_of_that_iteration():
    body = mjml(
        "{% for ev in recipient.life_events if ev.type == 'wedding' %}",
        "<mj-text>Congratulations on your {{ ev.type }}!</mj-text>",
        "{% endfor %}",
    )
    rec = recipient(life_events=[BIRTHDAY, WEDDING])
    data = data_for(render(body, rec), rec, "html", "Congratulations on your wedding!")
    assert WEDDING_LINE in data
    assert not any(line.startswith("life_events[0]") for line in data)


def test_items_collected_in_a_namespace_name_only_themselves():
    """The shape of templates/winter-collection.mjml: picks gathered by a filtered loop."""
    body = mjml(
        "{% set chosen = namespace(picks=[]) %}",
        "{% for item in recipient.recommendations if item.reason.type == 'bestseller' %}"
        "{% set chosen.picks = chosen.picks + [item] %}{% endfor %}",
        "{% set picks = chosen.picks %}",
        "{% if picks %}<mj-text>Popular picks</mj-text>",
        "{% for item in picks %}<mj-text>{{ item.name }}</mj-text>{% endfor %}{% endif %}",
        "<mj-text>Our stores are open late</mj-text>",
    )
    recs = [
        {"sku": "A", "name": "Lamp", "reason": {"type": "bestseller"}},
        {"sku": "B", "name": "Rug", "reason": {"type": "view"}},
        {"sku": "C", "name": "Vase", "reason": {"type": "bestseller"}},
    ]
    rec = recipient(recommendations=recs)
    message = render(body, rec)
    assert data_for(message, rec, "html", "Vase") == ["recommendations[2]: Vase (sku C), reason: bestseller"]
    assert data_for(message, rec, "html", "Popular picks") == [
        "recommendations[0]: Lamp (sku A), reason: bestseller",
        "recommendations[2]: Vase (sku C), reason: bestseller",
    ]
    # The filter's look at the rug explains nothing that follows the loops.
    assert data_for(message, rec, "html", "Our stores are open late") == []


def test_fields_of_enclosing_if_and_for_count():
    body = mjml(
        "{% if recipient.attributes.vip %}",
        "{% for item in recipient.recommendations %}",
        "<mj-text>Picked for you: {{ item.name }}</mj-text>",
        "{% endfor %}",
        "<mj-text>Thank you for being a member</mj-text>",
        "{% endif %}",
    )
    rec = recipient(
        attributes={"vip": True},
        attribute_sources={"vip": "inferred"},
        recommendations=[{"sku": "L1", "name": "Oak lamp", "reason": {"type": "purchase", "source_sku": "D9", "source_order": "o7"}}],
    )
    message = render(body, rec)
    assert data_for(message, rec, "html", "Thank you for being a member") == ["attributes.vip: true, inferred"]
    data = data_for(message, rec, "html", "Picked for you: Oak lamp")
    assert data == [
        "attributes.vip: true, inferred",
        "recommendations[0]: Oak lamp (sku L1), reason: purchase of D9 in order o7",
    ]


def test_set_variables_keep_the_fields_they_came_from():
    body = mjml(
        "{% set name = recipient.attributes.nickname or recipient.first_name %}",
        "{% set greeting %}Dear {{ name }}{% endset %}",
        "<mj-text>{{ greeting }}, welcome back</mj-text>",
    )
    rec = recipient(attributes={"nickname": "Lulu"}, attribute_sources={"nickname": "third_party"})
    data = data_for(render(body, rec), rec, "html", "Dear Lulu, welcome back")
    assert data == ["attributes.nickname: 'Lulu', third_party"]


def test_loop_items_keep_their_original_index_after_slicing():
    recs = [{"sku": f"S{i}", "name": f"Item {i}"} for i in range(6)]
    body = mjml(
        "{% for item in recipient.recommendations[2:4] %}<mj-text>{{ loop.index }}. {{ item.name }}</mj-text>{% endfor %}",
        "{% for item in (recipient.recommendations|reverse|list)[:1] %}<mj-text>Last: {{ item.name }}</mj-text>{% endfor %}",
    )
    rec = recipient(recommendations=recs)
    message = render(body, rec)
    assert data_for(message, rec, "html", "2. Item 3") == ["recommendations[3]: Item 3 (sku S3)"]
    assert data_for(message, rec, "html", "Last: Item 5") == ["recommendations[5]: Item 5 (sku S5)"]


@pytest.mark.parametrize("part", ["subject", "preheader"])
def test_subject_and_preheader_lineage(part):
    template = "{% if recipient.life_events|selectattr('type', 'equalto', 'wedding')|list %}Congrats on your big day, {% endif %}{{ recipient.first_name }}!"
    rec = recipient(life_events=[BIRTHDAY, WEDDING])
    message = render(mjml("<mj-text>Hello</mj-text>"), rec, **{part: "  " + template})
    assert data_for(message, rec, part, "Congrats on your big day") == [WEDDING_LINE]
    assert data_for(message, rec, part, "Ana!") == ["first_name: 'Ana'"]  # after the endif


def test_html_campaign_lineage():
    body = (
        "<html><body><p>Hi {{ recipient.first_name }},</p>"
        "{% if recipient.orders %}<p>Thanks for your order of {{ recipient.orders[0].items[0].name }}.</p>{% endif %}"
        "</body></html>"
    )
    rec = recipient(orders=[{"id": "o1", "date": "2026-11-02", "items": [{"sku": "S", "name": "Sofa", "gift": True}]}])
    message = render(body, rec, "t.html")
    data = data_for(message, rec, "html", "Thanks for your order of Sofa.")
    assert data == ["orders[0].items[0]: Sofa (sku S), order o1 on 2026-11-02, marked as a gift"]


def test_derived_text_part_lineage_follows_the_html():
    body = mjml("{% if recipient.attributes.vip %}<mj-text>Members save more</mj-text>{% endif %}")
    rec = recipient(attributes={"vip": True})
    message = render(body, rec)
    assert message.text_part is None
    assert data_for(message, rec, "text", "Members save more") == ["attributes.vip: true, declared"]


def test_own_text_part_lineage():
    text = "Hello\n{% if recipient.attributes.vip %}Members save more{% endif %}\n"
    rec = recipient(attributes={"vip": True})
    message = render(mjml("<mj-text>Hello</mj-text>"), rec, text=text)
    assert data_for(message, rec, "text", "Members save more") == ["attributes.vip: true, declared"]


def test_entities_and_curly_quotes_in_the_template_are_found():
    body = mjml(
        "{% if recipient.attributes.vip %}",
        "<mj-text>We&rsquo;re  thrilled &amp; you&#39;ll   <b>love</b>\n it</mj-text>",
        "{% endif %}",
    )
    rec = recipient(attributes={"vip": True})
    message = render(body, rec)
    assert "We’re thrilled & you'll love it" in message.body_text
    assert data_for(message, rec, "html", "We’re thrilled & you'll love it") == ["attributes.vip: true, declared"]


def test_unrelated_fields_are_not_named():
    body = mjml(
        "<mj-text>Hi {{ recipient.first_name }}</mj-text>",
        "{% if recipient.attributes.vip %}<mj-text>VIP corner</mj-text>{% endif %}",
        "<mj-text>Our new collection is here</mj-text>",
    )
    rec = recipient(attributes={"vip": True})
    assert data_for(render(body, rec), rec, "html", "Our new collection is here") == []


def test_template_level_finding_when_the_text_holds_no_recipient_value():
    @check(code="TLN002", family="lineage-test", name="static", severity="warn", summary="s", why="w", bad="b", good="g")
    def static(message, recipient, ctx):
        return ()

    body = mjml("<mj-text>Hi {{ recipient.first_name }}</mj-text>", "<mj-text>Lorem ipsum</mj-text>")
    rec = recipient()
    message = render(body, rec)
    ctx = CheckContext(send_date=SEND_DATE)
    text = message.body_text
    on_static = ctx.finding(static, message, rec, part="html", start=text.index("Lorem"), end=text.index("Lorem") + 11)
    on_value = ctx.finding(static, message, rec, part="html", start=text.index("Ana"), end=text.index("Ana") + 3)
    assert on_static.recipient_id is None
    assert on_value.recipient_id == "r1"
    assert on_value.evidence.data == ["first_name: 'Ana'"]
