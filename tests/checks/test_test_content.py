"""The ``test-content`` family: every check on bad and good samples, seeds, data-driven test
records, every visible surface, the clean campaign and the corpus."""

from __future__ import annotations

import pytest

from preview.checks import copy_rules as tst
from preview.checks.rules import Rules
from tests.checks.corpus_runs import corpus_run
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "test-content"


def findings(body: str, recipients=None, **front):
    """The family's findings of a campaign over ``recipients`` (two ordinary ones by default)."""
    report, _ = run_checks(make(body, **front), recipients or [recipient("r1"), recipient("r2")])
    return [f for f in report.findings if f.family == FAMILY]


def only(found, code):
    return [f for f in found if f.code == code]


def text_block(*lines: str) -> str:
    return mjml(*(f"<mj-text>{line}</mj-text>" for line in lines))


PLAIN = text_block("Our winter collection is here.")


# -- TST001 test wording ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "found"),
    [
        ("Integration Test Email #1", "Integration Test Email"),
        ("Test email - please ignore", "Test email"),
        ("This is a test", "This is a test"),
        ("testing 1 2 3", "testing 1 2 3"),
        ("Test", "Test"),
        ("TEST", "TEST"),
        ("test 2", "test 2"),
        ("Testing!", "Testing!"),
        ("[TEST] Your winter picks", "[TEST]"),
        ("DRAFT: Your winter picks", "DRAFT:"),
        ("Winter picks (do not send)", "(do not send)"),
    ],
)
def test_test_wording_in_the_subject_is_reported_once_for_the_template(subject, found):
    result = only(findings(PLAIN, subject=subject), "TST001")
    assert [(f.part, f.recipient_id) for f in result] == [("subject", None)]
    assert result[0].args["found"] == found


@pytest.mark.parametrize(
    "subject",
    ["Taste test: our new winter coffees", "Test drive the new e-bike", "Tested by experts, loved by you",
     "Put your cooking to the test", "Test your knowledge of tea", "Contest: win a winter throw",
     "Our latest testimonials", "The stress-test of a winter coat", "A sample of our best sellers"],
)
def test_ordinary_uses_of_test_are_not_test_wording(subject):
    assert findings(PLAIN, subject=subject, preheader=subject) == []


def test_test_wording_in_every_surface():
    body = mjml(
        "<mj-text>This is a test of the new layout.</mj-text>",
        '<mj-image src="https://cdn.acme-home.com/a.png" alt="test" width="10px" height="10px" />',
        head="<mj-preview>Integration test, please ignore this email</mj-preview>",
    )
    found = only(findings(body, preheader="Test", from_name="QA", text="Hi,\nthis is only a test.\nAcme"), "TST001")
    where = {(f.part, f.args["where"], f.args["found"]) for f in found}
    assert where == {
        ("html", "email body", "This is a test"),
        ("html", "image alt text", "test"),
        ("html", "preview text", "Integration test"),
        ("html", "preview text", "please ignore this email"),
        ("preheader", "preheader", "Test"),
        ("from_name", "sender name", "QA"),
        ("text", "plain-text part", "this is only a test"),
    }


def test_a_sender_named_after_a_test_kitchen_is_fine():
    assert findings(PLAIN, from_name="America's Test Kitchen", subject="Winter stews") == []


# -- TST002 filler, TST003 placeholder people, TST004 editor's notes --------------------------


@pytest.mark.parametrize(
    ("copy", "found"),
    [
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "Lorem ipsum dolor sit amet, consectetur adipiscing elit"),
        ("Our story. Lorem ipsum.", "Lorem ipsum"),
        ("asdf", "asdf"),
        ("Your text here", "Your text here"),
        ("Headline goes here", "Headline goes here"),
    ],
)
def test_filler_is_reported(copy, found):
    assert [f.args["found"] for f in only(findings(text_block(copy)), "TST002")] == [found]


@pytest.mark.parametrize(
    "copy", ["Free samples in every order", "Text us on 555-0199", "Sample sale this weekend", "Blah? Never: bold."]
)
def test_copy_near_filler_words_is_not_filler(copy):
    assert findings(text_block(copy)) == []


@pytest.mark.parametrize(
    ("copy", "found"),
    [("Dear Mr Sample,", "Mr Sample"), ("Dear Mr. Sample,", "Mr. Sample"), ("Signed by John Doe", "John Doe"),
     ("Ship to: Jane Doe", "Jane Doe"), ("Max Mustermann, Musterstraße 1", "Max Mustermann")],
)
def test_placeholder_people_are_reported(copy, found):
    assert [f.args["found"] for f in only(findings(text_block(copy)), "TST003")] == [found]


