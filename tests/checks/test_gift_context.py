"""The ``gift-context`` family: recommendations and purchase copy resting on a gift."""

from __future__ import annotations

import datetime as dt

import pytest

from preview.checks.registry import CheckSettings, Registry
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "gift-context"
BECAUSE = mjml(
    "<mj-text>Hi {{ recipient.first_name }},</mj-text>",
    "<mj-text>Because you bought {{ recipient.orders[0].items[0].name }}, you'll love these:</mj-text>",
    "{% for rec in recipient.recommendations[:3] %}<mj-text>{{ rec.name }}</mj-text>{% endfor %}",
)
PICKS = mjml(
    "<mj-text>Hi {{ recipient.first_name }}, picked for your style:</mj-text>",
    "{% for rec in recipient.recommendations[:3] %}<mj-text>{{ rec.name }}</mj-text>{% endfor %}",
)


def item(sku="FR-ROSE", name="Rose Eau de Parfum", category="beauty/fragrance/women", **flags):
    return {"sku": sku, "name": name, "category": category, **flags}


def order(oid, date, *items, **flags):
    return {"id": oid, "date": date, "items": list(items), **flags}


def rec(sku="FR-LILY", name="Lily Eau de Parfum", source="FR-ROSE", category="beauty/fragrance/women", kind="purchase"):
    reason = {"type": kind, "source_sku": source} if source else {"type": kind}
    return {"sku": sku, "name": name, "category": category, "reason": reason}


def found(body, rec_, registry=None, send_date=dt.date(2026, 12, 1), **front):
    report, results = run_checks(make(body, **front), [rec_], registry=registry, send_date=send_date)
    return [f for f in results[0].findings if f.family == FAMILY]


def codes(findings):
    return sorted({f.code for f in findings})


@pytest.mark.parametrize(
    ("item_flags", "order_flags", "why"),
    [
        ({"gift": True}, {}, "marked as a gift"),
        ({"gift_wrap": True}, {}, "gift-wrapped"),
        ({}, {"ship_to_other": True}, "shipped to another address"),
        ({}, {"registry_id": "REG-1"}, "bought from registry REG-1"),
    ],
)
def test_recommendation_and_copy_resting_on_a_flagged_gift_warn(item_flags, order_flags, why):
    r = recipient(orders=[order("o1", "2026-10-02", item(**item_flags), **order_flags)], recommendations=[rec()])
    result = found(BECAUSE, r)
    assert codes(result) == ["GFT001", "GFT002"]
    gft1 = next(f for f in result if f.code == "GFT001")
    assert str(gft1.severity) == "warn"
    assert gft1.recipient_id == "r1"
    assert gft1.evidence.text == "Lily Eau de Parfum"
    assert why in gft1.message
    assert any(line.startswith("recommendations[0]: Lily Eau de Parfum") for line in gft1.evidence.data)
    assert any(line.startswith("orders[0].items[0]: Rose Eau de Parfum") and why in line for line in gft1.evidence.data)
    gft2 = next(f for f in result if f.code == "GFT002")
    assert gft2.evidence.text == "Because you bought Rose Eau de Parfum, you'll love these:"


def test_the_same_email_for_a_purchase_that_was_not_a_gift_passes():
    r = recipient(orders=[order("o1", "2026-10-02", item())], recommendations=[rec()])
    assert found(BECAUSE, r) == []


def test_a_gift_that_does_not_drive_the_recommendation_passes():
    r = recipient(
        orders=[
            order("o1", "2026-11-25", item("TRAIL-3", "Trail Runner 3", "shoes/running")),
            order("o2", "2026-11-10", item(gift=True)),
        ],
        recommendations=[rec("SOCKS", "Running Socks", "TRAIL-3", "apparel/running")],
    )
    assert found(BECAUSE, r) == []


def test_gift_flag_is_per_item_not_per_order():
    r = recipient(
        orders=[order("o1", "2026-11-20", item("MUG", "Speckled Mug", "home/kitchen"), item("CANDLE", "Fig Candle", "home/fragrance", gift=True))],
        recommendations=[rec("BOWL", "Speckled Bowl", "MUG", "home/kitchen")],
    )
    assert found(BECAUSE, r) == []


def men_history():
    return [
        order("o2", "2025-03-02", item("SHIRT", "Oxford Shirt", "apparel/men/shirts")),
        order("o3", "2025-08-19", item("CHINO", "Slim Chinos", "apparel/men/trousers")),
    ]


