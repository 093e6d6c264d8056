"""Facts about one recipient on one send date: age, life events and their provenance, reversals,
bereavements, occasion opt-outs and the privacy preferences.

Every function is pure: it reads the recipient record (a dict of recipient.schema.json, defaults
not filled in) and, where time matters, the send date. The misfire families share them so that
"declared", "current" and "reversed" mean the same thing in every finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Provenance that makes an event a fact about the recipient (they told us, or it is their own
# transaction); anything else is a guess, bought data or a fixture.
TRUSTED_SOURCES = frozenset({"declared", "observed"})
INFERRED_SOURCES = frozenset({"inferred", "third_party"})
REVERSED_STATUSES = frozenset({"cancelled", "lost"})
# Values of ``subject`` that still mean "the recipient's own event".
_OWN_SUBJECTS = frozenset({"", "self", "recipient", "me", "own"})
# A pregnancy whose due date is this far behind us, with no birth on record, is treated as lost:
# term pregnancies end by 42 weeks, so six weeks past the due date nothing good is left to assume.
DUE_DATE_GRACE_DAYS = 42
# Recommendation reasons that come from behaviour (looking, pinning, searching), i.e. a guess.
BEHAVIOURAL_REASONS = frozenset({"view", "pin", "search", "cart", "click", "wishlist"})


def to_date(value) -> dt.date | None:
    """``value`` as a date: a ``date``, an ISO string, or None when absent or unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def age_on(recipient: dict, on: dt.date) -> int | None:
    """Full years between ``birth_date`` and ``on``; None when the birth date is unknown."""
    born = to_date(recipient.get("birth_date"))
    if born is None:
        return None
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def preferences(recipient: dict) -> dict:
    """The recipient's ``preferences`` object, empty when absent."""
    return recipient.get("preferences") or {}


def is_deceased(recipient: dict) -> bool:
    """The recipient is known to have died."""
    return preferences(recipient).get("deceased") is True


def has_shared_device(recipient: dict) -> bool:
    """The inbox is known to be shared by a household."""
    return preferences(recipient).get("shared_device") is True


def has_sensitive_consent(recipient: dict) -> bool:
    """Explicit consent to personalization from special-category data (default: no)."""
    return preferences(recipient).get("sensitive_personalization_consent") is True


def occasion_opt_outs(recipient: dict) -> list[str]:
    """The occasion ids the recipient asked not to be emailed about."""
    return list(preferences(recipient).get("occasion_opt_outs") or [])


@dataclass(frozen=True)
class Event:
    """One entry of ``life_events`` with the schema defaults applied and its record path."""

    index: int
    type: str
    source: str
    status: str = "happened"
    date: dt.date | None = None
    subject: str | None = None
    confidence: float | None = None
    evidence: str | None = None

    @property
    def path(self) -> str:
        """The entry's path in the record, for evidence lines: ``life_events[2]``."""
        return f"life_events[{self.index}]"

    @property
    def own(self) -> bool:
        """The recipient's own event (no ``subject``, or a subject meaning "self")."""
        return self.subject is None or self.subject.strip().lower() in _OWN_SUBJECTS

    @property
    def trusted(self) -> bool:
        """Declared by the recipient or observed in their own transactions."""
        return self.source in TRUSTED_SOURCES

    @property
    def inferred(self) -> bool:
        """A model's guess or bought data."""
        return self.source in INFERRED_SOURCES


def events(recipient: dict, types=None, *, own: bool | None = None) -> list[Event]:
    """The recipient's life events, optionally only of ``types`` and only own (or others')."""
    wanted = None if types is None else frozenset(types)
    out = []
    for index, raw in enumerate(recipient.get("life_events") or ()):
        if not isinstance(raw, dict):
            continue
        if wanted is not None and raw.get("type") not in wanted:
            continue
        event = Event(
            index=index,
            type=raw.get("type", ""),
            source=raw.get("source", ""),
            status=raw.get("status") or "happened",
            date=to_date(raw.get("date")),
            subject=raw.get("subject"),
            confidence=raw.get("confidence"),
            evidence=raw.get("evidence"),
        )
        if own is None or event.own == own:
            out.append(event)
    return out