@pytest.mark.parametrize("copy", ["Designed by John Doerr", "Jane Doeson recommends", "A sample for Mr Sampson"])
def test_real_names_near_placeholders_are_fine(copy):
    assert only(findings(text_block(copy)), "TST003") == []


@pytest.mark.parametrize(
    ("copy", "found"),
    [("TODO: add the price", "TODO"), ("Price: FIXME", "FIXME"), ("Only $XX.XX", "$XX.XX"), ("Save XX% now", "XX%"),
     ("Call XXX for details", "XXX"), ("Read [INSERT LINK] today", "[INSERT LINK]"), ("Love, [Your Name]", "[Your Name]"),
     ("Save &lt;insert discount&gt; today", "<insert discount>")],
)
def test_editor_notes_are_reported(copy, found):
    assert [f.args["found"] for f in only(findings(text_block(copy)), "TST004")] == [found]


@pytest.mark.parametrize(
    "copy",
    ["Your to-do list for the holidays", "Todo el catálogo con descuento", "Sizes XS to XXL and XXXL", "Date TBC",
     "[Read more] about it", "Box of 20 (xx-large)"],
)
def test_copy_that_looks_like_a_note_is_fine(copy):
    assert only(findings(text_block(copy)), "TST004") == []


# -- TST005 placeholder links ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("https://example.com/winter", "a placeholder domain"),
        ("https://www.example.org/winter", "a placeholder domain"),
        ("http://localhost:8000/winter", "a local or reserved test domain"),
        ("https://shop.acme.test/winter", "a local or reserved test domain"),
        ("http://127.0.0.1:5000/", "a local or private network address"),
        ("http://192.168.1.10/", "a local or private network address"),
        ("https://staging.acme-home.com/winter", "a test-environment host"),
        ("https://dev.acme-home.com/winter", "a test-environment host"),
        ("https://acme-home-staging.herokuapp.com/", "a test-environment host"),
        ("https://qa-www.acme-home.com/", "a test-environment host"),
        ("file:///C:/Users/ana/Desktop/winter.html", "a file on someone's computer"),
        ("mailto:help@example.com", "a placeholder domain"),
    ],
)
def test_placeholder_hosts(href, reason):
    assert tst.placeholder_host(href, tst.test_rules(_Ctx())) == reason
    found = only(findings(mjml(f'<mj-button href="{href}">Shop winter</mj-button>')), "TST005")
    assert [(f.evidence.text, f.recipient_id, f.args["where"]) for f in found] == [(href, None, "link 'Shop winter'")]


@pytest.mark.parametrize(
    "href",
    ["https://www.acme-home.com/winter", "https://dev.to/acme", "https://developer.apple.com/", "https://devices.acme-home.com/",
     "https://unsubscribe.invalid/r1", "https://8.8.8.8/", "https://latest.acme-home.com/", "mailto:help@acme-home.com", "#top"],
)
def test_real_hosts_are_fine(href):
    assert tst.placeholder_host(href, tst.test_rules(_Ctx())) is None
    assert only(findings(mjml(f'<mj-button href="{href}">Shop winter</mj-button>')), "TST005") == []


def test_placeholder_images_and_addresses_in_the_text():
    body = mjml(
        '<mj-image src="https://via.placeholder.com/600x300" alt="Winter throws" width="600px" height="300px" />',
        "<mj-text>Questions? Write to help@example.com or see localhost:3000/faq</mj-text>",
    )
    found = only(findings(body), "TST005")
    assert {(f.args["where"], f.evidence.text) for f in found} == {
        ("image address", "https://via.placeholder.com/600x300"),
        ("email body", "example.com"),
        ("email body", "localhost:3000"),
    }


def test_a_placeholder_host_written_in_a_personalised_link_is_one_template_finding():
    body = mjml('<mj-button href="https://staging.acme-home.com/u/{{ recipient.id }}">Your picks</mj-button>')
    found = only(findings(body, [recipient(f"r{i}") for i in range(4)]), "TST005")
    assert [(f.recipient_id, f.evidence.text) for f in found] == [(None, "https://staging.acme-home.com/u/")]


