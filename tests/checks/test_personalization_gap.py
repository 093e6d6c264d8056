"""The ``personalization-gap`` family: every check on bad and good samples, odd real names,
guarded templates, the clean campaign and the corpus."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from preview.checks import personalization_gap as pzg
from preview.checks.greetings import find_greetings
from preview.checks.merge_tags import compile_vocabulary
from preview.checks.registry import CheckSettings, Registry
from preview.checks.rules import Rules
from tests.checks.corpus_runs import corpus_run
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "personalization-gap"
VOCAB = compile_vocabulary(Rules().entries("merge_tags"))


def findings(body: str, recipients=None, registry=None, **front):
    """The family's findings of a campaign over ``recipients`` (two ordinary ones by default)."""
    report, results = run_checks(make(body, **front), recipients or [recipient("r1"), recipient("r2")], registry)
    return [f for f in report.findings if f.family == FAMILY]


def only(found, code):
    return [f for f in found if f.code == code]


def text_block(*lines: str) -> str:
    return mjml(*(f"<mj-text>{line}</mj-text>" for line in lines))


ODD_NAMES = [
    recipient("obrien", first_name="Siobhán", last_name="O'Brien"),
    recipient("zoe", first_name="Zoë", last_name="Ñúñez-García"),
    recipient("li", first_name="李", last_name="小龙"),
    recipient("null", first_name="Ana", last_name="Null"),  # a real surname: title case passes
    recipient("nan", first_name="Nan", last_name="Goldin"),  # a real given name, not NaN
    recipient("mc", first_name="Mary-Jane", last_name="McDonald"),
    recipient("none", first_name="Noné", last_name="Smith"),
]


# -- PZG001 unrendered merge tags -----------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "syntax"),
    [
        ("{{ first_name }}", "{{ }}"),
        ("{{contact.firstname}}", "{{ }}"),
        ("{% if vip %}", "{% %}"),
        ("*|FNAME|*", "*|FNAME|*"),
        ("*|IF:FNAME|*", "*|FNAME|*"),
        ("%%FirstName%%", "%%name%%"),
        ("%%=v(@name)=%%", "%%name%%"),
        ("[FIRST_NAME]", "[FIRST_NAME]"),
        ("[first_name]", "[FIRST_NAME]"),
        ("[FNAME]", "[FIRST_NAME]"),
        ("[firstname,fallback=there]", "[FIRST_NAME]"),
        ("[[FIRSTNAME]]", "[[name]]"),
        ("{contactfield=firstname}", "{contactfield=…}"),
        ("::first_name::", "::field::"),
        ("${firstName}", "${…}"),
        ("&lt;&lt;FIRST_NAME&gt;&gt;", "<<…>>"),
        ("&lt;&lt;First Name&gt;&gt;", "<<…>>"),
        ("%FIRSTNAME%", "%NAME%"),
        ("$first_name$", "$name$"),
        ("@FIRSTNAME@", "@FIRSTNAME@"),
        ("{first_name}", "{first_name}"),
        ("{0}", "{first_name}"),
    ],
)
def test_every_tag_syntax_is_found_in_the_body_once_for_the_template(tag, syntax):
    # {% raw %} keeps Jinja's own syntax as text, as an ESP's template pasted in would be.
    found = only(findings(text_block(f"{{% raw %}}Your picks, {tag}, are here{{% endraw %}}")), "PZG001")
    shown = tag.replace("&lt;", "<").replace("&gt;", ">")
    assert [(f.evidence.text, f.args["syntax"], f.recipient_id) for f in found] == [(shown, syntax, None)]


@pytest.mark.parametrize(
    "copy",
    [
        "See the terms [1] and [2].",
        "[Read more] about our winter range",
        "[SALE] 50% off throws, [NEW] ceramics, [VIDEO] inside",
        "Prices &lt;&lt; lower than ever &gt;&gt; this week",
        "&lt;&lt; Back to the shop",
        "Save 20% on everything, or 30% on two",
        "Write to help@acme-home.com or @acmehome on Instagram",
        "A $5 voucher for $25 spent",
        "C++ tip: std::vector is not our business",
        "Ratio 3:2, time 10:30, scores 2::1",
        "Use code {WINTER} at checkout",
    ],
)
def test_prose_that_looks_like_a_tag_is_not_one(copy):
    assert only(findings(text_block(copy)), "PZG001") == []


