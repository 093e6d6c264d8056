"""preview/checks/scanning.py: phrase hits that share a layout's template text find exactly what a
scan of each recipient's whole text finds."""

from __future__ import annotations

import importlib.util
import re
from functools import cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from preview.checks import scanning
from preview.checks.registry import Registry
from preview.checks.rules import PhraseSet
from preview.checks.scanning import _RUN, _STATIC, hits, split
from preview.contract.campaigns import load_campaign
from preview.rendering import CampaignRenderer
from preview.rendering.document import Document, Layout
from preview.rendering.message import RenderedMessage
from tests.conftest import ROOT, SEND_DATE, corpus_templates, make, mjml, recipient

REGISTRY = Registry(entry_points=False)


def phrase_sets() -> list[PhraseSet]:
    """Every phrase set of the built-in rule files, and the per-kind ones the misfire families use."""
    rules = REGISTRY.rules
    sets = [rules.phrases(name) for name in rules.names]
    kinds = {str(e.get("kind")) for e in rules.entries("life_events")}
    sets += [rules.phrases("life_events", where=lambda e, k=k: e.get("kind") == k) for k in sorted(kinds)]
    sets += [rules.phrases("life_events", "topic_phrases"), rules.phrases("life_events", "except")]
    return [s for s in sets if s]


SETS = phrase_sets()


def full_scan(phrases: PhraseSet, text: str) -> list[tuple]:
    return [(m.start, m.end, m.text, m.rule["id"]) for m in phrases.scan(text)]  # no memo: the truth


def shared_scan(phrases: PhraseSet, message, part: str = "html") -> list[tuple]:
    return [(h.start, h.end, h.text, h.rule["id"]) for h in hits(phrases, message, part)]


