"""Edge-case sampling on the demo audience and the example campaigns."""

import datetime as dt

from preview.sampling import choose
from preview.sampling.edge_cases import edge_context
from preview.sampling.traits import categories
from tests.conftest import recipient
from tests.sampling.conftest import ids, renderer_for

# Kinds the demo audience does not hold, added to the stream so every category is present.
EXTRA = [
    recipient("x-rtl", first_name="דוד", last_name="כהן"),
    recipient("x-emoji", first_name="Mia 🌸"),
    recipient("x-invisible", first_name="Ana\u200b"),
    recipient("x-third-party", life_events=[{"type": "new_home", "source": "third_party"}]),
    {"id": "x-no-name-field", "email": "x@mail.acme-test.org"},
]


def _age(record, on):
    born = dt.date.fromisoformat(record["birth_date"])
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_every_edge_category_present_is_shown(audience):
    renderer = renderer_for("we-miss-you.mjml")
    stream = [*audience, *EXTRA]
    sample = choose("edge", iter(stream), size=120, seed=1, renderer=renderer)
    context = edge_context(renderer, {})
    present = {c.name for c in categories(context) if any(c.score(r, context) for r in stream)}
    # Every fixed and name category, and a field the template prints that some people lack.
    assert {c.name for c in categories(context)} - present == set()
    assert "missing:attributes.pet_name" in present
    report = {row["category"]: row for row in sample.details["categories"]}
    assert set(report) == present
    for cat in categories(context):
        members = [r for r in sample if cat.score(r, context)]
        assert members, cat.name
        assert report[cat.name]["chosen"] >= 1
        assert any(cat.score(r, context)[1] in sample.reasons_for(r) for r in members), cat.name
    assert not sample.notes


def test_the_best_candidates_are_the_extremes_of_the_audience(audience):
    sample = choose("edge", iter(audience), size=80, seed=3, renderer=renderer_for("winter-collection.mjml"))
    longest_first = max(len(r["first_name"]) for r in audience if r.get("first_name"))
    longest_last = max(len(r["last_name"]) for r in audience if r.get("last_name"))
    longest_rec = max(len(x["name"]) for r in audience for x in r.get("recommendations") or ())
    assert any(len(r.get("first_name") or "") == longest_first and "longest first name" in sample.reasons_for(r) for r in sample)
    assert any(len(r.get("last_name") or "") == longest_last and "longest last name" in sample.reasons_for(r) for r in sample)
    assert any(max((len(x["name"]) for x in r.get("recommendations") or ()), default=0) == longest_rec for r in sample)
    send = renderer_for("winter-collection.mjml").campaign.send_date
    minors = [r for r in sample if "minor" in sample.reasons_for(r)]
    assert minors and all(r.get("birth_date") and _age(r, send) < 18 for r in minors)
    youngest = min(_age(r, send) for r in audience if r.get("birth_date"))
    assert min(_age(r, send) for r in minors) == youngest


def test_minors_are_judged_on_the_send_date(audience):
    teen = recipient("teen", birth_date="2008-12-10")  # 18 on 2026-12-10
    adults = [r for r in audience[:400] if r.get("birth_date") and _age(r, dt.date(2026, 12, 1)) >= 18]
    before = choose("edge", iter([*adults, teen]), size=60, seed=0, options={"send_date": "2026-12-01"})
    after = choose("edge", iter([*adults, teen]), size=60, seed=0, options={"send_date": dt.date(2026, 12, 10)})
    assert "minor" in before.reasons_for(next(r for r in before if r["id"] == "teen"))
    assert all("minor" not in after.reasons_for(r) for r in after if r["id"] == "teen")


def test_the_campaigns_occasion_makes_its_opt_outs_the_first_choice(audience):
    sample = choose("edge", iter(audience), size=60, seed=2, renderer=renderer_for("mothers-day.mjml"))
    opted = [r for r in sample if "opted out of mothers_day" in sample.reasons_for(r)]
    assert opted and all("mothers_day" in r["preferences"]["occasion_opt_outs"] for r in opted)


def test_the_rest_is_filled_at_random_and_says_so(audience):
    sample = choose("edge", iter(audience), size=150, seed=5, renderer=renderer_for("wedding-congratulations.mjml"))
    edge = [r for r in sample if sample.reasons_for(r) != ["random"]]
    fill = [r for r in sample if sample.reasons_for(r) == ["random"]]
    assert len(sample) == 150 and edge and fill
    assert len(edge) <= 2 * len(sample.details["categories"])  # at most per_category each


def test_a_small_sample_shows_the_most_harmful_categories_first_and_names_the_rest(audience):
    renderer = renderer_for("new-arrival.mjml")
    sample = choose("edge", iter(audience), size=4, seed=0, renderer=renderer)
    assert len(sample) == 4
    assert all(sample.reasons_for(r) != ["random"] for r in sample)
    reasons = {label for r in sample for label in sample.reasons_for(r)}
    assert "deceased" in reasons and "minor" in reasons
    assert sample.notes and "present but not shown" in sample.notes[0]
    shown = {row["label"] for row in sample.details["categories"] if row["chosen"]}
    missed = {row["label"] for row in sample.details["categories"] if not row["chosen"]}
    assert missed and all(label in sample.notes[0] for label in missed)
    assert not shown & missed


def test_per_category_sets_how_many_of_each(audience):
    one = choose("edge", iter(audience), size=200, seed=0, options={"per_category": 1})
    three = choose("edge", iter(audience), size=200, seed=0, options={"per_category": 3})
    rows = {row["category"]: row for row in three.details["categories"]}
    assert all(row["chosen"] >= min(3, row["present"]) for row in rows.values())
    assert sum(1 for r in one if one.reasons_for(r) != ["random"]) < sum(1 for r in three if three.reasons_for(r) != ["random"])
    assert ids(one) != ids(three)
