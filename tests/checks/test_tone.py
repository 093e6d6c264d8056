"""The ``tone`` family: cruel idioms next to tragedy or sent to a grieving recipient, insults."""

from __future__ import annotations

import pytest

from tests.conftest import make, mjml, recipient, run_checks

FAMILY = "tone"
SIMPLE = mjml("<mj-text>Hi {{ recipient.first_name }}, new recovery gear is in.</mj-text>")


def found(body, recs, **front):
    _, results = run_checks(make(body, **front), recs if isinstance(recs, list) else [recs])
    return [[f for f in r.findings if f.family == FAMILY] for r in results]


def test_adidas_subject_warns_with_the_context():
    [result] = found(SIMPLE, recipient(), subject="Congrats, you survived the Boston Marathon!")
    assert [(f.code, f.part) for f in result] == [("TON001", "subject")]
    f = result[0]
    assert str(f.severity) == "warn"
    assert f.evidence.text == "Congrats, you survived the Boston Marathon!"
    assert f.message == "'you survived' next to 'Boston Marathon'"


def test_adidas_twin_passes():
    assert found(SIMPLE, recipient(), subject="Congrats on finishing the Boston Marathon!") == [[]]


@pytest.mark.parametrize(
    "lines",
    [
        ("One year ago the flood hit Riverside.", "Rebuild with killer deals on furniture all week."),
        ("You survived Hurricane Ida, now get ready for the next one.",),
        ("Recovery after surgery takes time.", "Our pillows are to die for."),
    ],
)
def test_cruel_idiom_within_a_line_of_a_tragedy_warns(lines):
    body = mjml(*(f"<mj-text>{line}</mj-text>" for line in lines))
    assert [f.code for f in found(body, recipient())[0]] == ["TON001"]


def test_idiom_far_from_the_tragedy_or_beside_wine_passes():
    far = mjml(
        "<mj-text>One year ago the flood hit Riverside.</mj-text>",
        "<mj-text>We rebuilt the store with your help.</mj-text>",
        "<mj-text>New lamps are in.</mj-text>",
        "<mj-text>Killer deals on furniture all week.</mj-text>",
    )
    assert found(far, recipient()) == [[]]
    cocktails = mjml("<mj-text>Killer cocktails and wine glasses that are simply to die for.</mj-text>")
    assert found(cocktails, recipient()) == [[]]


@pytest.mark.parametrize(
    ("subject", "fires"),
    [
        ("Baby shower gifts to die for \U0001f37c", True),
        ("Nursery decor that\u2019s simply killer", True),
        ("Baby spinach salads to die for", False),
        ("Desserts to die for \U0001f36b", False),
    ],
)
def test_death_idioms_beside_the_everyday_words_of_pregnancy_and_birth_warn(subject, fires):
    # Found by the held-out corpus: "baby shower" is pregnancy copy as much as "pregnancy" is,
    # and a death idiom beside it reads as it does beside a pregnancy loss.
    body = mjml("<mj-text>Fresh ideas this week.</mj-text>")
    assert [f.code for f in found(body, recipient(), subject=subject)[0]] == (["TON001"] if fires else [])


BEREAVED = [{"type": "bereavement", "source": "declared", "date": "2026-10-15", "subject": "mother"}]


def test_death_idiom_to_a_recently_bereaved_recipient_warns():
    body = mjml("<mj-text>Up to 40% off coats until Sunday.</mj-text>")
    recs = [
        recipient("grieving", life_events=BEREAVED),
        recipient("fine"),
        recipient("long-ago", life_events=[dict(BEREAVED[0], date="2022-03-01")]),
        recipient("ill", life_events=[{"type": "illness", "source": "declared", "date": "2026-09-20"}]),
        recipient("test-data", life_events=[dict(BEREAVED[0], source="test")]),
    ]
    grieving, fine, long_ago, ill, test_data = found(body, recs, subject="Deals to die for this weekend")
    assert [f.code for f in grieving] == ["TON003"]
    assert grieving[0].evidence.data == ["life_events[0]: bereavement of mother, declared, 2026-10-15"]
    assert "recent bereavement" in grieving[0].message
    assert fine == [] and long_ago == [] and test_data == []
    assert [f.code for f in ill] == ["TON003"]


def test_kind_copy_to_a_bereaved_recipient_passes():
    assert found(SIMPLE, recipient(life_events=BEREAVED), subject="Congrats on finishing the Boston Marathon!") == [[]]


@pytest.mark.parametrize(
    "copy",
    ["Lose the baby weight before summer!", "Don\u2019t be a loser this February.", "Still single this Valentine's Day?", "Get your body back after baby."],
)
def test_insults_and_shaming_warn_anywhere(copy):
    body = mjml(f"<mj-text>{copy}</mj-text>")
    assert [f.code for f in found(body, recipient())[0]] == ["TON002"]


def test_ordinary_copy_passes():
    body = mjml("<mj-text>Killer heels for party season and drop-dead gorgeous dresses.</mj-text>")
    assert found(body, recipient()) == [[]]


def test_clean_campaign_is_clean(clean_campaign):
    report, _ = run_checks(clean_campaign, [recipient(life_events=BEREAVED)])
    assert [f for f in report.findings if f.family == FAMILY] == []
