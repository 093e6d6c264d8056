"""The edge categories, each with records that are in it and records that are not, and the fields
a template reads."""

import datetime as dt

import pytest

from preview.sampling.template_reads import lacks, template_reads
from preview.sampling.traits import FIXED, NAMES, Context, categories
from tests.conftest import recipient

SEND = dt.date(2026, 12, 1)
BY_NAME = {c.name: c for c in [*FIXED, *NAMES]}


def score(name, record, **context):
    return BY_NAME[name].score(record, Context(send_date=SEND, **context))


def order(**fields):
    items = fields.pop("items", [{"sku": "S1", "name": "Lamp"}])
    return {"id": "o1", "date": "2026-01-02", "items": items, **fields}


# (category, records in it, records not in it)
CASES = [
    ("deceased", [recipient(preferences={"deceased": True})], [recipient(), recipient(preferences={"deceased": False})]),
    # 17 on the send date (18 the next day) is a minor; 18 that day is not.
    ("minor", [recipient(birth_date="2008-12-02"), recipient(birth_date="2014-05-05")], [recipient(birth_date="2008-12-01"), recipient(birth_date=None)]),
    ("unknown_age", [recipient(birth_date=None), {"id": "x", "email": "x@y.z"}, recipient(birth_date="")], [recipient()]),
    ("reversed_event", [recipient(life_events=[{"type": "pregnancy", "source": "declared", "status": "lost"}]), recipient(life_events=[{"type": "wedding", "source": "declared", "status": "cancelled"}])], [recipient(life_events=[{"type": "wedding", "source": "declared", "status": "happened"}])]),
    ("bereaved", [recipient(life_events=[{"type": "bereavement", "source": "declared", "subject": "mother"}])], [recipient(life_events=[{"type": "wedding", "source": "declared"}])]),
    ("inferred_event", [recipient(life_events=[{"type": "wedding", "source": "inferred", "confidence": 0.6}])], [recipient(life_events=[{"type": "wedding", "source": "declared"}])]),
    ("third_party_event", [recipient(life_events=[{"type": "new_home", "source": "third_party"}])], [recipient(life_events=[{"type": "new_home", "source": "inferred"}])]),
    ("occasion_opt_out", [recipient(preferences={"occasion_opt_outs": ["mothers_day"]})], [recipient(preferences={"occasion_opt_outs": []}), recipient()]),
    ("gift_buyer", [recipient(orders=[order(items=[{"sku": "S", "name": "N", "gift": True}])]), recipient(orders=[order(items=[{"sku": "S", "name": "N", "gift_wrap": True}])]), recipient(orders=[order(ship_to_other=True)]), recipient(orders=[order(registry_id="REG-1")])], [recipient(orders=[order()]), recipient(orders=[order(registry_id=None)])]),
    ("returner", [recipient(orders=[order(items=[{"sku": "S", "name": "N", "returned": True}])])], [recipient(orders=[order(items=[{"sku": "S", "name": "N", "returned": False}])])]),
    ("shared_device", [recipient(preferences={"shared_device": True})], [recipient(preferences={"shared_device": False})]),
    ("seed", [recipient(is_seed=True)], [recipient(is_seed=False), recipient()]),
    ("no_marketing_consent", [recipient(preferences={"marketing_consent": False})], [recipient(), recipient(preferences={"marketing_consent": True})]),
    ("first_name_absent", [{"id": "x", "email": "x@y.z"}], [recipient(first_name=None), recipient()]),
    ("first_name_null", [recipient(first_name=None)], [{"id": "x", "email": "x@y.z"}, recipient(first_name="")]),
    ("first_name_blank", [recipient(first_name=""), recipient(first_name="  ")], [recipient(first_name=None), recipient()]),
    ("rtl_name", [recipient(first_name="דוד"), recipient(last_name="الحسن")], [recipient(first_name="Zoë")]),
    ("cjk_name", [recipient(first_name="李"), recipient(last_name="さくら"), recipient(first_name="민준")], [recipient(first_name="Søren")]),
    ("emoji_name", [recipient(first_name="Ana 🌸"), recipient(last_name="Lima ⭐")], [recipient(first_name="Ana")]),
    ("invisible_name", [recipient(first_name="Ana\u200b"), recipient(first_name=" Ana"), recipient(last_name="Lima\u202e")], [recipient(first_name="Ana Maria")]),
    ("non_ascii_name", [recipient(first_name="Zoë"), recipient(last_name="Nguyễn")], [recipient(first_name="Ana", last_name="O'Brien")]),
    ("longest_first_name", [recipient(first_name="Ana")], [recipient(first_name=None), recipient(first_name=" ")]),
    ("longest_recommendation", [recipient(recommendations=[{"sku": "A", "name": "Vase"}])], [recipient(recommendations=[]), recipient()]),
]