def test_tags_are_found_in_every_part_and_attribute():
    body = mjml(
        '<mj-text>Hi there, <a href="https://www.acme-home.com/?n=%7B%7Bfirst_name%7D%7D">see your picks</a></mj-text>',
        '<mj-image src="https://cdn.acme-home.com/*|FNAME|*.png" alt="A throw for [FIRST_NAME]" width="100px" height="100px" />',
        head="<mj-preview>Picks for %%FirstName%%</mj-preview>",
    )
    found = only(findings(body, subject="{% raw %}{{ first_name }}{% endraw %}, your picks",
                          preheader="Hand-picked for *|FNAME|*", from_name="::sender_name::",
                          text="{% raw %}Hi {{first_name}}{% endraw %}"), "PZG001")
    where = {(f.part, f.args["where"], f.evidence.text) for f in found}
    assert where == {
        ("subject", "subject", "{{ first_name }}"),
        ("preheader", "preheader", "*|FNAME|*"),
        ("from_name", "sender name", "::sender_name::"),
        ("text", "plain-text part", "{{first_name}}"),
        ("html", "preview text", "%%FirstName%%"),
        ("html", "link https://www.acme-home.com/?n=%7B%7Bfirst_name%7D%7D", "{{first_name}}"),
        ("html", "image alt text", "[FIRST_NAME]"),
        ("html", "image https://cdn.acme-home.com/*|FNAME|*.png", "*|FNAME|*"),
    }
    assert all(f.recipient_id is None for f in found)


def test_a_tag_from_the_data_is_reported_for_that_recipient_with_the_field():
    body = text_block("Hi {{ recipient.first_name }},")
    found = only(findings(body, [recipient("r1", first_name="*|FNAME|*"), recipient("r2")],
                          subject="{{ recipient.first_name }}, your picks"), "PZG001")
    assert {(f.recipient_id, f.part, f.evidence.text) for f in found} == {("r1", "html", "*|FNAME|*"), ("r1", "subject", "*|FNAME|*")}
    assert all("first_name: '*|FNAME|*'" in f.evidence.data for f in found)
    html = next(f for f in found if f.part == "html")
    assert (html.evidence.start, html.evidence.end) == (3, 12)


def test_a_tag_in_a_link_from_the_data_is_per_recipient():
    body = mjml('<mj-button href="{{ recipient.attributes.url }}">Your picks</mj-button>')
    recipients = [recipient("r1", attributes={"url": "https://www.acme-home.com/u/{{ id }}"}),
                  recipient("r2", attributes={"url": "https://www.acme-home.com/u/2"})]
    found = only(findings(body, recipients), "PZG001")
    assert [(f.recipient_id, f.evidence.text) for f in found] == [("r1", "{{ id }}")]


def test_a_tag_written_in_a_personalised_link_is_one_template_finding():
    body = mjml('<mj-button href="https://www.acme-home.com/u/{{ recipient.id }}?n=*|FNAME|*">Your picks</mj-button>')
    found = only(findings(body, [recipient(f"r{i}") for i in range(4)]), "PZG001")
    assert [(f.recipient_id, f.evidence.text, f.args["where"]) for f in found] == [
        (None, "*|FNAME|*", "link https://www.acme-home.com/u/?n=*|FNAME|*")]


def test_a_tag_from_the_data_after_a_template_tag_in_one_link_names_the_recipients_link():
    body = mjml('<mj-button href="https://www.acme-home.com/u/?n=*|FNAME|*&c={{ recipient.attributes.code }}">'
                "Your picks</mj-button>")
    found = only(findings(body, [recipient("r1", attributes={"code": "[[CODE]]"})]), "PZG001")
    assert [(f.recipient_id, f.evidence.text, f.args["where"]) for f in found] == [
        (None, "*|FNAME|*", "link https://www.acme-home.com/u/?n=*|FNAME|*&c="),
        ("r1", "[[CODE]]", "link https://www.acme-home.com/u/?n=*|FNAME|*&c=[[CODE]]")]


def test_tags_the_esp_fills_at_send_time_can_be_allowed():
    body = text_block("{% raw %}Hi *|FNAME|*, *|LIST:ADDRESS|*{% endraw %}")
    registry = Registry(CheckSettings.from_mapping(options={"allowed_merge_tags": ["*|LIST:ADDRESS|*"]}), entry_points=False)
    found = only(findings(body, registry=registry), "PZG001")
    assert [f.evidence.text for f in found] == ["*|FNAME|*"]


