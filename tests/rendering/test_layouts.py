"""The layout-sharing fast path gives exactly what compiling each recipient's MJML would.

The renderer compiles MJML once per *layout* (the static template output with placeholders for
recipient values) and fills each recipient's values into the shared HTML and parsed document.
These tests put personalization into real corpus templates, in text and in attributes MJML
copies verbatim (href, src, alt, title) and in places MJML interprets (width, padding,
background-color, css-class, mj-attributes, mj-style), render awkward values, and compare with
``mjml2html`` of the recipient's own Jinja output: the HTML byte for byte, and the visible text,
links, images, title and language read from it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mjml import mjml2html

from preview.contract.campaigns import parse_campaign
from preview.rendering import CampaignRenderer
from preview.rendering.document import Document, Layout
from tests.conftest import SEND_DATE, corpus_templates, recipient

FIELDS = ("first_name", "html", "query", "img", "alt", "bg", "pad", "width", "cls")


def personalize_verbatim(src: str) -> str:
    """Values only where MJML copies them as they are: text, href, src, alt, title, preview."""
    head, body = _split_body(src)
    body = re.sub(r"(<mj-text\b[^>]*>)", r"\1{{ recipient.first_name }}, {{ recipient.attributes.html|safe }} ", body)
    body = re.sub(r'href="([^"]*)"', r'href="\1{{ recipient.attributes.query }}"', body, count=3)
    body = re.sub(r'(<mj-image\b[^>]*?)src="[^"]*"', r'\1src="{{ recipient.attributes.img }}"', body, count=2)
    body = re.sub(r'alt="[^"]*"', r'alt="{{ recipient.attributes.alt }}"', body, count=2)
    for tag, text in (("mj-title", "{{ recipient.first_name }} news"), ("mj-preview", "For {{ recipient.first_name }}")):
        if f"<{tag}>" in head:  # a second title would replace the first: personalize the real one
            head = head.replace(f"<{tag}>", f"<{tag}>{text} ", 1)
        else:
            head = _into_head(head, f"<{tag}>{text}</{tag}>")
    return head + body


def personalize_everywhere(src: str) -> str:
    """Also values MJML interprets: section colours and padding, widths, classes, head styles."""
    head, body = _split_body(personalize_verbatim(src))
    out = head + re.sub(r"(<mj-section\b)", r'\1 background-color="{{ recipient.attributes.bg }}" padding="{{ recipient.attributes.pad }}"', body, count=1)
    out = re.sub(r"(<mj-image\b)(?![^>]*\bwidth=)", r'\1 width="{{ recipient.attributes.width }}"', out, count=1)
    out = re.sub(r"(<mj-text\b)(?![^>]*css-class)", r'\1 css-class="{{ recipient.attributes.cls }}"', out, count=1)
    head = (
        '<mj-attributes><mj-button background-color="{{ recipient.attributes.bg }}" /></mj-attributes>'
        "<mj-style>.{{ recipient.attributes.cls }} { color: {{ recipient.attributes.bg }}; }</mj-style>"
    )
    return _into_head(out, head)


def _split_body(src: str) -> tuple[str, str]:
    at = src.index("<mj-body")
    return src[:at], src[at:]


def _into_head(src: str, head: str) -> str:
    if "<mj-head>" in src:
        return src.replace("<mj-head>", "<mj-head>" + head, 1)
    if "</mj-head>" in src:  # an empty or attribute-less head written differently
        return src.replace("</mj-head>", head + "</mj-head>", 1)
    return re.sub(r"(<mjml[^>]*>)", lambda m: m.group(1) + "<mj-head>" + head + "</mj-head>", src, count=1)


def values(first_name="Ana", html="<b>hi</b>", query="?u=1", img="https://cdn.example.org/a.png", alt="A picture", bg="#ff0000", pad="10px", width="200px", cls="promo"):
    return dict(first_name=first_name, html=html, query=query, img=img, alt=alt, bg=bg, pad=pad, width=width, cls=cls)


AWKWARD = [
    values(),
    values("Bo", "<b>yo</b>", "?u=2", "https://cdn.example.org/b.png", "Bo", "#00ff00", "12px 4px", "150px", "other"),
    values("Tom & Jerry", "Tom &amp; Jerry &copy; <i>x</i>", "?a=1&b=2", "https://cdn.example.org/a b.png?x=1&y=2", 'He said "hi" & <left>', "red", "0", "100%", "a b"),
    values("O'Brien \"Q\"", "&lt;b&gt; &#169; &#x263A;", "#frag", "", "", "", "", "", ""),
    values("Zoë 😀 Łódź שלום", '<span style="color:red">ç</span>', "?q=żółć", "https://cdn.example.org/ż.png", "Zoë 😀", "rgb(1, 2, 3)", "1px 2px 3px 4px", "320px", "zoë"),
    values("  Ana  ", "  <b> spaced </b>  ", " ?x=1 ", " https://cdn.example.org/s.png ", " alt ", " #fff ", " 5px ", " 100px ", " c "),
    values("A  B\nC\tD", "a<br/>b", "?n=a%20b", "https://cdn.example.org/n.png", "multi\nline", "#ABCDEF", "3px", "90px", "x\ny"),
    values("&nbsp;Nb", "&nbsp;", "&amp;", "data:image/png;base64,AAAA", "&amp;", "transparent", "10px", "10px", "z"),
    values("", "", "", "https://cdn.example.org/e.png", "Empty", "#123", "1px", "50px", "e"),
    values("<script>alert(1)</script>", "<mj-text>inner</mj-text>", '"><script>', "javascript:alert(1)", "</mj-image>", '"onload=x', "}", "<", "}{"),
    values("👨‍👩‍👧 family", "zero\u200bwidth", "?z=\u200b", "https://cdn.example.org/z.png", "soft\u00adhyphen", "#000", "2px", "20px", "k"),
]

_renderers: dict = {}


def renderer_for(path, variant) -> CampaignRenderer:
    """One renderer per template and variant for the whole session, so layouts get reused."""
    key = (path.name, variant.__name__)
    if key not in _renderers:
        _renderers[key] = CampaignRenderer(parse_campaign(variant(path.read_text()), path.name))
    return _renderers[key]


def as_recipient(rid: str, vals: dict) -> dict:
    attributes = {k: v for k, v in vals.items() if k != "first_name"}
    return recipient(rid, first_name=vals["first_name"], attributes=attributes)


def assert_same_as_direct_compile(message) -> None:
    """The message equals compiling its own Jinja output: HTML and everything read from it."""
    mjml_source = message.parts["body"].text
    try:
        direct = mjml2html(mjml_source)
    except BaseException as exc:  # MRML panics arrive as pyo3's PanicException (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        assert any(e.kind == "mjml" for e in message.errors), f"MRML fails ({exc}) but the render has no MJML error"
        return
    assert message.errors == []
    assert message.html == direct
    reference = Document(Layout(direct), [])
    doc = message.document
    assert doc.text == reference.text
    assert doc.title == reference.title
    assert doc.lang == reference.lang
    assert doc.hidden_text == reference.hidden_text
    assert doc.size == len(direct.encode())
    assert doc.font_sizes == reference.font_sizes
    assert [(x.href, x.text, x.has_image) for x in doc.links] == [(x.href, x.text, x.has_image) for x in reference.links]
    assert [(i.src, i.alt, i.width, i.height, i.in_link) for i in doc.images] == [
        (i.src, i.alt, i.width, i.height, i.in_link) for i in reference.images
    ]


@pytest.mark.parametrize("variant", [personalize_verbatim, personalize_everywhere])
def test_awkward_values_render_as_a_direct_compile_would(corpus, variant):
    for path in corpus:
        renderer = renderer_for(path, variant)
        # Twice over, so the second pass reads layouts the first pass cached.
        for index, vals in enumerate(AWKWARD * 2):
            message = renderer.render(as_recipient(f"r{index}", vals), SEND_DATE)
            try:
                assert_same_as_direct_compile(message)
            except AssertionError as exc:
                raise AssertionError(f"{path.name}, values #{index % len(AWKWARD)}: {exc}") from exc


def test_verbatim_values_share_one_layout(corpus):
    """Plain values in text and verbatim attributes do not cost an MJML compile each."""
    for path in corpus:
        renderer = CampaignRenderer(parse_campaign(personalize_verbatim(path.read_text()), path.name))
        for index in range(30):
            vals = values(f"Name{index}", "<b>hi</b>", f"?u={index}", f"https://cdn.example.org/{index}.png", f"Alt {index}")
            message = renderer.render(as_recipient(f"r{index}", vals), SEND_DATE)
            assert message.errors == []
            assert f"Name{index}" in message.body_text
        # The markup value is the same for everyone, so it is part of the one shared layout.
        assert renderer.layout_compiles == 1, (path.name, renderer.layout_compiles)


_piece = st.one_of(
    st.text(alphabet=st.sampled_from(list("aZé 9&<>\"';#/?=%\n\t\u00a0\u200b😀ß")), max_size=12),
    st.sampled_from(["&amp;", "&lt;b&gt;", "&#169;", "&nbsp;", "<b>x</b>", "  pad  ", "#fff", "10px", "50%"]),
)


@settings(max_examples=120, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=24),
    variant=st.sampled_from([personalize_verbatim, personalize_everywhere]),
    first=st.fixed_dictionaries({f: _piece for f in FIELDS}),
    second=st.fixed_dictionaries({f: _piece for f in FIELDS}),
)
def test_any_values_render_as_a_direct_compile_would(index, variant, first, second):
    templates = corpus_templates()
    if not templates:
        pytest.skip("../shared/corpus/mjml-templates is not present")
    renderer = renderer_for(templates[index % len(templates)], variant)
    for rid, vals in (("a", first), ("b", second), ("a2", first)):
        assert_same_as_direct_compile(renderer.render(as_recipient(rid, vals), SEND_DATE))
