"""The ``compliance`` family: every check on a bad and a good sample, the clean campaign, the corpus."""

from __future__ import annotations

import re

import pytest

from preview.checks.compliance import has_address, list_unsubscribe_problem
from preview.checks.rules import Rules
from tests.checks.corpus_runs import corpus_run, family_findings
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "compliance"
ADDRESS = "<mj-text>Acme Home, 12 Market Street, Springfield, IL 62701, USA</mj-text>"
UNSUBSCRIBE = '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
ONE_CLICK = {
    "List-Unsubscribe": "<{{ unsubscribe_url }}>, <mailto:unsubscribe@acme-home.com>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def findings(*inner: str, recipients=None, **front):
    """The compliance findings of a campaign made of ``inner`` MJML, over ``recipients``."""
    report, results = run_checks(make(mjml(*inner), **front), recipients or [recipient("r1"), recipient("r2")])
    return [f for f in report.findings if f.family == FAMILY], results


def codes_of(found) -> list[str]:
    return sorted(f.code for f in found)


@pytest.fixture(scope="module")
def address_patterns():
    return tuple(re.compile(e["pattern"]) for e in Rules().entries("postal_address"))


# -- unsubscribe --------------------------------------------------------------------------------


def test_no_unsubscribe_link_bad_and_good():
    found, _ = findings(ADDRESS, "<mj-text>Thanks for reading.</mj-text>")
    assert codes_of(found) == ["CMP001"]
    assert found[0].recipient_id is None  # the template lacks it, for everyone
    found, _ = findings(ADDRESS, UNSUBSCRIBE)
    assert found == []


@pytest.mark.parametrize(
    "footer",
    [
        '<a href="https://www.acme-home.com/email/prefs?u=1">Manage preferences</a>',
        '<a href="https://www.acme-home.com/u/opt-out?id=1">click here</a>',
        '<a href="https://www.acme-home.fr/compte?x=1">Se désabonner</a>',
        '<a href="https://www.acme-home.de/newsletter?id=1">Vom Newsletter abmelden</a>',
        '<a href="mailto:list@acme-home.com?subject=unsubscribe">email us</a>',
        '<a href="*|UNSUB|*">Stop these emails</a>',
    ],
)
def test_unsubscribe_links_are_recognised_by_text_or_url(footer):
    found, _ = findings(ADDRESS, f"<mj-text>{footer}</mj-text>")
    assert "CMP001" not in codes_of(found)


def test_unsubscribe_missing_in_one_branch_is_per_recipient():
    body = [ADDRESS, '{% if recipient.first_name %}<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>{% endif %}']
    found, _ = findings(*body, recipients=[recipient("r1"), recipient("r2", first_name=None)])
    assert [(f.code, f.recipient_id) for f in found] == [("CMP001", "r2")]


def test_unsubscribe_missing_from_the_whole_template_is_reported_once():
    body = [ADDRESS, "{% for item in recipient.recommendations %}<mj-text>{{ item.name }}</mj-text>{% endfor %}"]
    picks = [{"sku": "S1", "name": "Wool throw"}]
    found, _ = findings(*body, recipients=[recipient("r1", recommendations=picks), recipient("r2")])
    assert [(f.code, f.recipient_id) for f in found] == [("CMP001", None)]


def test_broken_unsubscribe_link_bad_and_good():
    found, _ = findings(ADDRESS, '<mj-text><a href="#">Unsubscribe</a></mj-text>')
    assert codes_of(found) == ["CMP002"]
    found, _ = findings(ADDRESS, '<mj-text><a href="#">Unsubscribe</a> or <a href="{{ unsubscribe_url }}">opt out here</a></mj-text>')
    assert found == []


# -- postal address -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Acme Home, 12 Market Street, Springfield, IL 62701, USA",
        "1600 Amsterdam Ave, New York",
        "221B Baker Street, London",
        "Acme Ltd, Unit 4, London SW1A 1AA",
        "Acme GmbH, Hauptstraße 5, 10115 Berlin",
        "Acme SARL, 12 rue de la Paix, 75002 Paris",
        "Acme Srl, Via Roma 12, 20121 Milano",
        "Acme BV, Keizersgracht 123, Amsterdam",
        "Acme Inc., PO Box 123, Anytown",
        "Acme Inc, 1 Infinite Loop, Cupertino, CA 95014",
        "Acme Canada, Toronto ON M5V 3L9",
        "Hotline 8530 Market Street fair",  # the same words on one line do read as an address
    ],
)
def test_postal_addresses_are_recognised(text, address_patterns):
    assert has_address(text, address_patterns)


@pytest.mark.parametrize(
    "text",
    [
        "© 2026 Acme Home. All rights reserved.",
        "2 for the road: our travel mugs",
        "Top 10 way to save this winter",
        "Save 20% on the 2026 collection",
        "Our Spring 2026 collection",  # "...ring 2026" is no street
        "Call us on 0800 123 456",
        "Hotline 8530\nMarket Street fair",  # number and street on different lines of text
    ],
)
def test_non_addresses_are_not(text, address_patterns):
    assert not has_address(text, address_patterns)