def reversal(event: Event, recipient: dict, on: dt.date, grace_days: int = DUE_DATE_GRACE_DAYS) -> str | None:
    """Why ``event`` no longer holds, or None: ``lost``, ``cancelled``, or an overdue due date.

    A pregnancy still ``expected`` more than ``grace_days`` after its due date, with no birth or
    adoption on record around that date, is treated as reversed: either it ended in a loss or the
    data is too stale to congratulate anyone on.
    """
    if event.status in REVERSED_STATUSES:
        return event.status
    overdue = event.type == "pregnancy" and event.status == "expected" and event.date is not None and (on - event.date).days > grace_days
    if overdue and not _birth_near(recipient, event.date):
        return f"overdue (due {event.date.isoformat()}, no birth on record)"
    return None


def _birth_near(recipient: dict, due: dt.date) -> bool:
    # A birth counts when undated or within ten months of the due date (either side), so an
    # older sibling's birth does not rescue a later pregnancy.
    for ev in events(recipient, ("new_baby", "adoption"), own=True):
        if ev.source == "test" or ev.status in REVERSED_STATUSES:
            continue
        if ev.date is None or abs((ev.date - due).days) <= 300:
            return True
    return False


def is_current(event: Event, on: dt.date, current_days: int | None, before_days: int | None = None, recurring: bool = False) -> bool:
    """Whether a claim about ``event`` still fits on ``on``.

    A future date is current (a wedding next June is "your big day" all year); a past date is
    current for ``current_days`` (None: forever); an undated event cannot be shown stale and
    counts as current. ``recurring`` events (birthdays, anniversaries) are judged against the
    nearest yearly return of the date: current from ``before_days`` before it to
    ``current_days`` after it.
    """
    if event.date is None:
        return True
    if recurring:
        delta = days_from_anniversary(event.date, on)
        return -(before_days or 0) <= delta <= (current_days or 0)
    age = (on - event.date).days
    return age <= 0 or current_days is None or age <= current_days


def days_from_anniversary(date: dt.date, on: dt.date) -> int:
    """Signed days from the nearest yearly return of ``date`` to ``on`` (negative: it is ahead)."""
    best = None
    for year in (on.year - 1, on.year, on.year + 1):
        try:
            anniversary = date.replace(year=year)
        except ValueError:  # 29 February in a common year: celebrate on 28 February
            anniversary = dt.date(year, 2, 28)
        delta = (on - anniversary).days
        if best is None or abs(delta) < abs(best):
            best = delta
    return best


def bereavements(recipient: dict, on: dt.date | None = None, *, within_days: int | None = None, subjects=None) -> list[Event]:
    """Bereavement events (not test data), optionally only recent ones or of given people.

    ``subjects`` (e.g. ``{"mother", "mum", "mom"}``) matches the event's ``subject`` case-
    insensitively. With ``within_days`` an event dated longer ago than that is left out; an
    undated bereavement is kept, because we cannot tell that it is old.
    """
    wanted = None if subjects is None else {s.lower() for s in subjects}
    out = []
    for ev in events(recipient, ("bereavement",)):
        if ev.source == "test":
            continue
        if wanted is not None and (ev.subject or "").strip().lower() not in wanted:
            continue
        if within_days is not None and on is not None and ev.date is not None and (on - ev.date).days > within_days:
            continue
        out.append(ev)
    return out


def inferred_attribute(recipient: dict, name: str) -> bool:
    """The custom field ``name`` comes from a guess or bought data (``attribute_sources``)."""
    return (recipient.get("attribute_sources") or {}).get(name) in INFERRED_SOURCES


def declared_attribute(recipient: dict, name: str) -> bool:
    """The custom field ``name`` holds a value the recipient gave (or that was observed)."""
    value = (recipient.get("attributes") or {}).get(name)
    if value in (None, "", False, [], {}):
        return False
    return (recipient.get("attribute_sources") or {}).get(name, "declared") in TRUSTED_SOURCES


def is_behavioural(recipient: dict, index: int) -> bool:
    """Recommendation ``index`` was chosen from behaviour (views, pins, searches...)."""
    recs = recipient.get("recommendations") or []
    if not 0 <= index < len(recs):
        return False
    reason = recs[index].get("reason") or {}
    return reason.get("type") in BEHAVIOURAL_REASONS


def has_inferred_data(recipient: dict) -> bool:
    """Whether any part of the record is a guess: inferred events, fields, behaviour."""
    if any(ev.inferred for ev in events(recipient)):
        return True
    if any(src in INFERRED_SOURCES for src in (recipient.get("attribute_sources") or {}).values()):
        return True
    if recipient.get("activity"):
        return True
    return any(is_behavioural(recipient, i) for i in range(len(recipient.get("recommendations") or ())))