def test_off_profile_purchase_in_gift_season_counts_as_gift():
    r = recipient(orders=[order("o1", "2025-12-12", item()), *men_history()], recommendations=[rec()])
    result = found(BECAUSE, r)
    gft1 = next(f for f in result if f.code == "GFT001")
    assert "off-profile" in gft1.message and "winter holiday gift season" in gft1.message
    assert any("looks like a gift: off-profile" in line for line in gft1.evidence.data)


def test_off_profile_purchase_outside_any_season_is_not_judged_a_gift():
    r = recipient(orders=[order("o1", "2025-07-12", item()), *men_history()], recommendations=[rec()])
    assert found(BECAUSE, r) == []


def test_on_profile_purchase_in_season_is_the_recipients_own():
    history = [order("o2", "2025-03-02", item("BLOUSE", "Silk Blouse", "apparel/women/tops"))]
    r = recipient(orders=[order("o1", "2025-12-12", item()), *history], recommendations=[rec()])
    assert found(BECAUSE, r) == []


def test_a_childrens_item_among_adult_purchases_in_gift_season_is_a_gift():
    # Found by the held-out corpus: a year of menswear and tools, then one unflagged December
    # toy, then "picks inspired by your style" full of toys.
    toy = item("UNI-BAG", "Unicorn plush backpack", "kids/toys/plush")
    r = recipient(orders=[order("o1", "2026-12-08", toy), *men_history()], recommendations=[rec("UNI-LIGHT", "Unicorn night light", "UNI-BAG", "kids/toys")])
    result = found(PICKS, r, send_date=dt.date(2027, 1, 12))
    assert codes(result) == ["GFT001"] and "children's item among" in result[0].message


def test_purchases_inside_a_season_give_the_profile_when_the_rest_say_nothing():
    # The held-out case: his only clothing was bought in March, inside the Mother's Day window,
    # and the rest of his history (a drill) has no wearer; the shirt still says who he is.
    history = [order("o2", "2026-03-02", item("SHIRT", "Oxford Shirt", "apparel/men/shirts")), order("o3", "2026-07-19", item("DRILL", "Cordless drill", "home/tools"))]
    toy = item("UNI-BAG", "Unicorn plush backpack", "kids/toys/plush")
    r = recipient(orders=[order("o1", "2026-12-08", toy), *history], recommendations=[rec("UNI-LIGHT", "Unicorn night light", "UNI-BAG", "kids/toys")])
    assert codes(found(PICKS, r, send_date=dt.date(2027, 1, 12))) == ["GFT001"]


def test_a_parent_who_buys_for_the_children_is_on_profile():
    kids_history = [order("o2", "2026-04-02", item("K-RAIN", "Kids' rain jacket", "kids/outerwear")), order("o3", "2026-09-01", item("K-BOOT", "Kids' wellies", "kids/shoes"))]
    toy = item("UNI-BAG", "Unicorn plush backpack", "kids/toys/plush")
    r = recipient(orders=[order("o1", "2026-12-08", toy), *kids_history], recommendations=[rec("UNI-LIGHT", "Unicorn night light", "UNI-BAG", "kids/toys")])
    assert found(PICKS, r, send_date=dt.date(2027, 1, 12)) == []
    # Buying for the children says nothing about the parent's own wardrobe: her December jumper
    # among children's things is hers.
    jumper = item("W-JUMP", "Merino jumper", "apparel/women/knitwear")
    r = recipient(orders=[order("o1", "2026-12-08", jumper), *kids_history], recommendations=[rec("W-SCARF", "Wool scarf", "W-JUMP", "apparel/women/accessories")])
    assert found(PICKS, r, send_date=dt.date(2027, 1, 12)) == []
    # Nor does a declared gender make a toy off-profile: parents of either sex buy toys.
    r = recipient(attributes={"gender": "female"}, orders=[order("o1", "2026-12-08", toy)], recommendations=[rec("UNI-LIGHT", "Unicorn night light", "UNI-BAG", "kids/toys")])
    assert found(PICKS, r, send_date=dt.date(2027, 1, 12)) == []


def test_declared_gender_gives_the_profile_when_there_is_no_history():
    r = recipient(attributes={"gender": "male"}, orders=[order("o1", "2026-11-30", item())], recommendations=[rec()])
    assert "GFT001" in codes(found(BECAUSE, r))
    r["attributes"]["gender"] = "female"
    assert found(BECAUSE, r) == []


def test_gift_cards_are_gifts_in_any_month():
    card = item("GC-50", "Acme Gift Card 50", "gift-cards")
    r = recipient(orders=[order("o1", "2026-07-04", card)], recommendations=[rec("GC-100", "Acme Gift Card 100", "GC-50", "gift-cards")])
    assert codes(found(BECAUSE, r)) == ["GFT001", "GFT002"]


