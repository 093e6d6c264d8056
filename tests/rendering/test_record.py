"""What templates see of a recipient: read-only views that prefer record keys and record gaps."""

from __future__ import annotations

import json

import pytest

from tests.conftest import recipient, render

ORDER = {"id": "o1", "date": "2026-11-02", "items": [{"sku": "S1", "name": "Sofa"}, {"sku": "L2", "name": "Lamp"}]}


def body(template: str, rec: dict | None = None, **front):
    """The raw body output of an HTML campaign, and the message."""
    message = render(template, rec or recipient(), "t.html", **front)
    assert message.errors == [], message.errors
    return message.parts["body"].text, message


def test_attribute_access_prefers_record_keys_over_methods():
    rec = recipient(orders=[ORDER], attributes={"keys": "front door", "items": 3, "get": "got"})
    out, _ = body(
        "{% for o in recipient.orders %}{% for i in o.items %}{{ i.name }};{% endfor %}{% endfor %}"
        "|{{ recipient.attributes.keys }}|{{ recipient.attributes.items }}|{{ recipient.attributes.get }}",
        rec,
    )
    assert out == "Sofa;Lamp;|front door|3|got"


def test_mapping_methods_work_when_the_record_has_no_such_key():
    rec = recipient(attributes={"pet": "Rex", "colour": "red"})
    out, _ = body(
        "{% for k, v in recipient.attributes.items() %}{{ k }}={{ v }};{% endfor %}"
        "|{{ recipient.attributes.get('pet') }}|{{ recipient.attributes.get('none', 'dflt') }}"
        "|{{ recipient.attributes.keys()|sort|join(',') }}",
        rec,
    )
    assert out == "pet=Rex;colour=red;|Rex|dflt|colour,pet"


def test_filters_and_tests_work_on_views():
    rec = recipient(orders=[ORDER, {"id": "o2", "date": "2025-01-01", "items": []}], segments=["vip", "new"])
    out, _ = body(
        "{{ recipient.orders|length }}|{{ (recipient.orders|sort(attribute='date')|first).id }}"
        "|{{ recipient.orders|map(attribute='id')|join(',') }}|{{ (recipient.orders|last).id }}"
        "|{{ recipient.orders|selectattr('items')|list|length }}|{{ 'vip' in recipient.segments }}"
        "|{{ recipient.segments == ['vip', 'new'] }}|{{ recipient.segments }}|{{ (recipient.orders|reverse|first).id }}"
        "|{{ recipient.orders[0]['items'][1].name }}|{{ recipient['first_name'] }}",
        rec,
    )
    assert out == "2|o2|o1,o2|o2|1|True|True|vip, new|o2|Lamp|Ana"


def test_a_record_never_prints_itself_but_tojson_works():
    rec = recipient(orders=[ORDER])
    out, _ = body("[{{ recipient }}][{{ recipient.orders }}][{{ recipient.orders[0] }}]", rec)
    assert out == "[][][]"
    out, _ = body("{{ recipient.orders[0]|tojson }}", rec)
    assert json.loads(out.replace("&#34;", '"')) == ORDER


@pytest.mark.parametrize(
    "template",
    [
        "{% set x = recipient.orders.append(1) %}",
        "{{ recipient.orders.pop() }}",
        "{{ recipient.attributes.update({'a': 2}) }}",
        "{{ recipient.orders[0]['items'].clear() }}",
        "{% set recipient.first_name = 'Eve' %}",
    ],
)
def test_the_record_is_read_only(template):
    rec = recipient(orders=[ORDER], attributes={"a": 1})
    before = json.dumps(rec, sort_keys=True)
    message = render(template, rec, "t.html")
    assert message.errors, template
    assert json.dumps(rec, sort_keys=True) == before


def test_undefined_values_render_as_nothing_and_are_recorded():
    rec = recipient(attributes={"a": {"b": 1}})
    out, message = body(
        "Hi {{ recipient.attributes.nickname }}!{{ recipient.attributes.a.c.d }}{{ recipient.orders[3].id }}{{ nope }}",
        rec,
        subject="{{ recipient.attributes.title }} offer",
    )
    assert out == "Hi !"
    assert message.subject == "offer"
    assert message.missing == [
        ("subject", "recipient.attributes.title"),
        ("body", "recipient.attributes.nickname"),
        ("body", "recipient.attributes.a.c.d"),
        ("body", "recipient.orders[3].id"),
        ("body", "nope"),
    ]


def test_undefined_with_a_default_is_not_a_gap():
    out, message = body("Hi {{ recipient.attributes.nickname|default('friend') }}{% if recipient.attributes.vip %}!{% endif %}")
    assert out == "Hi friend"
    assert message.missing == []


def test_none_values_render_as_nothing_and_are_recorded():
    rec = recipient(last_name=None, attributes={"city": None})
    out, message = body("{{ recipient.first_name }} {{ recipient.last_name }} from {{ recipient.attributes.city }}", rec, subject="Dear {{ recipient.last_name }}")
    assert "None" not in out and "None" not in message.subject
    assert out == "Ana  from "
    assert message.nulls == [("subject", "last_name"), ("body", "last_name"), ("body", "attributes.city")]


def test_a_record_with_odd_types_does_not_crash_the_render():
    rec = recipient(attributes={"points": 12.5, "tags": ["a", None, 3], "nested": {"x": [{"y": None}]}, "flag": False})
    out, message = body("{{ recipient.attributes.points }}|{{ recipient.attributes.tags }}|{{ recipient.attributes.nested.x[0].y }}|{{ recipient.attributes.flag }}", rec)
    assert out == "12.5|a, , 3||False"
    assert message.nulls == [("body", "attributes.nested.x[0].y")]
