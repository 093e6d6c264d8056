"""The ``images`` family: every check on a bad and a good sample, the clean campaign, the corpus."""

from __future__ import annotations

import base64

from preview.checks.images import data_uri_bytes
from preview.checks.registry import CheckSettings, Registry
from tests.checks.corpus_runs import corpus_run, family_findings
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "images"
LOGO = "https://cdn.acme-home.com/logo.png"


def findings(body: str, recipients=None, registry=None, **front):
    """The images findings of campaign ``body`` (a full MJML or HTML document)."""
    campaign = make(body, "t.html" if body.lstrip().startswith("<html") else "t.mjml", **front)
    report, results = run_checks(campaign, recipients or [recipient("r1"), recipient("r2")], registry=registry)
    return [f for f in report.findings if f.family == FAMILY], results


def html(*inner: str) -> str:
    return '<html lang="en"><head><title>t</title></head><body>' + "".join(inner) + "</body></html>"


def only(found, code):
    return [f for f in found if f.code == code]


def data_png(size: int) -> str:
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"\0" * (size - 4)).decode()


def test_missing_alt_bad_and_good():
    found, _ = findings(mjml(f'<mj-image src="{LOGO}" />'))
    (missing,) = only(found, "IMG001")
    assert missing.args["image"] == "logo.png" and missing.recipient_id is None
    assert missing.evidence.text.startswith(f'<img src="{LOGO}"')
    # alt="" is a deliberate "decorative" marker, not a missing alt.
    found, _ = findings(mjml(f'<mj-image src="{LOGO}" alt="Acme Home" />', f'<mj-image src="{LOGO}?v=2" alt="" />'))
    assert not only(found, "IMG001")


def test_tracking_pixel_needs_no_alt():
    found, _ = findings(html('<img src="https://t.acme-home.com/o.gif" width="1" height="1">'))
    assert not only(found, "IMG001")


def test_missing_src_bad_and_good():
    found, _ = findings(html('<img alt="Sale" width="600">', '<img src="" alt="Hero" width="600">'))
    assert len(only(found, "IMG002")) == 2
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" width="120">'))
    assert not only(found, "IMG002")


def test_src_emptied_by_missing_data_stays_with_the_recipient():
    body = mjml('<mj-image src="{{ recipient.attributes.photo }}" alt="Your pick" />')
    found, _ = findings(body, [recipient("r1"), recipient("r2", attributes={"photo": LOGO}), recipient("r3", attributes={"photo": ""})])
    assert [f.recipient_id for f in only(found, "IMG002")] == ["r1", "r3"]


def test_missing_width_bad_and_good():
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" style="max-width:100%">'))
    assert only(found, "IMG003")
    # A missing height is fine: responsive images use height:auto (MJML writes height="auto").
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" width="120">'))
    assert not only(found, "IMG003")
    found, _ = findings(mjml(f'<mj-image src="{LOGO}" alt="Logo" />'))
    assert not only(found, "IMG003")


def test_data_uri_size_is_decoded():
    assert data_uri_bytes(data_png(1000)) == 1000
    assert data_uri_bytes("data:text/plain,hello%20world") == 11
    assert data_uri_bytes(LOGO) is None


def test_image_over_budget_bad_and_good():
    found, _ = findings(html(f'<img src="{data_png(250_000)}" alt="Sale" width="600">'))
    (heavy,) = only(found, "IMG004")
    assert heavy.args["size"] == 250_000 and heavy.args["budget"] == 200_000
    found, _ = findings(html(f'<img src="{data_png(20_000)}" alt="Sale" width="600">'))
    assert not only(found, "IMG004")


def test_image_budget_and_known_sizes_are_options():
    options = {"image_max_bytes": 50_000, "image_sizes": {LOGO: 80_000}}
    registry = Registry(CheckSettings.from_mapping(options=options), entry_points=False)
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" width="120">'), registry=registry)
    assert only(found, "IMG004")[0].args["size"] == 80_000
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" width="120">'))
    assert not only(found, "IMG004")  # no network: a remote size is unknown by default


def test_embedded_data_image_bad_and_good():
    found, _ = findings(html(f'<img src="{data_png(500)}" alt="Logo" width="120">'))
    assert only(found, "IMG005")
    found, _ = findings(html(f'<img src="{LOGO}" alt="Logo" width="120">'))
    assert not only(found, "IMG005")


def test_clean_campaign_has_no_image_findings(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient("r1"), recipient("r2", first_name="Bo"), recipient("r3", first_name=None)])
    assert [f for f in report.findings if f.family == FAMILY] == []


def test_corpus_images(corpus):
    """All 25 real templates check without a crash; images without alt are the common fault."""
    by_template = {}
    for path in corpus:
        by_template[path.name] = family_findings(corpus_run(path)[1], FAMILY, "IMG")
    # christmas.mjml gives none of its ten images an alt; racoon.mjml labels all but its social icons.
    assert len(only(by_template["christmas.mjml"], "IMG001")) == 10
    assert {f.args["image"] for f in by_template["racoon.mjml"]} == {"facebook.png", "twitter.png", "google-plus.png"}
    # MJML always writes a width, so no real MJML template lacks one.
    assert not any(f.code == "IMG003" for found in by_template.values() for f in found)
    assert sum(1 for found in by_template.values() if not found) >= 5
