"""Marking findings inside the email's HTML, server-side, at the place the checks measured."""

import lxml.html
import pytest

from preview.checks.registry import Registry
from preview.web.highlight import MARK_CLASS, SELECTED_CLASS, Span, mark_html
from tests.conftest import SEND_DATE, make, mjml, recipient, render, run_checks

HTML = "<!DOCTYPE html><html><head><title>t</title></head><body><div><p>Hi Ana, congratulations on your <b>wedding</b> day!</p><p>Shop   the\nsale</p></div></body></html>"


def _marks(html):
    root = lxml.html.document_fromstring(html)
    return [(m.get("id"), m.text_content(), m.get("class")) for m in root.iter("mark")]


def _visible(html):
    root = lxml.html.document_fromstring(html)
    return root.find("body").text_content()


def test_a_span_of_the_visible_text_is_wrapped_in_a_mark_with_the_finding_id():
    text = "Hi Ana, congratulations on your wedding day!\nShop the sale"
    start = text.index("congratulations")
    out = mark_html(HTML, [Span(7, start, start + len("congratulations"), "congratulations")], text)
    assert _marks(out) == [("f7", "congratulations", MARK_CLASS)]
    assert out.startswith("<!DOCTYPE html>")
    assert _visible(out) == _visible(HTML)  # nothing added to or lost from the text
    assert "mark." in out  # the marks' own style sheet


def test_a_span_across_elements_is_marked_piece_by_piece_with_one_id():
    text = "Hi Ana, congratulations on your wedding day!\nShop the sale"
    start = text.index("your wedding day")
    out = mark_html(HTML, [Span(3, start, start + len("your wedding day"), "your wedding day", selected=True)], text)
    marks = _marks(out)
    assert "".join(t for _, t, _ in marks) == "your wedding day"
    assert [i for i, _, _ in marks] == ["f3", None, None]
    assert all(SELECTED_CLASS in c for _, _, c in marks)


def test_collapsed_spaces_map_back_to_the_source_text():
    text = "Hi Ana, congratulations on your wedding day!\nShop the sale"
    start = text.index("Shop the sale")
    out = mark_html(HTML, [Span(1, start, start + len("Shop the sale"), "Shop the sale")], text)
    assert _marks(out)[0][1].split() == ["Shop", "the", "sale"]


def test_several_spans_in_one_text_node_and_overlaps():
    text = "Hi Ana, congratulations on your wedding day!\nShop the sale"
    spans = [Span(1, 0, 2, "Hi"), Span(2, 3, 6, "Ana"), Span(3, 4, 10, "na, co")]  # the last overlaps the second
    out = mark_html(HTML, spans, text)
    assert [(i, t) for i, t, _ in _marks(out)] == [("f1", "Hi"), ("f2", "Ana")]


def test_when_positions_do_not_fit_the_evidence_text_is_searched():
    out = mark_html(HTML, [Span(9, None, None, "wedding")], None)
    assert _marks(out) == [("f9", "wedding", MARK_CLASS)]
    assert _marks(mark_html(HTML, [Span(9, None, None, "not in the email")], None)) == []


def test_masking_reaches_text_and_links():
    html = '<html><body><p>Hi Ana</p><a href="https://x.org/?e=ana%40x.org" title="Ana">Ana</a></body></html>'
    out = mark_html(html, [], None, mask=lambda s: s.replace("Ana", "A.").replace("ana%40x.org", "a***"))
    assert "Ana" not in out and "ana%40x.org" not in out and "Hi A." in out


def test_no_script_is_ever_added():
    out = mark_html(HTML, [Span(1, 0, 2, "Hi")], "Hi Ana, congratulations on your wedding day!\nShop the sale")
    assert "<script" not in out.lower()


@pytest.mark.parametrize("name", ["Zoë", "李", "O'Brien", "Nguyễn"])
def test_findings_on_real_renders_are_marked_exactly_where_the_checks_measured(name):
    body = mjml(
        "<mj-text>Hi {{ recipient.first_name }}, congratulations on your wedding!</mj-text>",
        "<mj-text>Integration Test Email #1 &amp; more</mj-text>",
        '<mj-text>{% for r in recipient.recommendations %}<p>{{ r.name }}</p>{% endfor %}</mj-text>',
    )
    campaign = make(body, subject="Hi", from_name="Acme")
    rec = recipient("r1", first_name=name, life_events=[{"type": "wedding", "date": "2026-10-01", "source": "inferred", "status": "happened"}])
    _, results = run_checks(campaign, [rec], Registry(entry_points=False))
    message = render(body, rec, subject="Hi", from_name="Acme")
    html_findings = [f for f in results[0].findings if f.part == "html" and f.evidence.start is not None]
    assert html_findings, "the campaign should misfire in its body"
    spans = [Span(i, f.evidence.start, f.evidence.end, f.evidence.text) for i, f in enumerate(html_findings)]
    out = mark_html(message.html, spans, message.body_text)
    marked = {}
    for mark_id, text, _ in _marks(out):
        if mark_id:
            current = int(mark_id[1:])
        marked[current] = marked.get(current, "") + text
    for i, f in enumerate(html_findings):
        if i in marked:
            assert " ".join(marked[i].split()) == " ".join(message.body_text[f.evidence.start : f.evidence.end].split())
    assert marked, "at least the first finding is marked"
    assert SEND_DATE  # the renders above use the suite's send date


def test_offsets_of_another_recipients_text_are_not_trusted():
    # A template-level finding is stored once, with the first recipient's offsets ("Hi Max," put
    # "congratulations" 3 characters later than in Ana's text): the mark must land on the evidence.
    text = "Hi Ana, congratulations on your wedding day!\nShop the sale"
    start = text.index("congratulations") + 3
    out = mark_html(HTML, [Span(4, start, start + len("congratulations"), "congratulations")], text)
    assert [t for _, t, _ in _marks(out)] == ["congratulations"]
