"""The ``over-personalization`` family: surveillance framing and stacked personal facts."""

from __future__ import annotations

import pytest

from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "over-personalization"
NOTICED = mjml("<mj-text>Hi {{ recipient.first_name }}, we noticed you\u2019ve been searching for {{ recipient.activity[0].query }}. Here are our top picks.</mj-text>")
DOSSIER = mjml(
    "<mj-text>Hi {{ recipient.first_name }},</mj-text>",
    "{% if recipient.attributes.age %}<mj-text>At {{ recipient.attributes.age }}, you deserve the best.</mj-text>{% endif %}",
    "{% if recipient.attributes.city %}<mj-text>Our {{ recipient.attributes.city }} store has new arrivals.</mj-text>{% endif %}",
    "{% if recipient.orders %}<mj-text>Your order ({{ recipient.orders[0].items[0].name }}, {{ recipient.orders[0].items[1].name }}) shipped on {{ recipient.orders[0].date }}.</mj-text>{% endif %}",
    "{% if recipient.activity %}<mj-text>Still looking for {{ recipient.activity[0].query }}?</mj-text>{% endif %}",
    "{% for ev in recipient.life_events %}<mj-text>Settling in since {{ ev.date }}?</mj-text>{% endfor %}",
)


def search(query):
    return [{"type": "search", "date": "2026-11-28", "query": query, "count": 3}]


def found(body, recs, **front):
    _, results = run_checks(make(body, **front), recs if isinstance(recs, list) else [recs])
    return [[f for f in r.findings if f.family == FAMILY] for r in results]


def test_we_noticed_framing_warns_and_names_the_search():
    [result] = found(NOTICED, recipient(activity=search("winter boots")))
    assert [f.code for f in result] == ["OVP001"]
    f = result[0]
    assert str(f.severity) == "warn"
    assert f.evidence.text.startswith("Hi Ana, we noticed you\u2019ve been searching for winter boots.")
    assert any(d.startswith("activity[0]: 3 search") and "'winter boots'" in d for d in f.evidence.data)


@pytest.mark.parametrize(("kind", "count", "said"), [("search", 3, "3 searches of"), ("search", 1, "1 search of"), ("view", 2, "2 views of"), ("wishlist", 2, "2 wishlists of")])
def test_the_evidence_counts_the_activity_in_plain_english(kind, count, said):
    # Reported: the evidence read "3 searchs of 'winter boots'".
    act = [{"type": kind, "date": "2026-11-28", "query": "winter boots", "count": count}]
    [result] = found(NOTICED, recipient(activity=act))
    assert any(d.startswith(f"activity[0]: {said} 'winter boots'") for d in result[0].evidence.data), result[0].evidence.data


def test_we_noticed_framing_about_a_sensitive_search_blocks():
    for query, topic in (("pregnancy test", "pregnancy"), ("debt consolidation", "debt"), ("IVF clinics", "fertility")):
        [result] = found(NOTICED, recipient(activity=search(query)))
        assert [f.code for f in result] == ["OVP002"], query
        assert str(result[0].severity) == "block"
        assert topic in result[0].message


def test_sensitive_topic_behind_the_copy_counts_even_when_not_printed():
    body = mjml("<mj-text>We saw you looking at {{ recipient.activity[0].category | replace('health/', '') | replace('-', ' ') | title }}.</mj-text>")
    act = [{"type": "view", "date": "2026-11-28", "category": "health/diabetes-care"}]
    [result] = found(body, recipient(activity=act))
    assert [f.code for f in result] == ["OVP002"]


def test_quiet_use_of_the_same_search_passes():
    body = mjml("<mj-text>Hi {{ recipient.first_name }}, {{ recipient.activity[0].query }}: back in stock this week.</mj-text>")
    assert found(body, recipient(activity=search("winter boots"))) == [[]]


def test_since_you_viewed_in_static_copy_warns_for_everyone():
    body = mjml("<mj-text>Since you viewed our sofas, here is 10% off this week.</mj-text>")
    results = found(body, [recipient("a"), recipient("b")])
    assert [[f.code for f in r] for r in results] == [["OVP001"], ["OVP001"]]
    assert all(r[0].recipient_id is not None for r in results)


def test_framing_in_the_subject_is_judged():
    body = mjml("<mj-text>Lamps are 20% off.</mj-text>")
    [result] = found(body, recipient(), subject="We saw you looking at our lamps")
    assert [(f.code, f.part) for f in result] == [("OVP001", "subject")]


def test_recently_viewed_blocks_and_cart_reminders_pass():
    body = mjml(
        "<mj-text>Recently viewed</mj-text>",
        "<mj-text>You left something in your cart.</mj-text>",
        "<mj-text>Customers who viewed these also viewed our lighting range.</mj-text>",
    )
    assert found(body, recipient()) == [[]]


def full(rid="r1", **extra):
    fields = {
        "attributes": {"age": 41, "city": "Springfield"},
        "orders": [{"id": "o1", "date": "2026-11-03", "items": [{"sku": "K", "name": "Copper Kettle"}, {"sku": "M", "name": "Mug"}]}],
        "activity": search("hiking boots"),
        "life_events": [{"type": "new_home", "source": "declared", "date": "2026-10-01"}],
    }
    fields.update(extra)
    return recipient(rid, **fields)


def test_five_facts_in_one_email_warn_and_list_the_facts():
    [result] = found(DOSSIER, full())
    assert [f.code for f in result] == ["OVP003"]
    f = result[0]
    assert f.args["count"] == 5
    assert f.args["fields"] == "attributes.age, attributes.city, orders[0], activity[0], life_events[0]"
    assert any(line.startswith("life_events[0]: new_home, declared") for line in f.evidence.data)


def test_four_facts_are_still_service_and_an_order_counts_once():
    assert found(DOSSIER, full(life_events=[])) == [[]]


def test_three_facts_with_a_sensitive_one_block():
    r = recipient(attributes={"age": 34, "city": "Leeds"}, activity=search("fertility tests"))
    [result] = found(DOSSIER, r)
    assert [f.code for f in result] == ["OVP004"]
    assert "fertility" in result[0].message
    assert any("(sensitive: fertility)" in line for line in result[0].evidence.data)


def test_a_sensitive_life_event_counts_as_sensitive():
    r = recipient(attributes={"age": 34}, life_events=[{"type": "illness", "source": "declared", "date": "2026-10-01"}], activity=search("blankets"))
    [result] = found(DOSSIER, r)
    assert [f.code for f in result] == ["OVP004"]


def test_names_and_recommendations_are_not_counted():
    body = mjml(
        "<mj-text>Hi {{ recipient.first_name }} {{ recipient.last_name }} ({{ recipient.email }})</mj-text>",
        "{% for rec in recipient.recommendations %}<mj-text>{{ rec.name }}</mj-text>{% endfor %}",
    )
    recs = [{"sku": str(i), "name": f"Lamp {i}"} for i in range(6)]
    assert found(body, recipient(recommendations=recs)) == [[]]


def test_the_thresholds_are_options():
    from preview.pipeline import CheckRun

    run = CheckRun(make(DOSSIER), send_date=None, options={"ovp_max_data_points": 2})
    result = run.check(recipient(attributes={"age": 41, "city": "Springfield"}, activity=search("boots")))
    assert [f.code for f in result.findings if f.family == FAMILY] == ["OVP003"]


def test_clean_campaign_is_clean(clean_campaign):
    report, _ = run_checks(clean_campaign, [full()])
    assert [f for f in report.findings if f.family == FAMILY] == []