# -- PZG002 null values ---------------------------------------------------------------------


@pytest.mark.parametrize("word", ["None", "null", "NULL", "undefined", "NaN", "[object Object]"])
def test_a_null_value_from_the_data_is_found_in_greeting_and_subject(word):
    body = text_block("Hi {{ recipient.first_name }},", "Your winter picks are ready.")
    found = only(findings(body, [recipient("r1", first_name=word), recipient("r2")],
                          subject="{{ recipient.first_name }}, your winter picks"), "PZG002")
    assert {(f.recipient_id, f.part, f.evidence.text) for f in found} == {("r1", "html", word), ("r1", "subject", word)}
    assert all(f"first_name: {word!r}" in f.evidence.data for f in found)


def test_a_null_value_anywhere_from_the_data_is_found():
    body = text_block("Your order ships to {{ recipient.attributes.city }} on Monday.")
    found = only(findings(body, [recipient("r1", attributes={"city": "undefined"})]), "PZG002")
    assert [(f.evidence.text, f.args["where"]) for f in found] == [("undefined", "email body, from the data")]


def test_user_null_in_a_static_greeting_and_object_object_anywhere():
    found = only(findings(text_block("Dear User null,", "Your code: [object Object]")), "PZG002")
    assert {f.evidence.text for f in found} == {"null", "[object Object]"}
    assert all(f.recipient_id is None for f in found)


def test_null_words_in_prose_are_copy_not_values():
    body = text_block("Hi {{ recipient.first_name }},", "None of the fuss: the old contract is null and void.",
                      "Undefined potential, NaN-free maths.")
    assert only(findings(body, subject="None of the fuss this winter"), "PZG002") == []


def test_odd_but_real_names_are_not_null_values():
    body = text_block("Hi {{ recipient.first_name }} {{ recipient.last_name }},")
    found = findings(body, ODD_NAMES, subject="{{ recipient.first_name }}, your winter picks")
    assert found == []


def test_values_baked_into_the_layout_are_still_told_from_the_copy():
    # A value with an edge space cannot be filled into a shared layout, so the renderer compiles
    # it into this recipient's own; the copy around it must still count as template text.
    body = text_block("Hi {{ recipient.first_name }},", "The old contract is null and void.",
                      "Ships to: {{ recipient.attributes.city }}")
    found = only(findings(body, [recipient("r1", first_name=" null", attributes={"city": " undefined"})]), "PZG002")
    assert {(f.evidence.text, f.args["where"]) for f in found} == {
        ("null", "greeting of the email body"), ("undefined", "email body, from the data")}
    assert all(f.recipient_id == "r1" for f in found)


# -- PZG003 empty greetings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("greeting", "subject"),
    [
        ("Hi {{ recipient.first_name }},", "{{ recipient.first_name }}, your picks"),
        ("Dear {{ recipient.first_name }} ,", "Your picks, {{ recipient.first_name }}!"),
        ("Hello {{ recipient.first_name }}!", "Hi {{ recipient.first_name }}, your picks"),
        ("Hi {{ recipient.first_name }}, welcome back", "Your picks are in, {{ recipient.first_name }}"),
        ("Dear Mr. {{ recipient.last_name }},", "Hello, {{ recipient.first_name }}!"),
    ],
)
def test_an_empty_greeting_names_the_empty_field(greeting, subject):
    found = only(findings(text_block(greeting, "Our winter picks are here."),
                          [recipient("r1", first_name=None, last_name=None), recipient("r2")], subject=subject), "PZG003")
    assert {(f.recipient_id, f.part) for f in found} == {("r1", "html"), ("r1", "subject")}
    for f in found:
        assert any(line.endswith(": null") for line in f.evidence.data)
        assert "rendered as nothing" in f.message


def test_an_empty_greeting_in_the_plain_text_part():
    found = only(findings(text_block("Hello there,"), [recipient("r1", first_name=None)],
                          text="Dear {{ recipient.first_name }},\nOur winter picks are here."), "PZG003")
    assert [(f.part, f.evidence.text) for f in found] == [("text", "Dear ,")]