@pytest.mark.parametrize(("name", "inside", "outside"), CASES, ids=[c[0] for c in CASES])
def test_category_membership(name, inside, outside):
    for record in inside:
        assert score(name, record) is not None, record
    for record in outside:
        assert score(name, record) is None, record


def test_every_fixed_and_name_category_has_membership_cases():
    tested = {c[0] for c in CASES} | {"longest_last_name"}
    assert tested == set(BY_NAME)


def test_graded_categories_prefer_the_stronger_example():
    assert score("longest_first_name", recipient(first_name="Maximiliane"))[0] > score("longest_first_name", recipient(first_name="Max"))[0]
    assert score("longest_last_name", recipient(last_name="Wolfeschlegelsteinhausen"))[0] > score("longest_last_name", recipient(last_name="Li"))[0]
    assert score("minor", recipient(birth_date="2014-01-01"))[0] > score("minor", recipient(birth_date="2009-01-01"))[0]


def test_opting_out_of_the_campaigns_own_occasion_is_the_better_example():
    own = score("occasion_opt_out", recipient(preferences={"occasion_opt_outs": ["mothers_day"]}), occasion="mothers_day")
    other = score("occasion_opt_out", recipient(preferences={"occasion_opt_outs": ["halloween"]}), occasion="mothers_day")
    assert own == (2.0, "opted out of mothers_day")
    assert other == (1.0, "occasion opt-out")


def test_reversed_events_are_labelled_by_what_happened():
    lost = recipient(life_events=[{"type": "pregnancy", "source": "declared", "status": "lost"}])
    assert score("reversed_event", lost)[1] == "pregnancy lost"


def test_template_reads_follow_loops_gets_and_filters():
    reads = template_reads([
        "{{ recipient.first_name | default('there', true) }}",
        "{% for item in recipient.recommendations[:3] %}{{ item.name }}<img src='{{ item.image }}'>{% endfor %}",
        "{{ recipient.attributes.get('pet_name') }} {{ recipient['attributes']['tier'] }}",
        "{% for o in recipient.orders | selectattr('registry_id') %}{{ o.id }}{% endfor %}",
        "{% if recipient.attributes.pet_type %}{{ campaign.name }}{% endif %}",
        "{{ broken ",  # a syntax error: skipped
    ])
    assert reads == [
        ("recommendations",),
        ("orders",),
        ("first_name",),
        ("recommendations", "[]", "name"),
        ("recommendations", "[]", "image"),
        ("attributes", "pet_name"),
        ("attributes", "tier"),
        ("orders", "[]", "id"),
        ("attributes", "pet_type"),
    ]


def test_lacks_tells_absent_null_and_empty_apart():
    record = recipient(attributes={"pet": None, "tier": "", "points": 0}, recommendations=[{"sku": "A", "name": "Vase", "image": None}, {"sku": "B", "name": "Rug", "image": "x.jpg"}])
    assert lacks(record, ("attributes", "missing")) == "absent"
    assert lacks(record, ("attributes", "pet")) == "null"
    assert lacks(record, ("attributes", "tier")) == "empty"
    assert lacks(record, ("attributes", "points")) is None  # zero is a value
    assert lacks(record, ("recommendations", "[]", "image")) == "null"  # one broken picture
    assert lacks(record, ("recommendations", "[]", "name")) is None
    assert lacks(recipient(recommendations=[]), ("recommendations",)) == "empty"
    assert lacks(record, ("recommendations", "1", "image")) is None
    assert lacks(record, ("recommendations", "5", "image")) == "absent"


def test_each_field_the_template_reads_is_a_category_of_its_own():
    context = Context(send_date=SEND, reads=(("first_name",), ("attributes", "pet_name"), ("recommendations",)))
    names = [c.name for c in categories(context)]
    assert "missing:attributes.pet_name" in names and "missing:recommendations" in names
    assert "missing:first_name" not in names  # the first-name categories say more
    pet = next(c for c in categories(context) if c.name == "missing:attributes.pet_name")
    assert pet.score(recipient(), context) == (1.0, "no attributes.pet_name")
    assert pet.score(recipient(attributes={"pet_name": "Rex"}), context) is None
