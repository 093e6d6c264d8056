"""The ``returned-item`` family: review requests, refills, accessories and picks resting on a return."""

from __future__ import annotations

from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "returned-item"
REVIEW = mjml(
    "<mj-text>Hi {{ recipient.first_name }}, tell us what you think of your recent order.</mj-text>",
    "{% for item in recipient.orders[0].items %}<mj-text>{{ item.name }}</mj-text>"
    '<mj-button href="https://www.acme-home.com/review/{{ item.sku }}">Write a review</mj-button>{% endfor %}',
)
REVIEW_FRONT = {"subject": "How are you enjoying your {{ recipient.orders[0].items[0].name }}?"}
REFILL = mjml("<mj-text>Time to refill your {{ recipient.orders[0].items[0].name }}? Order again today.</mj-text>")
PICKS = mjml(
    "<mj-text>More like this:</mj-text>",
    "{% for rec in recipient.recommendations[:3] %}<mj-text>{{ rec.name }}</mj-text>{% endfor %}",
)


def sofa(**flags):
    return {"sku": "SOFA", "name": "Oslo 3-Seat Sofa", "category": "home/sofas", **flags}


def order(oid, date, *items):
    return {"id": oid, "date": date, "items": list(items)}


RETURNED = {"returned": True, "return_date": "2026-11-20", "return_reason": "arrived damaged"}


def found(body, rec, **front):
    _, results = run_checks(make(body, **front), [rec])
    return [f for f in results[0].findings if f.family == FAMILY]


def test_review_request_for_a_returned_item_blocks():
    result = found(REVIEW, recipient(orders=[order("o1", "2026-11-02", sofa(**RETURNED))]), **REVIEW_FRONT)
    assert [f.code for f in result] == ["RET001"]
    f = result[0]
    assert str(f.severity) == "block"
    assert f.part == "subject" and f.evidence.text == "How are you enjoying your Oslo 3-Seat Sofa?"
    assert f.evidence.data[0] == 'orders[0].items[0]: Oslo 3-Seat Sofa (sku SOFA, home/sofas), order o1 on 2026-11-02, returned 2026-11-20 ("arrived damaged")'


def test_the_same_review_request_for_a_kept_item_passes():
    assert found(REVIEW, recipient(orders=[order("o1", "2026-11-02", sofa())]), **REVIEW_FRONT) == []


def test_review_request_listing_a_returned_item_among_kept_ones_blocks():
    rug = {"sku": "RUG", "name": "Jute Rug"}
    chair = {"sku": "CHAIR", "name": "Rattan Armchair", "returned": True}
    result = found(REVIEW, recipient(orders=[order("o1", "2026-11-05", rug, chair)]), **REVIEW_FRONT)
    assert [f.code for f in result] == ["RET001"]
    assert "Rattan Armchair" in result[0].message
    assert result[0].part == "html"  # the body's request, next to the returned item


def test_review_request_for_an_item_bought_again_and_kept_passes():
    orders = [order("o2", "2026-11-22", sofa()), order("o1", "2026-10-01", sofa(**RETURNED))]
    assert found(REVIEW, recipient(orders=orders), **REVIEW_FRONT) == []


def test_review_of_a_kept_item_beside_copy_about_a_returned_one_only_warns():
    body = mjml(
        "<mj-text>How are you enjoying your {{ recipient.orders[0].items[0].name }}?</mj-text>",
        "<mj-text>It arrived a little while ago.</mj-text>",
        "<mj-text>Because you bought {{ recipient.orders[1].items[0].name }}, more like it:</mj-text>",
    )
    orders = [order("o2", "2026-11-22", {"sku": "LAMP", "name": "Arc Floor Lamp"}), order("o1", "2026-10-01", sofa(**RETURNED))]
    assert [f.code for f in found(body, recipient(orders=orders))] == ["RET003"]


def test_static_review_request_naming_the_returned_product_blocks():
    body = mjml("<mj-text>Loving your new Oslo 3-Seat Sofa? Leave a review.</mj-text>")
    assert [f.code for f in found(body, recipient(orders=[order("o1", "2026-11-02", sofa(**RETURNED))]))] == ["RET001"]
    assert found(body, recipient(orders=[order("o1", "2026-11-02", sofa())])) == []


def test_refill_of_a_returned_item_warns_and_of_a_kept_one_passes():
    serum = {"sku": "SERUM", "name": "Vitamin C Serum", "returned": True, "return_reason": "irritated my skin"}
    result = found(REFILL, recipient(orders=[order("o1", "2026-10-10", serum)]))
    assert [f.code for f in result] == ["RET003"]
    assert str(result[0].severity) == "warn"
    assert result[0].evidence.text.startswith("Time to refill your Vitamin C Serum?")
    serum.pop("returned")
    assert found(REFILL, recipient(orders=[order("o1", "2026-10-10", serum)])) == []


