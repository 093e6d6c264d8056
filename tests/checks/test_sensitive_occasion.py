"""The ``sensitive-occasion`` family: occasions against opt-outs and the loss of their person."""

from __future__ import annotations

import pytest

from preview.checks.model import Severity
from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "sensitive-occasion"


def ev(kind: str, source: str = "declared", **fields) -> dict:
    return {"type": kind, "source": source, **fields}


def found(copy: str, rec, **front):
    report, _ = run_checks(make(mjml(f"<mj-text>{copy}</mj-text>"), **front), [rec])
    return [f for f in report.findings if f.family == FAMILY]


def opted_out(*occasions):
    return recipient(preferences={"occasion_opt_outs": list(occasions)})


MOTHERS_DAY = "Flowers, candles and treats for Mum, delivered by Sunday."
FATHERS_DAY = "Grills, tools and whisky glasses: Father's Day gifts he'll love."


# -- OCC001: opt-outs -----------------------------------------------------------------------------


def test_mothers_day_campaign_to_an_opt_out_blocks_in_each_part_it_appears():
    result = found(MOTHERS_DAY, opted_out("mothers_day"), subject="Spoil Mum this Mother's Day", occasion="mothers_day")
    assert {(f.code, f.part, f.evidence.text) for f in result} == {
        ("OCC001", "subject", "Spoil Mum this Mother's Day"),
        ("OCC001", "html", "Flowers, candles and treats for Mum, delivered by Sunday."),
    }
    assert all(f.severity is Severity.BLOCK for f in result)
    assert result[0].evidence.data == ["preferences.occasion_opt_outs: ['mothers_day']", "campaign occasion: mothers_day (front matter)"]


def test_fathers_day_email_to_a_mothers_day_opt_out_passes():
    assert found(FATHERS_DAY, opted_out("mothers_day"), occasion="fathers_day") == []
    assert [f.code for f in found(FATHERS_DAY, opted_out("fathers_day"), occasion="fathers_day")] == ["OCC001"]


@pytest.mark.parametrize(
    "copy",
    [
        "Last chance for Mother’s Day delivery: order by Thursday.",
        "Mothering Sunday is on 7 March.",
        "MOTHERS DAY IS COMING",
        "Happy Mothers' Day!",
        "Gifts for Mom, wrapped for free.",
    ],
)
def test_occasion_words_in_any_email_count(copy):
    [f] = found(copy, opted_out("mothers_day"))
    assert f.code == "OCC001" and f.args["occasion"] == "mothers_day"
    assert f.evidence.data == ["preferences.occasion_opt_outs: ['mothers_day']"]


@pytest.mark.parametrize(
    "copy",
    [
        "Essentials for mum and baby: muslins and bottles.",
        "Everything for new mums, from feeding pillows to sleep.",
        "Our spring collection: fresh linen and garden lights.",
    ],
)
def test_look_alikes_and_other_copy_pass(copy):
    assert found(copy, opted_out("mothers_day")) == []


def test_front_matter_occasion_alone_is_enough():
    [f] = found("Fresh linen for spring.", opted_out("mothers_day"), subject="Something for spring", occasion="mothers_day")
    assert (f.code, f.part, f.args["said"]) == ("OCC001", "subject", "occasion: mothers_day")


def test_every_opted_out_occasion_is_judged():
    result = found("Valentine's Day and Mother's Day gifts.", opted_out("valentines_day", "mothers_day", "easter"))
    assert sorted(f.args["occasion"] for f in result) == ["mothers_day", "valentines_day"]


# -- OCC002: bereavement of the occasion's person -------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "copy", "occasion"),
    [
        ("mother", MOTHERS_DAY, "mothers_day"),
        ("Mum", MOTHERS_DAY, "mothers_day"),
        ("stepmother", MOTHERS_DAY, "mothers_day"),
        ("father", FATHERS_DAY, "fathers_day"),
        ("husband", "Everything for your valentine.", "valentines_day"),
        ("grandmother", "Grandparents Day is Sunday: gifts for Grandma.", "grandparents_day"),
    ],
)
def test_occasion_after_the_death_of_its_person_blocks(subject, copy, occasion):
    rec = recipient(life_events=[ev("bereavement", subject=subject, date="2019-05-01")])
    result = found(copy, rec)
    assert result and {f.code for f in result} == {"OCC002"} and result[0].args["occasion"] == occasion
    assert result[0].evidence.data == [f"life_events[0]: bereavement of {subject}, declared, 2019-05-01"]


@pytest.mark.parametrize(
    "event",
    [
        ev("bereavement", subject="mother", date="2019-05-01"),  # another person's occasion
        ev("retirement", subject="father", date="2026-06-01"),  # not a loss
        ev("bereavement", "test", subject="father"),  # fixture data
    ],
)
def test_other_losses_and_other_events_pass_for_fathers_day(event):
    assert found(FATHERS_DAY, recipient(life_events=[event]), occasion="fathers_day") == []


def test_clean_campaign_reaches_opt_outs_and_the_bereaved(clean_campaign):
    recs = [opted_out("mothers_day", "christmas"), recipient("r2", life_events=[ev("bereavement", subject="mother")])]
    report, _ = run_checks(clean_campaign, recs)
    assert [f for f in report.findings if f.family == FAMILY] == []
