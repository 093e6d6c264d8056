"""preview/rendering/projection.py: visible text found in template output, projected only as far
as a search needs, with the same answers as projecting the whole output first."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preview.rendering.projection import Projection, compact

TOKENS = [
    "<mj-text>", "</mj-text>", '<a href="https://x.test/?a=1&amp;b=2">', "</a>", "<br/>", "<!-- Baby -->",
    "<mj-style>.baby { color: red }</mj-style>", " ", "\n  ", "&amp;", "&nbsp;", "&#39;", "&rsquo;", "Baby",
    "blanket", "$117.47", "Hi", "Ana", ",", "we", "noticed", "you", "Baby blanket", "\u200b",
]
SOURCE = st.lists(st.sampled_from(TOKENS), max_size=60).map(lambda ts: "<mjml><mj-body>" + "".join(ts) + "</mj-body></mjml>")
SNIPPET = st.lists(st.sampled_from(["Baby", "blanket", "$117.47", "Hi", "Ana", ",", "we", "you", "'", "&", " "]), min_size=1, max_size=4).map(" ".join)


def whole_first(source: str, snippet: str, markup: bool = True):
    projection = Projection(source, markup)
    projection.text  # noqa: B018 - project the whole output before searching
    return projection.find(snippet)


@pytest.mark.parametrize("block", [1, 2, 128])
@settings(max_examples=150, deadline=None)
@given(source=SOURCE, snippet=SNIPPET)
def test_searching_as_far_as_needed_finds_what_the_whole_projection_finds(block, source, snippet):
    lazy = type("Blocks", (Projection,), {"_BLOCK": block})  # blocks of every size, down to one run
    assert lazy(source).find(snippet) == whole_first(source, snippet)
    assert lazy(source, markup=False).find(snippet) == whole_first(source, snippet, markup=False)


def test_spans_map_visible_text_back_to_the_output(monkeypatch):
    monkeypatch.setattr(Projection, "_BLOCK", 1)
    source = '<mj-head>Baby</mj-head><mj-body><a href="#">Baby  blanket</a> &amp; $117.47 <!-- x --></mj-body>'
    projection = Projection(source)
    start, end = projection.find("Baby blanket & $117.47")
    assert source[start:end] == "Baby  blanket</a> &amp; $117.47"
    assert projection.find("nothing like it") is None
    assert projection.text == compact("Baby blanket&$117.47")
    plain = Projection("Hi  Ana,\n welcome", markup=False)
    assert plain.span(2, 5) == (4, 7)
