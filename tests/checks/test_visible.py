"""preview/checks/visible.py: phrase search shared per layout, and the values a reader sees."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preview.checks.context import CheckContext
from preview.checks.registry import Registry
from preview.checks.visible import find, leaf_paths, line_around, shown_values
from preview.rendering import CampaignRenderer
from tests.conftest import make, mjml, recipient

REGISTRY = Registry(entry_points=False)
# Static copy that holds phrases of surveillance.yaml whole, cut in two by a value, and next to one.
BODY = mjml(
    "<mj-text>We noticed {{ recipient.attributes.a }} been searching for {{ recipient.attributes.b }}.</mj-text>",
    "<mj-text>Since you viewed our sofas, {{ recipient.attributes.c }}</mj-text>",
    "<mj-text>{{ recipient.attributes.d }} you've been looking at lamps</mj-text>",
)
WORDS = ["you've", "you", "we", "noticed", "since", "viewed", "lamps", "Ana", "", "x", "since you viewed", "we noticed you"]


def context() -> CheckContext:
    return CheckContext(send_date=dt.date(2026, 12, 1), registry=REGISTRY, rules=REGISTRY.rules)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=4, max_size=4))
def test_shared_layout_search_finds_exactly_what_a_full_search_finds(values):
    renderer = CampaignRenderer(make(BODY))
    ctx = context()
    phrases = REGISTRY.rules.phrases("surveillance")
    # Two recipients through the same context: the second reuses the first one's static matches.
    for attrs in (dict(zip("abcd", ["you", "boots", "here", "Ana"], strict=True)), dict(zip("abcd", values, strict=True))):
        message = renderer.render(recipient(attributes=attrs), dt.date(2026, 12, 1))
        expected = [(m.start, m.end, m.rule["id"]) for m in phrases.finditer(message.body_text)]
        got = [(h.start, h.end, h.rule["id"]) for h in find(ctx, "surveillance", message, parts=("html",))]
        assert got == expected, message.body_text


def test_find_covers_subject_preheader_and_from_name():
    message = CampaignRenderer(make(mjml("<mj-text>Hi</mj-text>"), subject="We saw you looking", preheader="since you viewed it", from_name="Acme")).render(recipient())
    hits = find(context(), "surveillance", message)
    assert [(h.part, h.text) for h in hits] == [("subject", "We saw you"), ("preheader", "since you viewed")]
    assert find(context(), "surveillance", message, parts=("html",)) == []


def test_shown_values_name_their_fields_in_every_part():
    body = mjml("<mj-text>Hi {{ recipient.first_name }}, treats for {{ recipient.attributes.pet_name }}.</mj-text>")
    message = CampaignRenderer(make(body, subject="{{ recipient.first_name }}, for {{ recipient.attributes.pet_name }}")).render(
        recipient(attributes={"pet_name": "Rex"})
    )
    shown = [(v.part, v.text, leaf_paths(v.paths)) for v in shown_values(context(), message)]
    assert ("subject", "Ana", ["first_name"]) in shown
    assert ("subject", "Rex", ["attributes.pet_name"]) in shown
    assert ("html", "Ana", ["first_name"]) in shown
    assert ("html", "Rex", ["attributes.pet_name"]) in shown
    for v in shown_values(context(), message):
        assert message.part_text(v.part)[v.start : v.end] == v.text


def test_line_around_is_one_block_of_the_body():
    text = "Hello\nWe noticed you\nBye"
    assert line_around(text, 8, 12) == (6, 20)
    assert line_around("one line", 2, 3) == (0, 8)
