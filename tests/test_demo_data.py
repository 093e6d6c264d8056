"""The demo data: fixtures/demo_audience.py (the seeded audience) and templates/ (the campaigns).

The generator is loaded by path, the way ``preview demo`` loads it, and every record goes through
the real contract validator; every template renders through the real renderer and MJML engine.
"""

import datetime as dt
import functools
import importlib.util
import json
import re
from pathlib import Path

import pytest

from preview.contract import load_campaign, load_recipients, validate_recipient
from preview.rendering import CampaignRenderer
from tests.conftest import run_checks

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in (ROOT / "templates").iterdir() if p.suffix in (".mjml", ".html"))
CLEAN = ["winter-collection.mjml", "rewards-statement.html"]


def _load_generator():
    spec = importlib.util.spec_from_file_location("demo_audience_under_test", ROOT / "fixtures" / "demo_audience.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not put in sys.modules: it must work as a loose file
    return module


demo = _load_generator()


@pytest.fixture(scope="module")
def audience():
    return demo.generate(3000, 7)


@pytest.fixture(scope="module")
def renders(audience):
    """Every template rendered for the first 300 recipients: {file name: [(record, message)]}."""
    out = {}
    for path in TEMPLATES:
        campaign = load_campaign(path)
        renderer = CampaignRenderer(campaign)
        out[path.name] = [(r, renderer.render(r, campaign.send_date)) for r in audience[:300]]
    return out


@functools.cache
def _renderer(name: str) -> CampaignRenderer:
    return CampaignRenderer(load_campaign(ROOT / "templates" / name))


def _render_one(name: str, record: dict):
    renderer = _renderer(name)
    return renderer.render(record, renderer.campaign.send_date)


def _with(audience, case: str) -> list[dict]:
    found = [r for r in audience if demo.HARD_CASES[case](r)]
    assert found, f"the demo audience has nobody with {case!r}"
    return found


# -- the generator ----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert demo.main(["--n", "400", "--seed", "7", "--out", str(a), "--quiet"]) == 0
    demo.main(["--n", "400", "--seed", "7", "--out", str(b), "--quiet"])
    demo.main(["--n", "400", "--seed", "8", "--out", str(c), "--quiet"])
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(a.read_text(encoding="utf-8").splitlines()) == 400


def test_generate_is_repeatable_in_one_process():
    # Nothing leaks between calls (no shared random state, no set ordering in the output).
    assert json.dumps(demo.generate(200, 7)) == json.dumps(demo.generate(200, 7))
    assert demo.generate(0, 7) == []
    with pytest.raises(ValueError):
        demo.generate(-1, 7)


def test_every_record_is_valid_and_unique(audience):
    for record in audience:
        validate_recipient(record, record["id"])
    assert len({r["id"] for r in audience}) == len(audience) == 3000
    assert len({r["email"] for r in audience}) == len(audience)


def test_the_written_file_loads_through_the_contract(tmp_path):
    out = tmp_path / "demo.jsonl"
    demo.main(["--n", "300", "--out", str(out), "--quiet"])
    loaded = load_recipients(out)
    assert [r["id"] for r in loaded] == [r["id"] for r in demo.generate(300, 7)]


def test_every_hard_case_holds_at_least_a_dozen_people(audience):
    counts = demo.summarize(audience)
    assert set(counts) == set(demo.HARD_CASES)
    thin = {name: n for name, n in counts.items() if n < 12}
    assert not thin, f"hard cases below a dozen in 3,000: {thin}"


def test_hard_cases_do_not_depend_on_a_lucky_seed():
    counts = demo.summarize(demo.generate(3000, 12345))
    assert min(counts.values()) >= 12, counts


def test_the_hard_cases_stay_rare(audience):
    # Realistic proportions: no hard case swallows the audience, ordinary people dominate.
    counts = demo.summarize(audience)
    common = {"unknown age", "non-ASCII name", "pet name", "gift drives recommendations", "returned item drives recommendations"}
    assert all(n <= 0.2 * len(audience) for name, n in counts.items() if name not in common), counts
    untouched = [r for r in audience if not r["life_events"] and not r["preferences"]["occasion_opt_outs"]]
    assert len(untouched) > 0.6 * len(audience)


def test_main_prints_the_summary(capsys, tmp_path):
    demo.main(["--n", "3000", "--out", str(tmp_path / "x.jsonl")])
    err = capsys.readouterr().err
    for name in demo.HARD_CASES:
        line = next(line for line in err.splitlines() if line.strip().endswith(name))
        assert int(line.split()[0]) > 0


def test_locales_names_and_timezones_are_realistic(audience):
    locales = {r["locale"] for r in audience}
    assert locales == {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP"}
    tz = {r["timezone"] for r in audience if r["locale"] == "ja-JP"}
    assert tz == {"Asia/Tokyo"}
    names = {r["first_name"] for r in audience} | {r["last_name"] for r in audience}
    for odd in ("Zoë", "Łukasz", "Søren", "José", "李", "O'Brien", "Nguyễn"):
        assert odd in names, odd
    assert any("-" in (n or "") for n in names)


def test_minors_and_unknown_ages_count_from_the_reference_date(audience):
    minors = _with(audience, "minor (under 18)")
    for record in minors:
        born = dt.date.fromisoformat(record["birth_date"])
        assert dt.date(born.year + 18, born.month, min(born.day, 28)) > demo.REFERENCE_DATE
    assert _with(audience, "unknown age")[0]["birth_date"] is None


def test_inferred_weddings_say_what_they_were_inferred_from(audience):
    for record in _with(audience, "wedding inferred from pins"):
        event = next(e for e in record["life_events"] if e["type"] == "wedding")
        pins = sum(a["count"] for a in record["activity"] if a["type"] == "pin")
        assert event["evidence"] == f"{pins} wedding pins in 30 days"
        assert 0 < event["confidence"] < 1


def test_recommendations_point_at_real_purchases(audience):
    for record in audience:
        bought = {(o["id"], i["sku"]) for o in record["orders"] for i in o["items"]}
        for rec in record["recommendations"]:
            reason = rec["reason"]
            if reason["type"] == "purchase":
                assert (reason["source_order"], reason["source_sku"]) in bought, record["id"]


def test_gifts_and_returns_drive_recommendations(audience):
    # The man who bought women's perfume for his mother is recommended more women's perfume.
    record = _with(audience, "women's perfume gifted, more recommended")[0]
    gifted = {i["sku"] for o in record["orders"] if o.get("ship_to_other") for i in o["items"] if i.get("gift")}
    derived = [r for r in record["recommendations"] if r["reason"]["source_sku"] in gifted]
    assert derived and all(r["category"].startswith("beauty/fragrance") for r in derived)
    record = _with(audience, "returned item drives recommendations")[0]
    returned = {i["sku"] for o in record["orders"] for i in o["items"] if i.get("returned")}
    assert any(r["reason"]["source_sku"] in returned for r in record["recommendations"])


def test_the_aviva_block_is_one_contiguous_import(audience):
    block = [i for i, r in enumerate(audience) if demo.HARD_CASES["migrated block, name only in preferred_name (Aviva)"](r)]
    assert len(block) >= 12
    # Seeds may sit inside the block; everyone else in the span belongs to it.
    span = audience[block[0] : block[-1] + 1]
    assert sum(1 for r in span if not r["is_seed"]) == len(block)


# -- the templates --------------------------------------------------------------------------


def test_six_to_eight_templates_follow_the_campaign_spec():
    assert 6 <= len(TEMPLATES) <= 8
    formats = set()
    for path in TEMPLATES:
        campaign = load_campaign(path)
        formats.add(campaign.format)
        for key in ("name", "subject", "preheader", "from_name", "send_date"):
            assert key in campaign.front, f"{path.name} has no {key}"
        assert "{{ unsubscribe_url }}" in campaign.body, path.name
    assert formats == {"mjml", "html"}
    assert load_campaign(ROOT / "templates" / "mothers-day.mjml").occasion == "mothers_day"


def test_every_template_renders_for_the_first_300_recipients(renders):
    for name, results in renders.items():
        errors = [(r["id"], e.kind, e.message, e.line) for r, m in results for e in m.errors]
        assert not errors, f"{name}: {errors[:3]}"
        assert all(m.document is not None and m.subject for _, m in results), name


@pytest.mark.parametrize("name", CLEAN)
def test_clean_templates_are_well_made(renders, name):
    for record, message in renders[name]:
        assert not message.missing and not message.nulls, (record["id"], message.missing, message.nulls)
        doc = message.document
        assert doc.lang == "en" and doc.title
        assert message.preheader
        assert "12 Market Street" in message.body_text
        assert any(link.href and link.href.endswith(record["id"]) and link.text == "Unsubscribe" for link in doc.links)
        for image in doc.images:
            assert image.src and image.alt and image.width and image.height, (name, image)
        for link in doc.links:
            assert link.href.startswith("https://"), link
        assert not re.search(r"\b(hi|dear)\s*,", message.body_text, re.IGNORECASE), message.body_text
        assert "wine/" not in " ".join(i.src for i in doc.images)


def test_clean_greeting_survives_empty_names(audience):
    record = _with(audience, "first name empty")[0]
    assert "Hi there," in _render_one("winter-collection.mjml", record).body_text


def test_wedding_campaign_congratulates_an_inferred_wedding(audience):
    record = _with(audience, "wedding inferred from pins")[0]
    message = _render_one("wedding-congratulations.mjml", record)
    assert "congratulations on your big day" in message.subject.lower()
    assert "Congratulations on your wedding" in message.body_text
    record = _with(audience, "wedding cancelled")[0]
    assert "Congratulations on your wedding" in _render_one("wedding-congratulations.mjml", record).body_text


def test_baby_campaign_congratulates_a_lost_pregnancy_and_prints_the_due_date(audience):
    record = _with(audience, "pregnancy lost")[0]
    message = _render_one("new-arrival.mjml", record)
    event = next(e for e in record["life_events"] if e["status"] == "lost")
    assert message.subject == "Congratulations on your new arrival!"
    assert f"due date on {event['date']}" in message.body_text
    record = next(r for r in _with(audience, "bought from someone else's registry") if any(o.get("registry_id", "").startswith("REG-B") for o in r["orders"]))
    assert "As a new parent" in _render_one("new-arrival.mjml", record).body_text


def test_mothers_day_reaches_the_bereaved_and_recalls_the_last_gift(audience):
    bereaved = _with(audience, "bereaved of mother")
    assert any("mothers_day" not in r["preferences"]["occasion_opt_outs"] for r in bereaved)
    reminded = [r for r in bereaved if "Last time you chose" in _render_one("mothers-day.mjml", r).body_text]
    assert reminded


def test_because_you_bought_uses_gifts_and_asks_to_review_a_return(audience):
    record = _with(audience, "women's perfume gifted, more recommended")[0]
    perfume = next(i["name"] for o in record["orders"] if o.get("ship_to_other") for i in o["items"] if i.get("gift"))
    assert f"Because you bought {perfume}" in _render_one("because-you-bought.mjml", record).body_text
    asked = []
    for record in _with(audience, "returned item drives recommendations"):
        latest = record["orders"][-1]["items"][0]
        if latest.get("returned"):
            asked.append(_render_one("because-you-bought.mjml", record).body_text)
            assert f"How are you enjoying your {latest['name']}?" in asked[-1]
    assert len(asked) >= 12


def test_newsletter_left_its_test_content_and_calls_the_migrated_block_michael(audience):
    block = _with(audience, "migrated block, name only in preferred_name (Aviva)")
    record = next(r for r in block if r["attributes"]["preferred_name"] != "Michael")
    message = _render_one("december-newsletter.mjml", record)
    assert message.subject.startswith("TEST")
    assert "Lorem ipsum" in message.body_text
    assert "Hi Michael," in message.body_text
    assert any(link.href == "https://example.com/article" for link in message.document.links)


def test_we_miss_you_prints_names_as_they_are(audience):
    assert "Hi ," in _render_one("we-miss-you.mjml", _with(audience, "first name missing (null)")[0]).body_text
    record = _with(audience, "merge tag in first name")[0]
    message = _render_one("we-miss-you.mjml", record)
    assert f"Hi {record['first_name']}," in message.body_text
    assert message.subject.startswith(record["first_name"])
    record = _with(audience, "bereaved of a pet, name still on file")[0]
    assert record["attributes"]["pet_name"] in _render_one("we-miss-you.mjml", record).body_text


def test_templates_are_our_own_not_copies_of_the_gallery(corpus):
    corpus_lines = {line.strip() for path in corpus for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 40}
    for path in TEMPLATES:
        copied = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() in corpus_lines]
        assert not copied, f"{path.name} copies gallery lines: {copied[:3]}"


# -- end to end: the checks find the problems the demo was built to show -------------------

# Cases every record may hold without making a campaign wrong for it.
HARMLESS = {"unknown age", "non-ASCII name", "pet name", "very long name", "new home stale (3 years)", "opted out of fathers_day", "opted out of valentines_day", "wedding stale (2+ years ago)", "sensitive personalization consent", "shared device"}


def _families(template: str, records: list[dict]) -> dict[str, set[str]]:
    """{recipient id or None (template level): families found} for ``records``."""
    report, _ = run_checks(_renderer(template).campaign, records)
    out: dict = {}
    for finding in report.findings:
        out.setdefault(finding.recipient_id, set()).add(finding.family)
    return out


def _ordinary(audience) -> list[dict]:
    return [r for r in audience[:400] if not any(test(r) for name, test in demo.HARD_CASES.items() if name not in HARMLESS)]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_templates_raise_nothing_for_ordinary_recipients(audience, name):
    ordinary = _ordinary(audience)
    assert len(ordinary) > 150
    assert _families(name, ordinary) == {}


@pytest.mark.parametrize(
    ("template", "case", "family"),
    [
        ("wedding-congratulations.mjml", "wedding inferred from pins", "congratulatory-claim"),
        ("wedding-congratulations.mjml", "wedding cancelled", "congratulatory-claim"),
        ("new-arrival.mjml", "pregnancy lost", "life-event"),
        ("new-arrival.mjml", "pregnancy inferred", "life-event"),
        ("mothers-day.mjml", "opted out of mothers_day", "sensitive-occasion"),
        ("mothers-day.mjml", "bereaved of mother", "sensitive-occasion"),
        ("because-you-bought.mjml", "women's perfume gifted, more recommended", "gift-context"),
        ("because-you-bought.mjml", "returned item drives recommendations", "returned-item"),
        ("we-miss-you.mjml", "merge tag in first name", "personalization-gap"),
        ("we-miss-you.mjml", "first name missing (null)", "personalization-gap"),
    ],
)
def test_misfires_are_found_for_the_people_they_hurt(audience, template, case, family):
    people = _with(audience, case)[:60]  # the checks run at a few ms a recipient; 60 says enough
    found = _families(template, people)
    hit = [r["id"] for r in people if family in found.get(r["id"], set()) | found.get(None, set())]
    # Most, not all: a returned item only matters where the email shows what it drove.
    assert len(hit) >= len(people) // 2, (len(hit), len(people), found)


def test_the_statement_prints_a_rented_list_last_name(audience):
    # The statement names loyalty members in full; OfficeMax printed such a line in 2014.
    people = [r for r in _with(audience, "not a name (third-party data)") if r["last_name"] in demo.NOT_A_NAME and "loyalty_tier" in r["attributes"]]
    assert people
    found = _families("rewards-statement.html", people)
    assert all("data-exposure" in found.get(r["id"], set()) for r in people), found


def test_the_newsletter_is_found_to_be_a_draft_that_calls_the_block_michael(audience):
    block = _with(audience, "migrated block, name only in preferred_name (Aviva)")
    found = _families("december-newsletter.mjml", block)
    assert {"test-content", "personalization-gap"} <= found[None]