def test_recommendation_derived_from_a_returned_item_warns():
    shoes = {"sku": "TRAIL-2", "name": "Trail Runner 2", "returned": True}
    recs = [{"sku": "TRAIL-2W", "name": "Trail Runner 2 Wide", "reason": {"type": "purchase", "source_sku": "TRAIL-2"}}]
    result = found(PICKS, recipient(orders=[order("o1", "2026-10-20", shoes)], recommendations=recs))
    assert [f.code for f in result] == ["RET002"]
    assert result[0].evidence.text == "Trail Runner 2 Wide"
    assert "because of 'Trail Runner 2'" in result[0].message


def test_recommendation_from_a_kept_item_passes_even_when_another_was_returned():
    orders = [
        order("o1", "2026-10-20", {"sku": "TRAIL-2", "name": "Trail Runner 2", "returned": True}),
        order("o2", "2026-09-01", {"sku": "JACKET", "name": "Running Jacket"}),
    ]
    recs = [{"sku": "TIGHTS", "name": "Running Tights", "reason": {"type": "purchase", "source_sku": "JACKET"}}]
    assert found(PICKS, recipient(orders=orders, recommendations=recs)) == []


def test_the_returned_product_offered_again_warns():
    orders = [order("o1", "2026-10-20", {"sku": "TRAIL-2", "name": "Trail Runner 2", "returned": True})]
    recs = [{"sku": "TRAIL-2", "name": "Trail Runner 2", "reason": {"type": "bestseller"}}]
    result = found(PICKS, recipient(orders=orders, recommendations=recs))
    assert [f.code for f in result] == ["RET002"]
    assert "again after the return" in result[0].message


def test_accessory_copy_for_a_returned_item_warns():
    body = mjml("<mj-text>Complete the look with your Classic Denim Jacket: new tees are in.</mj-text>")
    jacket = {"sku": "DENIM", "name": "Classic Denim Jacket", "returned": True}
    assert [f.code for f in found(body, recipient(orders=[order("o1", "2026-10-12", jacket)]))] == ["RET003"]
    boots = {"sku": "BOOTS", "name": "Chelsea Boots", "returned": True}
    assert found(body, recipient(orders=[order("o1", "2026-10-12", boots)])) == []


def test_recipient_without_returns_is_not_judged():
    assert found(REFILL, recipient(orders=[order("o1", "2026-10-10", sofa())])) == []
    assert found(REFILL, recipient()) == []


def test_clean_campaign_is_clean(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient(orders=[order("o1", "2026-11-02", sofa(**RETURNED))])])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_a_returned_items_recommendation_the_email_does_not_show_is_not_judged_by_static_copy():
    # Reported: editorial copy naming a product ("Stoneware vase") matched an unrendered
    # recommendation resting on a return. Only recommendations the reader is shown count.
    body = mjml(
        "<mj-text>Editor&rsquo;s pick: the Stoneware Vase, with winter branches.</mj-text>",
        "{% for r in recipient.recommendations if r.reason.type == 'seasonal' %}<mj-text>{{ r.name }}</mj-text>{% endfor %}",
    )
    vase = {"sku": "VASE-2", "name": "Stoneware Vase", "reason": {"type": "purchase", "source_sku": "SOFA"}}
    r = recipient(orders=[order("o1", "2026-11-02", sofa(**RETURNED))], recommendations=[vase])
    assert found(body, r) == []
    shown = dict(vase, reason={"type": "seasonal", "source_sku": "SOFA"})
    assert [f.code for f in found(body, recipient(orders=r["orders"], recommendations=[shown]))] == ["RET002"]


def test_review_requests_in_casual_phrasing_are_review_requests():
    # Probed after the held-out run: "Enjoying your X?" and "Still loving your X? Rate it."
    # ask for a verdict on X as plainly as "Write a review".
    for copy in ("Enjoying your {{ recipient.orders[0].items[0].name }}?", "Still loving your {{ recipient.orders[0].items[0].name }}? Rate it in two taps."):
        body = mjml(f"<mj-text>{copy}</mj-text>")
        assert [f.code for f in found(body, recipient(orders=[order("o1", "2026-11-02", sofa(**RETURNED))]))] == ["RET001"], copy
        assert found(body, recipient(orders=[order("o1", "2026-11-02", sofa())])) == [], copy
