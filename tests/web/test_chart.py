"""The server-rendered SVG chart of findings over time."""

import datetime as dt
import xml.etree.ElementTree as ET

from preview.web.chart import Bar, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_stack_by_severity_with_heights_in_proportion():
    svg = stacked_bars([Bar("2026-11-01", {"block": 2, "warn": 3, "info": 0}), Bar("2026-11-02", {"block": 0, "warn": 0, "info": 10})])
    root = ET.fromstring(str(svg))  # well-formed XML
    rects = [r for r in root.iter(f"{SVG}rect") if float(r.get("height")) > 10 or r.get("width") != "10"]
    heights = {r.get("fill"): float(r.get("height")) for r in rects}
    assert abs(heights["#c92a2a"] * 1.5 - heights["#f08c00"]) < 0.2  # 2 block : 3 warn (rounded to 0.1)
    assert heights["#1c7ed6"] == max(heights.values())  # 10 info is the tallest
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "2026-11-01: 2 block, 3 warn, 0 info" in titles


def test_labels_are_escaped_and_no_script_or_style_is_used():
    svg = str(stacked_bars([Bar('<script>alert("x")</script>', {"block": 1})], title="a & <b>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; &lt;b&gt;" in svg
    assert "style=" not in svg
    ET.fromstring(svg)


def test_an_empty_chart_says_so():
    svg = str(stacked_bars([]))
    assert "No runs yet" in svg
    ET.fromstring(svg)


def test_many_days_get_a_dozen_or_so_labels():
    start = dt.date(2026, 1, 1)
    bars = [Bar((start + dt.timedelta(days=i)).isoformat(), {"warn": i}) for i in range(90)]
    root = ET.fromstring(str(stacked_bars(bars)))
    dates = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text[:2].isdigit() and "-" in t.text]
    assert 8 <= len(dates) <= 16
