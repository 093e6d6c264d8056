"""Which recipients the current reviewer has revealed, and the masker every view uses.

A reveal is per recipient (their record ``id``), lasts ``PREVIEW_REVEAL_MINUTES`` and lives in
the signed session cookie; the audit log keeps who revealed whom and when. A viewer never sees
unmasked data, even with a reveal left in their session from before a role change.
"""

from __future__ import annotations

import time

from flask import session

from preview.extension import state
from preview.web.auth import can
from preview.web.masking import Masker

_KEY = "preview_reveals"
MAX_REVEALS = 50  # the cookie stays small; the oldest reveal goes first


def _reveals() -> dict[str, float]:
    now = time.time()
    return {rid: until for rid, until in (session.get(_KEY) or {}).items() if until > now}


def is_revealed(external_id: str | None) -> bool:
    """Whether the current user may see this recipient's e-mail and names unmasked."""
    return bool(external_id) and can("reviewer") and external_id in _reveals()


def reveal(external_id: str) -> None:
    """Remember that the current reviewer revealed ``external_id`` (the caller audits it)."""
    reveals = _reveals()
    reveals[external_id] = time.time() + 60 * float(state().config["PREVIEW_REVEAL_MINUTES"])
    if len(reveals) > MAX_REVEALS:
        reveals = dict(sorted(reveals.items(), key=lambda kv: kv[1])[-MAX_REVEALS:])
    session[_KEY] = reveals


def hide(external_id: str) -> None:
    """Mask ``external_id`` again."""
    reveals = _reveals()
    reveals.pop(external_id, None)
    session[_KEY] = reveals


def masker_for(record: dict | None) -> Masker:
    """The masker for one recipient's record, revealing only what this user revealed."""
    record = record or {}
    return Masker(record, reveal=is_revealed(record.get("id")))