def test_a_blank_string_name_is_also_an_empty_greeting():
    found = only(findings(text_block("Hi {{ recipient.first_name }},"), [recipient("r1", first_name="  ")]), "PZG003")
    assert len(found) == 1 and found[0].evidence.data == ["first_name: '  '"]


@pytest.mark.parametrize(
    "greeting",
    ["Hi,", "Hello!", "Hello, the winter collection is here", "Hi there,", "Dear customer,", "Hello", "Greetings from Acme!"],
)
def test_a_greeting_without_a_name_is_not_empty(greeting):
    assert only(findings(text_block(greeting), subject=greeting), "PZG003") == []


def test_french_spacing_before_an_exclamation_mark_is_not_an_empty_greeting():
    body = mjml("<mj-text>Bonjour !</mj-text>", "<mj-text>Hi !</mj-text>", lang="fr")
    assert only(findings(body), "PZG003") == []
    assert len(only(findings(mjml("<mj-text>Hi !</mj-text>")), "PZG003")) == 2  # one per recipient


def test_guarded_greetings_are_never_empty():
    body = text_block("{% if recipient.first_name %}Hi {{ recipient.first_name }},{% else %}Hi there,{% endif %}",
                      "Hello {{ recipient.first_name | default('friend', true) }}!")
    found = findings(body, [recipient("r1", first_name=None), recipient("r2", first_name="")],
                     subject="{{ recipient.first_name or 'Hello' }}, your picks")
    assert found == []


# -- PZG004 missing variables ---------------------------------------------------------------


def test_a_missing_or_null_variable_is_named_with_its_part():
    body = text_block("Your {{ recipient.attributes.tier }} benefits", "Dear {{ recipient.first_name }}")
    found = only(findings(body, [recipient("r1", first_name=None), recipient("r2", first_name="Bo", attributes={"tier": "gold"})],
                          subject="{{ recipient.attributes.tier }} member news"), "PZG004")
    got = {(f.recipient_id, f.part, f.args["variable"], f.args["how"]) for f in found}
    assert got == {
        ("r1", "html", "recipient.attributes.tier", "missing"),
        ("r1", "html", "recipient.first_name", "null"),
        ("r1", "subject", "recipient.attributes.tier", "missing"),
    }
    assert next(f for f in found if f.args["how"] == "null").evidence.data == ["first_name: null"]


def test_a_guarded_variable_is_not_reported():
    body = text_block("{% if recipient.attributes.tier %}Your {{ recipient.attributes.tier }} benefits{% endif %}",
                      "{{ recipient.attributes.nickname | default('Hello') }}",
                      "{% for item in recipient.recommendations %}{{ item.name }}{% endfor %}")
    assert only(findings(body, [recipient("r1")]), "PZG004") == []


def test_a_missing_item_field_inside_a_loop_is_reported():
    body = text_block("{% for item in recipient.recommendations %}{{ item.name }} {{ item.price }}{% endfor %}")
    recipients = [recipient("r1", recommendations=[{"sku": "A1", "name": "Throw"}])]
    found = only(findings(body, recipients), "PZG004")
    assert [f.args["variable"] for f in found] == ["recipient.recommendations[0].price"]


# -- PZG006 hard-coded name, PZG007 field name as name ---------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [("Hi Michael,", "Michael"), ("Dear Dr. Okafor,", "Okafor"), ("Hello Sarah Connor!", "Sarah Connor"),
     ("👋 Hey Zoë - welcome back", "Zoë"), ("Hi, Michael!", "Michael")],
)
def test_a_name_typed_into_a_static_greeting_is_reported_once(line, name):
    found = only(findings(text_block(line)), "PZG006")
    assert [(f.args["name"], f.recipient_id, str(f.severity)) for f in found] == [(name, None, "warn")]


@pytest.mark.parametrize(
    "line",
    ["Hi there,", "Hello Sunshine!", "Dear Valued Customer,", "Hi Acme Home Insiders!", "Welcome to Acme Home!",
     "Hello Kitty backpacks are back", "Hey Coffee Lovers,", "Hello Winter!", "Good morning, everyone!",
     "Hi {{ recipient.first_name }},"],
)
def test_generic_greetings_and_personalised_ones_are_not_hard_coded(line):
    assert only(findings(text_block(line), [recipient("r1", first_name="Michael")], from_name="Acme Home"), "PZG006") == []