def test_gift_driven_picks_still_warn_after_the_season():
    r = recipient(orders=[order("o1", "2026-12-15", item()), *men_history()], recommendations=[rec()])
    result = found(PICKS, r, send_date=dt.date(2027, 3, 10))
    assert codes(result) == ["GFT001"]


def test_recommendation_linked_by_source_order_only():
    r = recipient(orders=[order("o9", "2026-11-18", item(gift_wrap=True))], recommendations=[{"sku": "X", "name": "Rose Body Lotion", "reason": {"type": "purchase", "source_order": "o9"}}])
    assert codes(found(PICKS, r)) == ["GFT001"]


def test_bestseller_picks_are_not_about_the_gift():
    r = recipient(orders=[order("o1", "2026-11-18", item(gift=True))], recommendations=[rec(source=None, kind="bestseller", category="home/kitchen", name="Mug")])
    assert found(PICKS, r) == []


def test_style_copy_over_a_category_only_bought_as_gifts_warns():
    r = recipient(
        orders=[order("o1", "2026-11-21", item(gift=True)), order("o2", "2026-04-02", item("BOOTS", "Chelsea Boots", "shoes/men/boots"))],
        recommendations=[rec(source=None, kind="purchase"), {"sku": "FR-OUD", "name": "Oud Intense", "category": "beauty/fragrance/women"}],
    )
    result = found(PICKS, r)
    assert codes(result) == ["GFT003"]
    assert result[0].evidence.text == "Hi Ana, picked for your style:"
    assert "beauty/fragrance" in result[0].message
    own = recipient(orders=[*r["orders"], order("o3", "2026-04-09", item("FR-CIT", "Citrus Cologne"))], recommendations=r["recommendations"])
    assert found(PICKS, own) == []


def test_static_copy_naming_a_gift_is_found_by_name_across_a_line_break_and_curly_quotes():
    body = mjml("<mj-text>How\u2019s your Rose Eau de Parfum? Because you<br/>bought the Rose Eau de Parfum, here are more scents.</mj-text>")
    r = recipient(orders=[order("o1", "2026-10-02", item(gift=True))])
    result = found(body, r)
    assert codes(result) == ["GFT002"]
    assert "Rose Eau de Parfum" in result[0].evidence.text


EDITORIAL = mjml(
    "<mj-text>Editor&rsquo;s pick: the Rose Eau de Parfum, for winter evenings.</mj-text>",
    "{% for r in recipient.recommendations if r.reason.type == 'seasonal' %}<mj-text>{{ r.name }}</mj-text>{% endfor %}",
)


def test_a_gift_driven_recommendation_the_email_does_not_show_is_not_judged_by_static_copy():
    # Reported: the winter collection's editorial product names matched recommendations the
    # template never rendered. Only recommendations the reader is shown count.
    gifted = rec("FR-ROSE-2", "Rose Eau de Parfum", "FR-ROSE")
    r = recipient(orders=[order("o1", "2026-10-02", item(gift=True))], recommendations=[gifted, rec("MUG", "Speckled mug", None, "home/kitchen", kind="seasonal")])
    assert found(EDITORIAL, r) == []
    shown = dict(gifted, reason={"type": "seasonal", "source_sku": "FR-ROSE"})
    assert codes(found(EDITORIAL, recipient(orders=r["orders"], recommendations=[shown]))) == ["GFT001"]


def test_copy_that_mentions_gifts_without_a_purchase_passes():
    body = mjml("<mj-text>Our gift guide: perfume for her, watches for him, gift-wrapping on every order.</mj-text>")
    r = recipient(orders=[order("o1", "2026-10-02", item(gift=True))], recommendations=[rec()])
    assert found(body, r) == []


def test_a_deployment_adds_its_own_gift_season(tmp_path):
    (tmp_path / "gift_signals.yaml").write_text('- id: season-diwali\n  kind: season\n  name: run-up to Diwali\n  from: "10-10"\n  to: "11-10"\n')
    r = recipient(orders=[order("o1", "2025-10-20", item()), *men_history()], recommendations=[rec()])
    assert found(BECAUSE, r) == []
    registry = Registry(CheckSettings(rule_dirs=(str(tmp_path),)), entry_points=False)
    result = found(BECAUSE, r, registry=registry)
    assert "GFT001" in codes(result)
    assert "run-up to Diwali" in next(f for f in result if f.code == "GFT001").message


def test_clean_campaign_is_clean(clean_campaign):
    r = recipient(orders=[order("o1", "2026-10-02", item(gift=True))], recommendations=[rec()])
    report, _ = run_checks(clean_campaign, [r])
    assert [f for f in report.findings if f.family == FAMILY] == []
