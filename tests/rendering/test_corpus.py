"""Every real template of the corpus renders, as it is and with typical personalization around it."""

from __future__ import annotations

import re

import pytest

from preview.contract.campaigns import parse_campaign
from preview.rendering import CampaignRenderer
from tests.conftest import SEND_DATE, campaign_text, corpus_templates, recipient

FRONT = {
    "name": "Corpus",
    "subject": "{{ recipient.first_name | default('Hello', true) }}, picked for you",
    "preheader": "New this week",
    "from_name": "Acme",
}
PERSONAL = (
    "<mj-text>Hi {{ recipient.first_name | default('there', true) }},</mj-text>"
    "{% for item in recipient.recommendations[:3] %}"
    '<mj-text><a href="{{ item.url }}">{{ item.name }}</a></mj-text>'
    "{% endfor %}"
    "{% if recipient.life_events|selectattr('type', 'equalto', 'new_home')|list %}"
    "<mj-text>Make your new place feel like home.</mj-text>"
    "{% endif %}"
)

PEOPLE = [
    recipient("plain"),
    recipient(
        "rich",
        first_name="Zoë",
        recommendations=[{"sku": f"S{i}", "name": f"Lamp {i} & shade", "url": f"https://shop.example.org/p/{i}"} for i in range(5)],
        life_events=[{"type": "new_home", "source": "declared", "date": "2026-10-01"}],
    ),
    recipient("empty", first_name=None, recommendations=[]),
]


def wrap(source: str) -> str:
    """The template with front matter and personalization in its first column."""
    at = re.search(r"<mj-column\b[^>]*>", source)
    assert at, "every corpus template has a column"
    return campaign_text(source[: at.end()] + PERSONAL + source[at.end() :], **FRONT)


@pytest.mark.parametrize("path", corpus_templates(), ids=lambda p: p.name)
def test_corpus_template_renders_as_it_is(path):
    message = CampaignRenderer(parse_campaign(path.read_text(), path.name)).render(recipient(), SEND_DATE)
    assert message.errors == []
    assert message.html.startswith("<!doctype html>")
    assert message.body_text and message.text == message.body_text
    # The only gaps are the template's own merge tags written for another tool ({{FirstName}}).
    assert all(part == "body" and "." not in name for part, name in message.missing)


@pytest.mark.parametrize("path", corpus_templates(), ids=lambda p: p.name)
def test_corpus_template_renders_with_personalization(path):
    renderer = CampaignRenderer(parse_campaign(wrap(path.read_text()), path.name))
    for person in PEOPLE:
        message = renderer.render(person, SEND_DATE)
        assert message.errors == [], (person["id"], message.errors)
        assert message.subject.endswith(", picked for you")
        assert (message.preheader, message.from_name) == ("New this week", "Acme")
        assert message.html and message.text
    rich = renderer.render(PEOPLE[1], SEND_DATE)
    assert "Hi Zoë," in rich.body_text
    assert "Lamp 2 & shade" in rich.body_text and "Lamp 3 & shade" not in rich.body_text
    assert "Make your new place feel like home." in rich.body_text
    assert [x.href for x in rich.document.links[:3]] == [f"https://shop.example.org/p/{i}" for i in range(3)]
    empty = renderer.render(PEOPLE[2], SEND_DATE)
    assert "Hi there," in empty.body_text and "new place" not in empty.body_text
    # Recipients share the compiled layouts: far fewer MJML compiles than renders.
    assert renderer.layout_compiles <= 3


def test_the_corpus_is_there_when_shared_is(corpus):
    assert len(corpus) == 25