def test_a_link_from_the_data_is_reported_for_that_recipient():
    body = mjml('<mj-button href="{{ recipient.attributes.store_url }}">Your store</mj-button>')
    recipients = [recipient("r1", attributes={"store_url": "https://staging.acme-home.com/s/1"}),
                  recipient("r2", attributes={"store_url": "https://www.acme-home.com/s/2"})]
    found = only(findings(body, recipients), "TST005")
    assert [(f.recipient_id, f.evidence.text) for f in found] == [("r1", "https://staging.acme-home.com/s/1")]


# -- seeds and data-driven test records ------------------------------------------------------


def test_seeds_may_get_test_content():
    body = text_block("Lorem ipsum", "TODO", "Hi {{ recipient.first_name }} {{ recipient.last_name }}")
    seeds = [recipient("s1", is_seed=True, first_name="John", last_name="Doe"), recipient("s2", is_seed=True)]
    assert findings(body, seeds, subject="Test") == []


def test_a_test_record_in_the_audience_is_reported_for_that_recipient_only():
    body = text_block("Hi {{ recipient.first_name }} {{ recipient.last_name }},", "Our winter collection is here.")
    recipients = [recipient("r1", first_name="John", last_name="Doe"), recipient("r2"),
                  recipient("s1", is_seed=True, first_name="John", last_name="Doe"),
                  recipient("r3", first_name="Test", last_name="User")]
    found = findings(body, recipients)
    got = {(f.code, f.recipient_id, f.args["found"]) for f in found}
    assert got == {("TST003", "r1", "John Doe"), ("TST001", "r3", "Hi Test User")}
    doe = next(f for f in found if f.recipient_id == "r1")
    assert "first_name: 'John'" in doe.evidence.data and "last_name: 'Doe'" in doe.evidence.data


def test_copy_next_to_a_value_baked_into_the_layout_stays_template_text():
    # An edge space keeps a value out of the shared layout; the filler beside it is still the template's.
    body = text_block("Hi {{ recipient.first_name }}, lorem ipsum dolor sit amet.")
    found = findings(body, [recipient("r1", first_name=" Ana"), recipient("r2", first_name=" Jane Doe")])
    assert {(f.code, f.recipient_id, f.args["found"]) for f in found} == {
        ("TST002", None, "lorem ipsum dolor sit amet"), ("TST003", "r2", "Jane Doe")}


def test_a_placeholder_link_beside_a_baked_in_value_stays_template_level():
    body = mjml("<mj-text>Hi {{ recipient.first_name }},</mj-text>",
                '<mj-button href="https://example.com/winter">Shop winter</mj-button>')
    found = only(findings(body, [recipient("r1", first_name=" Ana"), recipient("r2")]), "TST005")
    assert [(f.recipient_id, f.evidence.text) for f in found] == [(None, "https://example.com/winter")]


def test_template_copy_reaches_the_report_once_however_many_recipients():
    found = findings(text_block("Lorem ipsum"), [recipient(f"r{i}") for i in range(5)])
    assert [(f.code, f.recipient_id) for f in found] == [("TST002", None)]


def test_static_lines_of_the_text_part_are_remembered_but_values_are_not():
    campaign = make(PLAIN, text="Hi {{ recipient.first_name }},\nOur winter collection.\nAcme")
    report, results = run_checks(campaign, [recipient("r1"), recipient("r2", first_name="Jane Doe"), recipient("r3")])
    assert [(f.code, f.recipient_id, f.part) for f in report.findings if f.family == FAMILY] == [("TST003", "r2", "text")]


# -- the clean campaign and the corpus -------------------------------------------------------


def test_clean_campaign_has_no_test_content(clean_campaign):
    recipients = [recipient("r1"), recipient("r2", first_name=None), recipient("r3", first_name="Zoë", last_name="O'Brien"),
                  recipient("r4", first_name="Tess", last_name="Tester-Smith")]
    report, _ = run_checks(clean_campaign, recipients)
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_lorem_ipsum_is_found_where_the_templates_hold_it(corpus):
    markers = ("lorem", "perspiciatis", "consectetur", "dolor")
    for path in corpus:
        source, report, results = corpus_run(path)
        filler = [f for f in report.findings if f.code == "TST002"]
        # Every template that quotes one of the standard passages is caught, and no other.
        assert bool(filler) == any(w in source.lower() for w in markers[:3]), path.name
        body = results[0].message.body_text
        for f in filler:  # the evidence is the filler as the reader sees it, at its place
            assert body[f.evidence.start : f.evidence.end] == f.evidence.text, path.name
            assert any(w in f.evidence.text.lower() for w in markers), (path.name, f.evidence.text)


class _Ctx:
    """The little of a check context :func:`test_rules` reads."""

    rules = Rules()
    cache: dict = {}
