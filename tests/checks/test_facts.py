"""Recipient facts on a send date (preview/checks/facts.py): age, events, reversals, bereavements."""

from __future__ import annotations

import datetime as dt

import pytest

from preview.checks import facts
from tests.conftest import recipient

ON = dt.date(2026, 12, 1)


def ev(kind: str, source: str = "declared", **fields) -> dict:
    return {"type": kind, "source": source, **fields}


# -- age ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "age"),
    [
        ("2008-12-01", 18),  # eighteenth birthday on the send date: adult
        ("2008-12-02", 17),  # one day short
        ("1985-04-02", 41),
        (None, None),
        ("not a date", None),
    ],
)
def test_age_is_full_years_on_the_send_date(birth_date, age):
    assert facts.age_on(recipient(birth_date=birth_date), ON) == age


def test_leap_day_birthdays_count_from_1_march_in_common_years():
    rec = recipient(birth_date="2008-02-29")
    assert facts.age_on(rec, dt.date(2026, 2, 28)) == 17
    assert facts.age_on(rec, dt.date(2026, 3, 1)) == 18


def test_missing_birth_date_is_unknown_not_adult():
    rec = recipient()
    del rec["birth_date"]
    assert facts.age_on(rec, ON) is None


# -- events ---------------------------------------------------------------------------------------


def test_events_fill_schema_defaults_and_keep_their_record_path():
    rec = recipient(life_events=[ev("new_home", date="2026-11-01"), ev("wedding", "inferred", confidence=0.7, evidence="pins")])
    home, wedding = facts.events(rec)
    assert (home.status, home.date, home.path, home.trusted, home.inferred) == ("happened", dt.date(2026, 11, 1), "life_events[0]", True, False)
    assert (wedding.path, wedding.trusted, wedding.inferred, wedding.confidence) == ("life_events[1]", False, True, 0.7)


def test_events_filter_by_type_and_by_whose_event_it_is():
    rec = recipient(life_events=[ev("wedding", subject="sister"), ev("wedding"), ev("wedding", subject="Self"), ev("new_job")])
    assert [e.index for e in facts.events(rec, ["wedding"])] == [0, 1, 2]
    assert [e.index for e in facts.events(rec, ["wedding"], own=True)] == [1, 2]
    assert [e.index for e in facts.events(rec, ["wedding"], own=False)] == [0]
    assert facts.events(recipient(), ["wedding"]) == []


@pytest.mark.parametrize(
    ("event", "extra", "why"),
    [
        (ev("pregnancy", status="lost", date="2026-10-01"), [], "lost"),
        (ev("wedding", status="cancelled"), [], "cancelled"),
        (ev("pregnancy", status="expected", date="2026-08-01"), [], "overdue (due 2026-08-01, no birth on record)"),
        # A birth near the due date is the happy ending, not a loss.
        (ev("pregnancy", status="expected", date="2026-08-01"), [ev("new_baby", date="2026-07-28")], None),
        # An older sibling's birth, years before, does not explain a missed due date.
        (ev("pregnancy", status="expected", date="2026-08-01"), [ev("new_baby", date="2022-01-05")], "overdue (due 2026-08-01, no birth on record)"),
        (ev("pregnancy", status="expected", date="2026-11-01"), [], None),  # within six weeks of the due date
        (ev("pregnancy", status="expected", date="2027-03-01"), [], None),
        (ev("wedding", date="2020-01-01"), [], None),  # old is stale, not reversed
    ],
)
def test_reversal(event, extra, why):
    rec = recipient(life_events=[event, *extra])
    assert facts.reversal(facts.events(rec)[0], rec, ON) == why


@pytest.mark.parametrize(
    ("date", "window", "current"),
    [
        ("2027-06-01", 365, True),  # future: always current
        ("2026-06-01", 365, True),
        ("2025-11-30", 365, False),
        ("2020-01-01", None, True),  # no window: never stale
        (None, 30, True),  # undated: cannot be shown stale
    ],
)
def test_is_current(date, window, current):
    event = facts.Event(index=0, type="wedding", source="declared", date=facts.to_date(date))
    assert facts.is_current(event, ON, window) is current


@pytest.mark.parametrize(
    ("date", "current"),
    [("1990-12-05", True), ("1990-11-15", True), ("1990-06-15", False), ("1990-01-10", False), ("1990-12-30", True)],
)
def test_recurring_events_are_judged_against_their_yearly_return(date, current):
    event = facts.Event(index=0, type="birthday", source="declared", date=facts.to_date(date))
    assert facts.is_current(event, ON, 31, 31, recurring=True) is current


def test_days_from_anniversary_wraps_the_year_and_handles_29_february():
    assert facts.days_from_anniversary(dt.date(1990, 1, 3), dt.date(2026, 12, 30)) == -4
    assert facts.days_from_anniversary(dt.date(1990, 12, 28), dt.date(2027, 1, 2)) == 5
    assert facts.days_from_anniversary(dt.date(2000, 2, 29), dt.date(2027, 3, 1)) == 1


# -- bereavements, preferences, provenance --------------------------------------------------------


def test_bereavements_by_person_and_recency():
    rec = recipient(life_events=[
        ev("bereavement", subject="Mother", date="2019-05-01"),
        ev("bereavement", subject="father", date="2026-10-01"),
        ev("bereavement", subject="grandmother"),
        ev("bereavement", "test", subject="mother"),
        ev("wedding"),
    ])
    assert [e.index for e in facts.bereavements(rec)] == [0, 1, 2]
    assert [e.index for e in facts.bereavements(rec, subjects={"mother", "mum"})] == [0]
    # Undated losses stay in: we cannot tell they are old.
    assert [e.index for e in facts.bereavements(rec, ON, within_days=365)] == [1, 2]


def test_preferences_default_to_the_safe_reading():
    rec = recipient()
    assert not facts.is_deceased(rec) and not facts.has_shared_device(rec) and not facts.has_sensitive_consent(rec)
    assert facts.occasion_opt_outs(rec) == []
    rec = recipient(preferences={"deceased": True, "shared_device": True, "sensitive_personalization_consent": True, "occasion_opt_outs": ["mothers_day"]})
    assert facts.is_deceased(rec) and facts.has_shared_device(rec) and facts.has_sensitive_consent(rec)
    assert facts.occasion_opt_outs(rec) == ["mothers_day"]


def test_attribute_provenance():
    rec = recipient(attributes={"condition": "asthma", "diet": "vegan", "registry": ""}, attribute_sources={"condition": "inferred"})
    assert facts.inferred_attribute(rec, "condition") and not facts.inferred_attribute(rec, "diet")
    assert facts.declared_attribute(rec, "diet") and not facts.declared_attribute(rec, "condition")
    assert not facts.declared_attribute(rec, "registry")  # empty is not a value
    assert not facts.declared_attribute(rec, "absent")


def test_inferred_data_is_guessed_events_fields_or_behaviour():
    assert not facts.has_inferred_data(recipient(life_events=[ev("wedding")], recommendations=[{"sku": "a", "name": "A", "reason": {"type": "bestseller"}}]))
    assert facts.has_inferred_data(recipient(life_events=[ev("wedding", "third_party")]))
    assert facts.has_inferred_data(recipient(attribute_sources={"x": "inferred"}))
    assert facts.has_inferred_data(recipient(activity=[{"type": "pin", "date": "2026-11-01"}]))
    rec = recipient(recommendations=[{"sku": "a", "name": "A", "reason": {"type": "view"}}])
    assert facts.has_inferred_data(rec) and facts.is_behavioural(rec, 0) and not facts.is_behavioural(rec, 3)
