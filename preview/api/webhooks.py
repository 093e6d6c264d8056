"""Inbound webhooks: ``POST /api/v1/webhooks/<workspace>/events``, signed events from an ESP.

An ESP (or any sending pipeline) that can sign its webhooks tells us a send is about to happen
and gets a campaign gate started, without holding an API token in its webhook settings. The
request is authenticated by its signature alone: ``Preview-Signature: t=<unix>,v1=<hex>``,
HMAC-SHA256 over ``"<t>.<raw body>"`` with the workspace's signing secret (``preview token
secret --workspace <slug>``; see preview.api.signing). A timestamp more than
``PREVIEW_WEBHOOK_TOLERANCE`` seconds off is refused, and so is a signature already received
(a replay); the event ``id`` is also the run's idempotency key, so an event re-sent with a new
signature still starts one run only.

Accepted events::

    {"id": "evt_8f2c", "type": "campaign.send_requested",
     "data": {"campaign": "newlywed-picks", "version": 3, "sample": {"size": 500},
              "send_date": "2026-12-10", "callback_url": "https://esp.example.com/preview-result"}}

``data`` takes what ``POST /campaigns/<id>/presend`` takes, plus ``campaign``. The answer is 202
with the run, as for the presend call.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import request

from preview.api import bp, signing
from preview.api.auth import limit
from preview.api.errors import ApiError
from preview.api.payload import body_bytes, field, json_object, text
from preview.api.run_view import run_json
from preview.api.runs import start_presend
from preview.api.state import api
from preview.extension import db
from preview.store.models import Workspace

EVENT_TYPES = ("campaign.send_requested",)


def _signature_error(message: str) -> ApiError:
    return ApiError("invalid_signature", f"{message}. Sign '<t>.<raw body>' with HMAC-SHA256 under the workspace's signing secret.", field=signing.HEADER)


@bp.post("/webhooks/<workspace>/events")
def inbound_event(workspace: str):
    """Receive one signed event for ``workspace``."""
    state = api()
    raw = body_bytes()
    header = request.headers.get(signing.HEADER)
    found = db().scalar(sa.select(Workspace).where(Workspace.slug == workspace[:100]))
    # An unknown workspace gets the answer of a wrong signature: nothing tells it apart.
    try:
        secret = signing.workspace_secret(state.callbacks.master_secret, workspace)
        signing.verify(secret, raw, header, tolerance=state.webhook_tolerance)
    except (signing.SignatureError, ValueError) as exc:  # ValueError: no master secret configured
        raise _signature_error(str(exc)) from None
    if found is None:
        raise _signature_error("no signature matches the body under this workspace's secret")
    limit(f"workspace:{found.id}")
    seen_key = hashlib.sha256(f"{found.id}:{header}".encode()).hexdigest()
    if not state.replays.add(seen_key, ttl=2 * max(state.webhook_tolerance, 1)):
        raise ApiError("webhook_replayed", "This signed request was already received; send a new event (or the same event with a new signature).", field=signing.HEADER)
    event = json_object()
    event_id = text(event.get("id"), "id", max_length=150)
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ApiError("invalid_request", f"'type' must be one of: {', '.join(EVENT_TYPES)}.", field="type")
    data = field(event, "data", dict, required=True)
    slug = text(data.get("campaign"), "data.campaign", max_length=100)
    body = {k: v for k, v in data.items() if k != "campaign"}
    run, created = start_presend(found, slug, body, f"event:{event_id}", f"webhook:{event_id}"[:200])
    view = run_json(db(), run, prefix=state.prefix)
    return {"run": view}, 202 if created else 200, {"Location": view["url"], "Cache-Control": "no-store"}