def test_a_real_name_as_the_fallback_of_a_name_field_is_reported_with_its_line():
    body = text_block("Hi {{ recipient.first_name | default('Michael', true) }},")
    found = only(findings(body, subject="{{ recipient.first_name or \"Sarah\" }}, your picks"), "PZG006")
    got = {(f.part, f.args["name"], f.evidence.line, f.recipient_id) for f in found}
    assert got == {("html", "Michael", 5, None), ("subject", "Sarah", 2, None)}  # the file: ---, subject, ---, <mjml>, <mj-text>


@pytest.mark.parametrize("fallback", ["there", "Hello", "friend", "Valued Customer", "Acme Home fan"])
def test_a_generic_fallback_is_fine(fallback):
    body = text_block(f"Hi {{{{ recipient.first_name | default('{fallback}', true) }}}},")
    assert only(findings(body, from_name="Acme Home"), "PZG006") == []


@pytest.mark.parametrize("slot", ["FNAME", "FIRST_NAME", "first_name", "firstName", "contact.firstname", "First Name", "Customer Name"])
def test_a_field_name_in_the_greeting_is_reported(slot):
    found = only(findings(text_block(f"Hi {slot},")), "PZG007")
    assert [f.args["slot"] for f in found] == [slot]


def test_a_field_name_from_the_data_is_per_recipient():
    body = text_block("Hi {{ recipient.first_name }},")
    found = only(findings(body, [recipient("r1", first_name="FNAME"), recipient("r2", first_name="ANA")],
                          subject="{{ recipient.first_name }}, your picks"), "PZG007")
    assert {(f.recipient_id, f.part) for f in found} == {("r1", "html"), ("r1", "subject")}


# -- PZG005 shared name ----------------------------------------------------------------------

NAMES = ["Ana", "Bo", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena"]


def people(n: int, **fields):
    return [recipient(f"r{i}", first_name=NAMES[i % len(NAMES)], **fields) for i in range(n)]


def test_one_name_shown_to_most_recipients_is_reported_once_for_the_run():
    body = text_block("Hi Michael,", "Your winter picks are here.")
    found = only(findings(body, people(10)), "PZG005")
    assert len(found) == 1
    f = found[0]
    assert (f.args["name"], f.args["shown"], f.args["total"], f.recipient_id) == ("Michael", 10, 10, None)
    assert f.evidence.data[0] == "r0: first_name 'Ana'" and len(f.evidence.data) == 5


def test_a_name_field_holding_one_value_for_most_is_reported():
    body = text_block("Hi {{ recipient.attributes.display_name }},")
    recipients = people(12, attributes={"display_name": "Michael"})
    recipients[0]["attributes"] = {"display_name": "Ana"}
    found = only(findings(body, recipients, subject="{{ recipient.attributes.display_name }}, your picks"), "PZG005")
    assert [(f.args["name"], f.args["shown"], f.args["total"]) for f in found] == [("Michael", 11, 12)]


def test_a_fallback_that_is_a_real_name_is_caught_when_most_lack_names():
    body = text_block("Hi {{ recipient.first_name | default('Michael', true) }},")
    recipients = people(4) + [recipient(f"x{i}", first_name=None) for i in range(8)]
    found = only(findings(body, recipients), "PZG005")
    assert [(f.args["name"], f.args["shown"]) for f in found] == [("Michael", 8)]


@pytest.mark.parametrize(("nameless", "fires"), [(10, True), (9, False)])
def test_a_fallback_name_reaching_everyone_without_a_name_is_reported(nameless, fires):
    # Only a third of the run lacks a first name, but every one of them is called Michael.
    body = text_block("Hi {{ recipient.first_name | default('Michael', true) }},")
    recipients = people(20) + [recipient(f"x{i}", first_name=None) for i in range(nameless)]
    found = only(findings(body, recipients), "PZG005")
    assert [(f.args["name"], f.args["shown"], f.args["wrong"]) for f in found] == (
        [("Michael", nameless, nameless)] if fires else [])


def test_shared_name_needs_enough_recipients_and_a_majority():
    body = text_block("Hi Michael,")
    assert only(findings(body, people(9)), "PZG005") == []  # too few to judge
    mixed = text_block("{% if recipient.id in ['r0','r1','r2','r3','r4'] %}Hi Michael,{% else %}Hi {{ recipient.first_name }},{% endif %}")
    assert only(findings(mixed, people(10)), "PZG005") == []  # half is not more than half


def test_shared_name_passes_when_everyone_is_greeted_by_their_own_name_or_a_generic_word():
    body = text_block("Hi {{ recipient.first_name | default('there', true) }},")
    recipients = [recipient(f"r{i}", first_name="Ana") for i in range(12)] + [recipient(f"n{i}", first_name=None) for i in range(12)]
    assert only(findings(body, recipients), "PZG005") == []


def test_seeds_do_not_count_towards_a_shared_name():
    body = text_block("Hi {{ recipient.attributes.display_name }},")
    recipients = people(10, is_seed=True, attributes={"display_name": "Michael"}) + people(3)
    assert only(findings(body, recipients), "PZG005") == []


def test_the_shared_name_threshold_is_an_option():
    settings = CheckSettings.from_mapping(options={"shared_name_min_recipients": 3, "shared_name_share": 0.6})
    body = text_block("Hi Michael,")
    assert len(only(findings(body, people(3), registry=Registry(settings, entry_points=False)), "PZG005")) == 1


def test_shared_name_memory_is_bounded():
    check = pzg.shared_name
    state = {"total": 0, "counts": {}, "info": {}}
    for i in range(5000):
        check._count(state, f"name{i}", f"Name{i}", "html", {"id": str(i)})
    for _ in range(3000):
        check._count(state, "michael", "Michael", "html", {"id": "m"})
    assert len(state["counts"]) <= check._CAPACITY
    assert state["counts"]["michael"] > 1000  # a heavy hitter survives the summary


# -- greeting parsing and the clean campaign ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slot", "empty"),
    [
        ("Hi ,", "", True),
        ("Hi , welcome back", "", True),
        ("Hello !", "", True),
        ("Hello, !", "", True),
        ("Dear Mr. ,", "", True),
        ("Hello,", "", False),
        ("Hi", "", False),
        ("Hi Ana Lima, welcome", "Ana Lima", False),
        ("Welcome back, Ana!", "Ana", False),
        ("Dear Dr. Okafor,", "Okafor", False),
        ("Hi-Fi week starts now", "-Fi week starts now", False),
    ],
)
def test_greeting_slots(text, slot, empty):
    found = [g for g in find_greetings(text, "html", VOCAB) if g.kind == "greeting"]
    assert [(g.slot, g.empty) for g in found] == [(slot, empty)]
    assert text[found[0].slot_start : found[0].slot_end] == slot


