"""choose(): the entry point, the random strategy, the Sample result, and seeded reservoirs."""

from collections import Counter

import pytest

from preview.contract.errors import InputError
from preview.sampling import STRATEGIES, Sample, choose
from preview.sampling.random import KeyedReservoir, seeded_rng
from tests.sampling.conftest import ids, renderer_for


def test_every_strategy_returns_a_list_of_records_in_stream_order(audience):
    renderer = renderer_for("wedding-congratulations.mjml")
    position = {r["id"]: i for i, r in enumerate(audience)}
    for name in STRATEGIES:
        sample = choose(name, iter(audience[:400]), size=30, seed=3, renderer=renderer)
        assert isinstance(sample, list) and isinstance(sample, Sample)
        assert len(sample) == 30 and len(set(ids(sample))) == 30
        assert [position[i] for i in ids(sample)] == sorted(position[i] for i in ids(sample))
        assert sample.population == 400
        assert set(sample.reasons) == set(ids(sample))
        assert all(sample.reasons_for(r) for r in sample), name


def test_every_strategy_is_deterministic_for_a_seed(audience):
    renderer = renderer_for("new-arrival.mjml")
    for name in STRATEGIES:
        first = choose(name, iter(audience[:600]), size=40, seed=11, renderer=renderer)
        again = choose(name, iter(audience[:600]), size=40, seed=11, renderer=renderer)
        other = choose(name, iter(audience[:600]), size=40, seed=12, renderer=renderer)
        assert ids(first) == ids(again) and first.reasons == again.reasons, name
        assert ids(first) != ids(other), name


def test_a_sample_larger_than_the_audience_is_the_whole_audience(audience):
    renderer = renderer_for("mothers-day.mjml")
    for name in STRATEGIES:
        sample = choose(name, iter(audience[:25]), size=100, seed=0, renderer=renderer)
        assert ids(sample) == ids(audience[:25]), name


def test_random_sample_is_uniform_and_says_so(audience):
    sample = choose("random", iter(audience), size=50, seed="7")
    assert all(sample.reasons_for(r) == ["random"] for r in sample)
    assert sample.to_dict()["recipients"][0] == {"id": sample[0]["id"], "reasons": ["random"]}
    # Over many seeds every record of a small stream is picked about equally often.
    counts = Counter(i for seed in range(2000) for i in ids(choose("random", iter(audience[:10]), size=3, seed=seed)))
    assert set(counts) == set(ids(audience[:10]))
    assert all(450 < n < 750 for n in counts.values()), counts  # 600 expected each


def test_keyed_reservoir_keeps_the_smallest_keys_and_any_prefix_is_uniform():
    pool = KeyedReservoir(4)
    for index, key in enumerate([0.9, 0.1, 0.5, 0.3, 0.7, 0.05, 0.6]):
        pool.offer(key, index, f"item{index}")
    assert [item for _, _, item in pool.smallest()] == ["item5", "item1", "item3", "item2"]
    assert [item for _, _, item in pool.smallest(2)] == ["item5", "item1"]
    counts = Counter()
    for seed in range(3000):
        rng, prefix = seeded_rng(seed, "test"), KeyedReservoir(5)
        for index in range(8):
            prefix.offer(rng.random(), index, index)
        counts.update(item for _, _, item in prefix.smallest(2))
    assert all(600 < n < 900 for n in counts.values()), counts  # 750 expected each


def test_seeds_given_as_text_or_numbers_draw_alike(audience):
    assert ids(choose("stratified", iter(audience[:300]), size=20, seed=5)) == ids(choose("stratified", iter(audience[:300]), size=20, seed="5"))


def test_unknown_strategy_and_bad_size_are_input_errors(audience):
    with pytest.raises(InputError, match="unknown sampling strategy 'clever'") as caught:
        choose("clever", iter(audience), size=5)
    assert caught.value.field == "sampling.strategy"
    for size in (0, -3, "10", True):
        with pytest.raises(InputError, match="sample size") as caught:
            choose("random", iter(audience), size=size)
        assert caught.value.field == "size"


def test_bad_options_name_the_option(audience):
    with pytest.raises(InputError) as caught:
        choose("edge", iter(audience[:10]), size=5, options={"per_category": "many"})
    assert caught.value.field == "sampling.per_category"
    with pytest.raises(InputError) as caught:
        choose("coverage", iter(audience[:10]), size=5, renderer=renderer_for("mothers-day.mjml"), options={"max_scan": 0})
    assert caught.value.field == "sampling.max_scan"
    with pytest.raises(InputError) as caught:
        choose("edge", iter(audience[:10]), size=5, options={"send_date": "next week"})
    assert caught.value.field == "sampling.send_date"
    with pytest.raises(InputError) as caught:
        choose("stratified", iter(audience[:10]), size=5, options={"segment_priority": [1, 2]})
    assert caught.value.field == "sampling.segment_priority"
