"""``GET /api/v1/verdict``: the send-time gate of one recipient, for ESP templates (Braze Connected Content).

``?campaign=<id>&recipient=<id>[&version=<n>][&send_date=YYYY-MM-DD]`` answers::

    {"block": true, "verdict": "block",
     "reasons": [{"code": "LIF001", "severity": "block", "message": "..."}],
     "warnings": [...], "campaign": {"id": "newlywed-picks", "version": 3}, "recipient": {"id": "r-1001"}}

The answer depends only on the campaign version, the recipient's record, the check settings and
the send date, so it is computed once and cached (in this process, and in Redis when one is
configured), and it carries an ETag and ``Cache-Control: private, max-age=PREVIEW_API_VERDICT_MAX_AGE``:
a repeated call, from any server process, gets the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask import Response, request

import preview
from preview.api import bp
from preview.api.auth import caller, requires
from preview.api.lookups import for_version, stored_record, version_ref
from preview.api.payload import date, positive_int, text
from preview.api.prepared import date_key
from preview.api.state import api
from preview.report import Report


def verdict_body(report: Report, slug: str, version: int, recipient_id: str) -> dict:
    """The gate's answer for one report."""
    def reason(f):
        return {"code": f.code, "severity": str(f.severity), "message": f.message}

    return {
        "block": report.verdict == "block",
        "verdict": report.verdict,
        "reasons": [reason(f) for f in report.findings if str(f.severity) == "block"],
        "warnings": [reason(f) for f in report.findings if str(f.severity) == "warn"],
        "campaign": {"id": slug, "version": version},
        "recipient": {"id": recipient_id},
    }


def cache_key(workspace_id: int, version_id: int, record: dict, send_date: dt.date | None, settings_key: str) -> str:
    """What a verdict depends on, hashed: version, the record's content, settings, date, code version.

    Without an explicit send date the version's own date applies, or today's: today is in the
    key, so the key is known without compiling the campaign.
    """
    record_hash = hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()
    parts = [preview.__version__, str(workspace_id), str(version_id), record_hash, date_key(send_date), settings_key]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@bp.get("/verdict")
@requires("verdict")
def verdict():
    """Whether one recipient's email of one campaign may be sent, with the reasons."""
    workspace = caller().workspace
    slug = text(request.args.get("campaign"), "campaign", max_length=100)
    recipient_id = text(request.args.get("recipient"), "recipient", max_length=200)
    number = positive_int(request.args.get("version"), "version")
    send_date = date(request.args.get("send_date"), "send_date")
    version = version_ref(workspace, slug, number, field="campaign", recipient_id=recipient_id)
    record = version.record if version.record is not None else stored_record(workspace, recipient_id, field="recipient")
    state = api()
    key = cache_key(workspace.id, version.id, record, send_date, repr(state.prepared.check_settings))
    body = state.verdicts.get(key)
    if body is None:
        report = for_version(version, {}, send_date).evaluate(record)
        body = json.dumps(verdict_body(report, slug, version.number, recipient_id), sort_keys=True, separators=(",", ":"))
        state.verdicts.set(key, body, state.verdict_max_age)
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.max_age = state.verdict_max_age
    return response.make_conditional(request)