@cache
def demo_layouts() -> list:
    """The distinct layouts the demo templates render for the first demo recipients."""
    spec = importlib.util.spec_from_file_location("demo_audience_for_scanning", ROOT / "fixtures" / "demo_audience.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    audience = module.generate(120)
    layouts = {}
    for path in sorted((ROOT / "templates").iterdir()):
        if path.suffix not in (".mjml", ".html"):
            continue
        renderer = CampaignRenderer(load_campaign(path))
        for person in audience:
            message = renderer.render(person, SEND_DATE)
            if message.document is not None:
                layouts.setdefault(id(message.document.layout), message.document.layout)
    return list(layouts.values())


_TEXT_OPEN = re.compile(r"<mj-text\b[^>]*>")


@cache
def corpus_layouts() -> list:
    """A layout of each corpus template with a recipient value at the start of every text block."""
    layouts = []
    for path in corpus_templates():
        source = path.read_text(encoding="utf-8")
        at = source.find("<mj-body")  # not the mj-text defaults of mj-attributes in the head
        pieces = _TEXT_OPEN.split(source[at:])
        opens = _TEXT_OPEN.findall(source[at:])
        body = source[:at] + pieces[0] + "".join(
            f"{tag}{{{{ recipient.attributes.v{i} }}}} {rest}" for i, (tag, rest) in enumerate(zip(opens, pieces[1:], strict=True))
        )
        renderer = CampaignRenderer(make(body, name=path.name))
        message = renderer.render(recipient(attributes={f"v{i}": f"value{i}" for i in range(200)}), SEND_DATE)
        if message.document is not None and slot_count(message.document.layout):
            layouts.append(message.document.layout)
    return layouts


def slot_count(layout) -> int:
    return max((p + 1 for p in layout.text if type(p) is int), default=0)


# Values built from what makes scanning hard: phrase words, every cut character, curly quotes,
# line breaks, emoji, accents and word characters glued to the template text around them.
WORDS = [
    "congratulations", "congrats", "on", "your", "wedding", "new", "baby", "home", "we", "noticed",
    "you've", "been", "searching", "for", "since", "you", "viewed", "mother's", "day", "pregnancy",
    "to", "die", "for", "because", "bought", "Ana", "Élodie", "x", "graduate", "i", "do",
    "$12.99", "117", "2026", "3rd", "24/7", "4",
]
# The phrases of the rule files as copy would spell them ("congrat* on ... wedding" as
# "congrat on our wedding"), so that values and template text hold whole phrases.
PHRASES = sorted({
    " ".join("our" if t == "..." else t.rstrip("*") for t in str(p).split())
    for s in SETS for e in s.entries for key in ("phrases", "except", "topic_phrases") for p in e.get(key) or ()
})
SEPARATORS = [" ", " ", " ", "", ".", ",", "!", "?", ";", ":", '"', "(", ")", "'", "-", "\u2019", "\u201c", "\u201d", "\n",
              "  ", "\u00a0", " 🎉 ", "s ", ". ", ", ", " - ", "-", " (", ") ", ' "', '" ', "\n\n"]
VALUE = st.lists(
    st.tuples(st.one_of(st.sampled_from(WORDS), st.sampled_from(PHRASES)), st.sampled_from(SEPARATORS)), max_size=6
).map(lambda pairs: "".join(w + s for w, s in pairs))


def message_of(layout, values) -> RenderedMessage:
    return RenderedMessage(recipient_id="r", document=Document(layout, list(values)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_demo_template_layouts_scan_exactly_as_whole_texts(data):
    layouts = demo_layouts()
    layout = data.draw(st.sampled_from(layouts))
    values = data.draw(st.lists(VALUE, min_size=slot_count(layout), max_size=slot_count(layout)))
    message = message_of(layout, values)
    for phrases in SETS:
        assert shared_scan(phrases, message) == full_scan(phrases, message.body_text), (phrases.entries[0]["id"], message.body_text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_corpus_template_layouts_scan_exactly_as_whole_texts(data):
    layouts = corpus_layouts()
    if not layouts:
        return  # ../shared is absent: the demo templates still cover the property
    layout = data.draw(st.sampled_from(layouts))
    values = data.draw(st.lists(VALUE, min_size=slot_count(layout), max_size=slot_count(layout)))
    message = message_of(layout, values)
    for phrases in SETS:
        assert shared_scan(phrases, message) == full_scan(phrases, message.body_text), (phrases.entries[0]["id"], message.body_text)


def synthetic_layout(parts) -> Layout:
    """A layout whose visible text is ``parts`` (template text and slot numbers)."""
    layout = Layout("")
    layout.text = tuple(parts)
    return layout


@st.composite
def layout_text(draw):
    """Template text and slots in any order: adjacent slots, leading and trailing ones, none."""
    parts: list = []
    for index in range(draw(st.integers(0, 4))):
        if draw(st.booleans()) and (not parts or type(parts[-1]) is not str):
            parts.append(draw(VALUE))
        parts.append(index)
    if draw(st.booleans()) or not parts:
        parts.append(draw(VALUE))
    return [p for p in parts if p != ""] or [""]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(layout_text(), st.lists(VALUE, min_size=4, max_size=4))
# Phrases that spell out a cut character, and one across a hyphen, in template text by a value.
@example([0, "congratulations, graduate "], ["", "", "", ""])
@example(["Well, ", 0, ', graduate. You said "i do. '], ["congratulations", "", "", ""])
@example(["we-noticed you been looking ", 0], ["x", "", "", ""])
def test_any_template_text_and_values_scan_exactly_as_whole_texts(parts, values):
    message = message_of(synthetic_layout(parts), values)
    for phrases in SETS:
        assert shared_scan(phrases, message) == full_scan(phrases, message.body_text), (phrases.entries[0]["id"], parts, values)


def test_corpus_gives_layouts_to_test(corpus):
    assert len(corpus_layouts()) >= len(corpus) - 2


def test_real_renders_of_the_demo_templates_scan_exactly():
    layouts = demo_layouts()
    assert len(layouts) > 8  # loops and branches give each template several layouts
    spec = importlib.util.spec_from_file_location("demo_audience_for_scanning", ROOT / "fixtures" / "demo_audience.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    audience = module.generate(60)
    for path in sorted((ROOT / "templates").iterdir()):
        if path.suffix not in (".mjml", ".html"):
            continue
        renderer = CampaignRenderer(load_campaign(path))
        for person in audience:
            message = renderer.render(person, SEND_DATE)
            for phrases in SETS:
                for part in ("subject", "preheader", "from_name", "html", "text"):
                    assert shared_scan(phrases, message, part) == full_scan(phrases, message.part_text(part))


def test_template_text_is_scanned_once_per_layout_and_values_per_recipient():
    body = mjml(
        "<mj-text>Congratulations on your wedding. We made a list: {{ recipient.attributes.a }}, and more.</mj-text>",
        "<mj-text>Since you viewed sofas, {{ recipient.attributes.b }}</mj-text>",
    )
    renderer = CampaignRenderer(make(body))
    first = renderer.render(recipient(attributes={"a": "lamps", "b": "we noticed you"}), SEND_DATE)
    second = renderer.render(recipient(attributes={"a": "congratulations on your wedding", "b": "rugs"}), SEND_DATE)
    assert first.document.layout is second.document.layout
    claims = REGISTRY.rules.phrases("life_events", where=lambda e: e.get("kind") == "claim")
    assert [h.text for h in hits(claims, first, "html")] == ["Congratulations on your wedding"]
    # The second recipient's value holds the claim too: found where it is, after the static one.
    found = hits(claims, second, "html")
    assert [h.text for h in found] == ["Congratulations on your wedding", "congratulations on your wedding"]
    assert second.body_text[found[1].start : found[1].end] == "congratulations on your wedding"
    # The static claim was scanned once, for the layout; the values' runs go through the memo.
    items = first.document.layout.memo[("scanning.items", claims)]
    assert [i[0] for i in items].count(_STATIC) == 1


def at(chars: str):
    """A ``cuts`` function: every occurrence of one of ``chars``."""
    return lambda text: [i for i, c in enumerate(text) if c in chars]


def test_cut_plan_scans_template_text_between_cuts_once():
    parts = ("Hi ", 0, ", welcome. Our picks: ", 1, " and more. Bye")
    plan = split(parts, at(".,"))
    # Static: the template text from the start to its last cut, between the first and last cuts
    # of the middle part, and after the first cut of the last part; the rest are runs.
    assert plan == [
        (_RUN, 0, 0, 2, 0),
        (_STATIC, 2, 1, 9),
        (_RUN, 2, 10, 4, 9),
        (_STATIC, 4, 10, 14),
    ]
    assert split(("No cuts at all",), at(".")) == [(_STATIC, 0, 0, 14)]
    assert split((0,), at(".")) == [(_RUN, 0, 0, 1, 0)]
    assert split(("a", 0, "b"), at("")) == [(_RUN, 0, 0, 3, 0)]


def test_a_comma_a_phrase_spells_cuts_only_away_from_that_phrase():
    claims = REGISTRY.rules.phrases("life_events", where=lambda e: e.get("kind") == "claim")
    text = "Hi there, congratulations, graduate, and well done."
    cuts = claims.cuts(text)
    assert text.index(",") in cuts and text.index(".") in cuts
    assert text.index(", graduate") not in cuts  # "congratulations, graduate" is a claim
    assert text.rindex(",") in cuts
    # A comma at the edge of template text could have the phrase in the value beside it.
    assert claims.cuts(", graduate. Bye") == [len(", graduate")]


def test_hits_are_kept_for_the_other_checks_of_the_recipient():
    message = CampaignRenderer(make(mjml("<mj-text>Hi</mj-text>"), subject="We noticed you")).render(recipient(), SEND_DATE)
    phrases = REGISTRY.rules.phrases("surveillance")
    assert hits(phrases, message, "subject") is hits(phrases, message, "subject")
    assert [h.text for h in hits(phrases, message, "subject")] == ["We noticed you"]
    assert hits(phrases, message, "html") == ()
    assert scanning.hits(REGISTRY.rules.phrases("no_such_rules"), message, "subject") == ()