def test_vocatives_of_a_subject():
    kinds = {(g.kind, g.slot, g.empty) for g in find_greetings("Your picks, !", "subject", VOCAB)}
    assert ("trailing", "", True) in kinds
    assert {(g.kind, g.empty) for g in find_greetings(", your picks", "subject", VOCAB)} >= {("leading", True)}
    assert not any(g.empty for g in find_greetings("Hi Ana, your picks", "subject", VOCAB))


def test_clean_campaign_has_no_personalization_gap(clean_campaign):
    recipients = [recipient("r1"), recipient("r2", first_name=None), recipient("r3", first_name=""), *ODD_NAMES,
                  *people(12)]
    report, _ = run_checks(clean_campaign, recipients)
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_esp_tags_are_all_found_and_nothing_is_invented(corpus):
    # The real templates still carry their ESP's tags ([[FirstName]], {unsubscribe_text}); every
    # one of them must be reported, and every reported tag must be in the template.
    esp_tag = re.compile(r"\[\[[A-Za-z_]+\]\]|\{[a-z]+_[a-z_]+\}")
    for path in corpus:
        source, report, _ = corpus_run(path)
        tags = {f.evidence.text for f in report.findings if f.code == "PZG001"}
        assert set(esp_tag.findall(source)) <= tags, path.name
        assert all(t in source or t in unquote(source) for t in tags), (path.name, tags)


def test_corpus_hard_coded_greetings_are_the_real_ones(corpus):
    names = {}
    for path in corpus:
        for f in corpus_run(path)[1].findings:
            if f.code == "PZG006":
                names[path.name] = f.args["name"]
    # austin.mjml says "Hi Jane," and delivery.mjml "Hello John,"; no other template names anyone.
    assert names == {"austin.mjml": "Jane", "delivery.mjml": "John"}
