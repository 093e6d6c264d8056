"""Reading a strategy's options (``params["sampling"]`` of a run, or the CLI's flags).

Options arrive as JSON from the API as often as from Python, so each is checked here and a bad
one is an :class:`InputError` that names it (``sampling.max_scan``).
"""

from __future__ import annotations

import datetime as dt

from preview.contract.errors import InputError


def int_option(options: dict, name: str, default: int | None, minimum: int = 1) -> int | None:
    """Option ``name`` as an int of at least ``minimum``; ``default`` when absent or null."""
    value = options.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"expected a whole number, got {value!r}", field=f"sampling.{name}")
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"expected a whole number, got {value!r}", field=f"sampling.{name}") from None
    if number < minimum:
        raise InputError(f"must be at least {minimum}, got {number}", field=f"sampling.{name}")
    return number


def list_option(options: dict, name: str) -> list[str]:
    """Option ``name`` as a list of strings (empty when absent)."""
    value = options.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"expected a list of names, got {value!r}", field=f"sampling.{name}")
    return list(value)


def send_date_option(options: dict, renderer=None) -> dt.date:
    """The send date a strategy judges ages and renders branches on.

    ``options["send_date"]`` (a date or an ISO string), else the campaign's, else today: the
    same order :class:`preview.pipeline.CheckRun` uses.
    """
    value = options.get("send_date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"expected a date like 2026-12-10, got {value!r}", field="sampling.send_date") from None
    campaign = getattr(renderer, "campaign", None)
    return getattr(campaign, "send_date", None) or dt.date.today()
