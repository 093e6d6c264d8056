"""The ``links`` family: every check on a bad and a good sample, the clean campaign, the corpus."""

from __future__ import annotations

import pytest

from preview.checks.hrefs import href_problem, same_site, shown_host
from tests.checks.corpus_runs import corpus_run, family_findings
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "links"


def findings(*inner: str, recipients=None, **front):
    """The links findings of a campaign made of ``inner`` MJML, over ``recipients``."""
    report, results = run_checks(make(mjml(*inner), **front), recipients or [recipient("r1"), recipient("r2")])
    return [f for f in report.findings if f.family == FAMILY], results


def link(href: str, text: str = "Shop the sale") -> str:
    return f'<mj-text><a href="{href}">{text}</a></mj-text>'


def only(found, code):
    return [f for f in found if f.code == code]


# -- the pure judgement of one href --------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "kind"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("#", "hash"),
        ("javascript:openOffer()", "script"),
        ("JavaScript:void(0)", "script"),
        ("data:text/html;base64,PGgxPg==", "script"),
        ("http://www.acme-home.com/", "http"),
        ("www.acme-home.com/winter", "malformed"),
        ("/winter", "malformed"),
        ("https://acme-home.comhttps://acme-home.com", "malformed"),
        ("https://acme home.com/", "malformed"),
        ("https://acme-home", "malformed"),
        ("https:/acme-home.com", "malformed"),
        ("htps://acme-home.com", "malformed"),
        ("https://acme-home.com:80a/", "malformed"),
        ("mailto:help@acme-home", "mailto"),
        ("mailto:", "mailto"),
        ("mailto:help@@acme-home.com", "mailto"),
        ("tel:1-800-ACME", "tel"),
        ("tel:", "tel"),
        ("tel:12", "tel"),
    ],
)
def test_bad_hrefs_are_judged(href, kind):
    assert href_problem(href)[0] == kind


@pytest.mark.parametrize(
    "href",
    [
        None,  # <a name="top"> is an anchor, not a link
        "https://www.acme-home.com/winter?utm_source=email&utm_medium=email",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "https://192.0.2.10/offer",
        "https://localhost:5000/x",  # a test host is test-content TST005's business
        "https://web.archive.org/web/2020/https://www.acme-home.com/",
        "https://www.facebook.com/sharer/sharer.php?u=https://www.acme-home.com",
        "mailto:help@acme-home.com?subject=Order%20question",
        "mailto:a@acme-home.com,b@acme-home.com",
        "tel:+1-800-555-0199",
        "tel:+44%2020%207946%200958",
        "#top",
        "itms-apps://apps.apple.com/app/id123",
        "*|ARCHIVE|*",  # an ESP merge tag: personalization-gap's business, not a URL
        "[[SHORT_PERMALINK]]",
    ],
)
def test_good_hrefs_pass(href):
    assert href_problem(href) is None


def test_link_text_hosts():
    assert shown_host("www.Acme-Home.com") == "www.acme-home.com"
    assert shown_host("https://acme-home.com/winter") == "acme-home.com"
    assert shown_host("index.html") is None  # a file name, not a domain
    assert shown_host("Shop the sale") is None
    assert same_site("www.acme-home.com", "acme-home.com")
    assert same_site("acme-home.com", "click.acme-home.com")
    assert not same_site("acme-home.com", "acme-home.com.evil.example")


# -- each check, bad and good --------------------------------------------------------------------


def test_empty_href_bad_and_good():
    found, _ = findings(link(""))
    assert [f.code for f in found] == ["LNK001"]
    assert found[0].recipient_id is None  # static markup: reported once, for the template
    assert found[0].evidence.text == '<a href="">Shop the sale</a>'
    found, _ = findings(link("https://www.acme-home.com/sale"))
    assert not only(found, "LNK001")


def test_href_emptied_by_missing_data_stays_with_the_recipient():
    body = link("{{ recipient.attributes.offer_url }}")
    recipients = [recipient("r1"), recipient("r2", attributes={"offer_url": "https://www.acme-home.com/o/2"}), recipient("r3", attributes={"offer_url": ""})]
    found, _ = findings(body, recipients=recipients)
    empty = only(found, "LNK001")
    assert [f.recipient_id for f in empty] == ["r1", "r3"]


def test_hash_href_bad_and_good():
    found, results = findings(link("#", "Reserve"), link("#", "Reserve"))
    assert [f.code for f in found] == ["LNK002"]
    assert found[0].message == 'Link "Reserve" points to "#", which goes nowhere'
    # One shared finding, listed once per recipient even when the link repeats.
    assert len([f for f in results[0].findings if f.code == "LNK002"]) == 1
    found, _ = findings(link("https://tickets.example.org/expo", "Reserve"), link("#top", "Back to top"))
    assert not only(found, "LNK002")


def test_script_href_bad_and_good():
    found, _ = findings(link("javascript:openOffer()"))
    assert only(found, "LNK003") and only(found, "LNK003")[0].args["scheme"] == "javascript"
    found, _ = findings(link("https://www.acme-home.com/offer"))
    assert not only(found, "LNK003")