def test_no_postal_address_bad_and_good():
    found, _ = findings(UNSUBSCRIBE, "<mj-text>© Acme Home. All rights reserved.</mj-text>")
    assert codes_of(found) == ["CMP003"]
    found, _ = findings(UNSUBSCRIBE, ADDRESS)
    assert found == []


def test_address_from_recipient_data_counts():
    body = [UNSUBSCRIBE, "<mj-text>Your store: {{ recipient.attributes.store_address }}</mj-text>"]
    found, _ = findings(*body, recipients=[recipient("r1", attributes={"store_address": "400 Main Street, Springfield"})])
    assert found == []


def test_address_in_own_plain_text_part_counts():
    text = "Hi {{ recipient.first_name }},\nAcme Home, 12 Market Street, Springfield, IL 62701\n"
    found, _ = findings(UNSUBSCRIBE, "<mj-text>© Acme Home</mj-text>", text=text)
    assert found == []


# -- List-Unsubscribe ---------------------------------------------------------------------------


def test_missing_list_unsubscribe_bad_and_good():
    found, _ = findings(ADDRESS, UNSUBSCRIBE, headers={"Reply-To": "help@acme-home.com"})
    (missing,) = found
    assert missing.code == "CMP004" and missing.recipient_id is None
    assert missing.evidence.line == 2  # the front-matter line of headers:
    found, _ = findings(ADDRESS, UNSUBSCRIBE, headers=ONE_CLICK)
    assert found == []
    # Without headers: the server does not know them (the ESP adds its own), so it says nothing.
    found, _ = findings(ADDRESS, UNSUBSCRIBE)
    assert found == []


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"List-Unsubscribe": "mailto:unsubscribe@acme-home.com"}, "angle brackets"),
        ({"List-Unsubscribe": "<mailto:unsubscribe@acme-home.com>"}, "no https"),
        ({"List-Unsubscribe": "<https://www.acme-home.com/u/1>"}, "One-Click is missing"),
        ({"list-unsubscribe": "<https://www.acme-home.com/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}, None),
        (ONE_CLICK, None),
    ],
)
def test_list_unsubscribe_judgement(headers, problem):
    found = list_unsubscribe_problem(headers, "https://unsubscribe.invalid/{recipient_id}")
    assert (found is None) if problem is None else (problem in found)


def test_list_unsubscribe_not_one_click_bad_and_good():
    found, _ = findings(ADDRESS, UNSUBSCRIBE, headers={"List-Unsubscribe": "<mailto:unsubscribe@acme-home.com>"})
    assert codes_of(found) == ["CMP005"]
    assert str(found[0].severity) == "warn"
    found, _ = findings(ADDRESS, UNSUBSCRIBE, headers=ONE_CLICK)
    assert found == []


# -- consent and transactional email ------------------------------------------------------------


def test_no_marketing_consent_bad_and_good():
    withdrawn = recipient("r9", preferences={"marketing_consent": False})
    found, _ = findings(ADDRESS, UNSUBSCRIBE, recipients=[recipient("r1"), withdrawn, recipient("r3", preferences={"marketing_consent": True})])
    (consent,) = found
    assert (consent.code, consent.recipient_id, consent.part) == ("CMP006", "r9", "data")
    assert consent.evidence.data == ["preferences.marketing_consent: false"]


def test_transactional_email_is_exempt():
    withdrawn = recipient("r9", preferences={"marketing_consent": False})
    found, _ = findings("<mj-text>Your order has shipped.</mj-text>", recipients=[withdrawn], transactional=True, headers={"Reply-To": "x@acme-home.com"})
    assert found == []
    found, _ = findings("<mj-text>Your order has shipped.</mj-text>", recipients=[withdrawn])
    assert codes_of(found) == ["CMP001", "CMP003", "CMP006"]


def test_clean_campaign_has_no_compliance_findings(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient("r1"), recipient("r2", first_name="Bo"), recipient("r3", first_name=None)])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_compliance(corpus):
    """Design templates are not ready to send: most lack an unsubscribe link and an address."""
    by_template = {}
    for path in corpus:
        by_template[path.name] = codes_of(family_findings(corpus_run(path)[1], FAMILY, "CMP"))
    # Templates with a real footer (address and unsubscribe) pass.
    assert by_template["austin.mjml"] == [] and by_template["ugg-royale.mjml"] == [] and by_template["arturia.mjml"] == []
    # "Unsubscribe" linked to "#" is a broken opt-out, not a missing one.
    assert by_template["card.mjml"] == ["CMP002"]
    assert by_template["real-estate.mjml"] == ["CMP002", "CMP003"]
    assert by_template["basic.mjml"] == ["CMP001", "CMP003"]
    assert sum(1 for c in by_template.values() if "CMP001" in c) >= 15
