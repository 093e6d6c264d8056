"""Stratified sampling: proportional seats per primary segment, one pass, a reservoir per stratum."""

from collections import Counter

import pytest

from preview.sampling import choose
from preview.sampling.stratified import NO_SEGMENT, allocate, primary_segment
from tests.conftest import recipient


def test_the_primary_segment_is_the_first_listed_unless_a_priority_says_otherwise():
    assert primary_segment(recipient(segments=["newsletter", "vip"]), {}) == "newsletter"
    assert primary_segment(recipient(segments=["newsletter", "vip"]), {"vip": 0}) == "vip"
    assert primary_segment(recipient(segments=["newsletter", "lapsed", "vip"]), {"vip": 0, "lapsed": 1}) == "vip"
    assert primary_segment(recipient(segments=["newsletter"]), {"vip": 0}) == "newsletter"
    assert primary_segment(recipient(segments=[]), {}) == NO_SEGMENT
    assert primary_segment(recipient(), {}) == NO_SEGMENT


@pytest.mark.parametrize(
    ("populations", "size", "expected"),
    [
        ({"a": 500, "b": 300, "c": 200}, 10, {"a": 5, "b": 3, "c": 2}),
        ({"a": 670, "b": 330}, 10, {"a": 7, "b": 3}),  # largest remainder: 6.7 -> 7, 3.3 -> 3
        ({"a": 990, "b": 5, "c": 5}, 10, {"a": 8, "b": 1, "c": 1}),  # a seat for every stratum
        ({"a": 50, "b": 30, "c": 20}, 2, {"a": 1, "b": 1, "c": 0}),  # too few seats: largest first
        ({"a": 3, "b": 1}, 10, {"a": 3, "b": 1}),  # everyone
        ({"b": 5, "a": 5}, 3, {"a": 2, "b": 1}),  # ties go to the name, not the order of arrival
    ],
)
def test_allocation(populations, size, expected):
    seats = allocate(populations, size)
    assert seats == expected
    assert sum(seats.values()) == min(size, sum(populations.values()))


def test_proportions_hold_on_the_demo_audience(audience):
    sample = choose("stratified", iter(audience), size=200, seed=4)
    population = Counter(primary_segment(r, {}) for r in audience)
    chosen = Counter(primary_segment(r, {}) for r in sample)
    assert len(sample) == 200 and sum(population.values()) == len(audience)
    assert len(population) >= 5  # the demo has several segments and people with none
    for stratum, n in population.items():
        quota = 200 * n / len(audience)
        assert abs(chosen[stratum] - quota) < 1, (stratum, chosen[stratum], quota)
    # What the sample reports about itself is what it holds.
    strata = {row["segment"] or NO_SEGMENT: row for row in sample.details["strata"]}
    assert {s: row["population"] for s, row in strata.items()} == dict(population)
    assert {s: row["chosen"] for s, row in strata.items()} == dict(chosen)
    for r in sample:
        stratum = primary_segment(r, {})
        assert sample.reasons_for(r) == ([f"segment {stratum}"] if stratum else ["no segment"])


def test_a_recipient_in_several_segments_counts_once_in_its_primary_segment(audience):
    multi = [r for r in audience if len(r.get("segments") or ()) > 1]
    assert multi
    sample = choose("stratified", iter(audience), size=300, seed=1, options={"segment_priority": ["vip"]})
    assert len({r["id"] for r in sample}) == 300
    vip = sum(1 for r in audience if "vip" in (r.get("segments") or ()))
    row = next(row for row in sample.details["strata"] if row["segment"] == "vip")
    assert row["population"] == vip  # everyone in vip counts there, whatever else they are in
    assert sample.details["primary_segment"].startswith("segment_priority")


def test_small_strata_get_a_seat_and_a_too_small_sample_says_who_was_left_out(audience):
    stream = [*audience[:500], *(recipient(f"rare{i}", segments=["rare"]) for i in range(3))]
    sample = choose("stratified", iter(stream), size=20, seed=2)
    assert sum(1 for r in sample if r.get("segments") == ["rare"]) == 1
    tiny = choose("stratified", iter(stream), size=3, seed=2)
    assert len(tiny) == 3
    assert tiny.notes and "got no seat" in tiny.notes[0] and "segment rare" in tiny.notes[0]


def test_each_stratum_is_sampled_uniformly():
    stream = [recipient(f"a{i}", segments=["a"]) for i in range(6)] + [recipient(f"b{i}", segments=["b"]) for i in range(6)]
    counts = Counter(r["id"] for seed in range(1500) for r in choose("stratified", iter(stream), size=4, seed=seed))
    assert set(counts) == {r["id"] for r in stream}
    assert all(380 < n < 620 for n in counts.values()), counts  # 2 of 6 per stratum: 500 expected