def test_plain_http_bad_and_good_grouped_by_address():
    found, _ = findings(link("http://www.acme-home.com/", "Home"), link("http://www.acme-home.com/", "Shop"), link("http://www.acme-home.com/men", "Men"))
    http = only(found, "LNK004")
    assert len(http) == 2
    assert "and 1 more links" in http[0].message
    found, _ = findings(link("https://www.acme-home.com/"))
    assert not only(found, "LNK004")


def test_malformed_url_bad_and_good():
    found, _ = findings(link("https://mjml.iohttps://mjml.io", "home"), link("www.acme-home.com", "Shop"))
    details = sorted(f.args["detail"] for f in only(found, "LNK005"))
    assert details == ["no scheme (http/https), so it points nowhere from an inbox", "two addresses run together"]
    found, _ = findings(link("https://www.acme-home.com/winter"))
    assert not only(found, "LNK005")


def test_malformed_url_names_the_campaign_line():
    found, _ = findings(link("https://www.acme-home.com/ok"), link("www.acme-home.com/broken"))
    (bad,) = only(found, "LNK005")
    campaign = make(mjml(link("https://www.acme-home.com/ok"), link("www.acme-home.com/broken")))
    assert campaign.source.split("\n")[bad.evidence.line - 1].count("www.acme-home.com/broken") == 1


def test_mailto_bad_and_good():
    found, _ = findings(link("mailto:help@acme-home", "Write to us"))
    assert only(found, "LNK006")
    found, _ = findings(link("mailto:help@acme-home.com?subject=Hi", "Write to us"))
    assert not only(found, "LNK006")


def test_tel_bad_and_good():
    found, _ = findings(link("tel:1-800-ACME", "Call us"))
    assert only(found, "LNK007")
    found, _ = findings(link("tel:+1-800-555-0199", "Call us"))
    assert not only(found, "LNK007")


def test_text_url_mismatch_bad_and_good():
    found, _ = findings(link("https://promo.example-partner.com/x", "www.acme-home.com"))
    (mismatch,) = only(found, "LNK008")
    assert mismatch.args["shown"] == "www.acme-home.com" and mismatch.args["target"] == "promo.example-partner.com"
    found, _ = findings(link("https://shop.acme-home.com/winter", "www.acme-home.com"), link("https://www.acme-home.com", "Visit acme-home.com today"))
    assert not only(found, "LNK008")


def test_empty_personalized_parameter_bad_and_good():
    body = link("https://www.acme-home.com/offer?uid={{ recipient.attributes.loyalty_id }}&ref=email&src=")
    with_id = recipient("r2", attributes={"loyalty_id": "L-77"})
    found, _ = findings(body, recipients=[recipient("r1"), with_id])
    (gap,) = only(found, "LNK009")
    assert gap.recipient_id == "r1"
    assert gap.args["param"] == "uid"
    assert "attributes.loyalty_id: missing" in gap.evidence.data
    # src= is empty in the template itself: not recipient data, not this check's business.
    assert all(f.args["param"] != "src" for f in only(found, "LNK009"))


def test_server_unsubscribe_url_is_valid_by_definition():
    # Its text may even show the brand's site: production puts the ESP's own link there.
    found, _ = findings('<mj-text><a href="{{ unsubscribe_url }}">www.acme-home.com</a></mj-text>')
    assert not found
    found, _ = findings('<mj-text><a href="https://unsubscribe.example.net/x">www.acme-home.com</a></mj-text>')
    assert only(found, "LNK008")


def test_dynamic_href_findings_are_per_recipient():
    body = link("{{ recipient.attributes.page }}")
    found, _ = findings(body, recipients=[recipient("r1", attributes={"page": "http://a.example/1"}), recipient("r2", attributes={"page": "http://a.example/2"})])
    assert sorted(f.recipient_id for f in only(found, "LNK004")) == ["r1", "r2"]


def test_clean_campaign_has_no_link_findings(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient("r1"), recipient("r2", first_name="Bo"), recipient("r3", first_name=None)])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_links(corpus):
    """All 25 real templates check without a crash; their known link faults are found."""
    by_template = {}
    for path in corpus:
        by_template[path.name] = family_findings(corpus_run(path)[1], FAMILY, "LNK")
    hashes = {name for name, found in by_template.items() if any(f.code == "LNK002" for f in found)}
    # Templates that ship with href="#" placeholders.
    assert {"alert.mjml", "basic.mjml", "card.mjml", "street-expo.mjml", "tech-geek.mjml"} <= hashes
    # MJML navbars with a base-url glued in front of full URLs.
    assert any(f.code == "LNK005" and "two addresses" in f.message for f in by_template["racoon.mjml"])
    assert any(f.code == "LNK001" for f in by_template["ugg-royale.mjml"])
    # No template is buried: at most a handful of link findings each.
    assert max(len(found) for found in by_template.values()) <= 10
    assert sum(1 for found in by_template.values() if not found) >= 10
