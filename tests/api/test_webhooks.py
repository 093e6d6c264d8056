"""Webhook signatures (Stripe-style) and signed inbound events that start a campaign gate."""

from __future__ import annotations

import json
import time

import pytest

from preview.api import signing
from tests.api.conftest import MASTER, wait_for_run

SECRET = "whsec_test"


def test_a_signature_verifies_over_timestamp_and_body():
    body = b'{"a": 1}'
    header = signing.sign(SECRET, body, timestamp=1_767_225_600)
    assert header.startswith("t=1767225600,v1=") and len(header.split("v1=")[1]) == 64
    assert signing.verify(SECRET, body, header, now=1_767_225_600 + 10) == 1_767_225_600
    for wrong_body, wrong_secret in ((b'{"a": 2}', SECRET), (body, "whsec_other")):
        with pytest.raises(signing.SignatureError, match="no signature matches"):
            signing.verify(wrong_secret, wrong_body, header, now=1_767_225_600)


def test_stale_or_malformed_signatures_are_refused():
    body = b"{}"
    header = signing.sign(SECRET, body, timestamp=1000)
    with pytest.raises(signing.SignatureError, match="at most 300 s"):
        signing.verify(SECRET, body, header, now=1000 + 301)
    with pytest.raises(signing.SignatureError, match="at most 300 s"):
        signing.verify(SECRET, body, header, now=1000 - 301)
    for bad in (None, "", "v1=abc", "t=soon,v1=abc", "t=1000"):
        with pytest.raises(signing.SignatureError):
            signing.verify(SECRET, body, bad, now=1000)
    # While a secret is rotated, several v1= entries may be sent; one matching is enough.
    rotated = f"t=1000,v1={'0' * 64},v1={signing.compute(SECRET, body, 1000)}"
    assert signing.verify(SECRET, body, rotated, now=1000) == 1000


def test_workspaces_get_different_secrets():
    assert signing.workspace_secret(MASTER, "acme") != signing.workspace_secret(MASTER, "globex")
    assert signing.workspace_secret(MASTER, "acme") == signing.workspace_secret(MASTER, "acme")
    assert signing.workspace_secret(MASTER, "acme") != signing.workspace_secret("another master", "acme")
    with pytest.raises(ValueError, match="PREVIEW_WEBHOOK_SECRET"):
        signing.workspace_secret("", "acme")


def _event(event_id="evt_1", **data):
    return json.dumps({"id": event_id, "type": "campaign.send_requested", "data": {"campaign": "gated", "sample": {"strategy": "all"}, **data}}).encode()


def _send(client, workspace, body, *, secret=None, timestamp=None, header=None):
    secret = secret or signing.workspace_secret(MASTER, workspace)
    header = header or signing.sign(secret, body, timestamp)
    return client.post(f"/api/v1/webhooks/{workspace}/events", data=body, headers={"Content-Type": "application/json", "Preview-Signature": header})


def test_a_signed_send_requested_event_starts_a_gate(client, tenant):
    response = _send(client, "acme", _event())
    assert response.status_code == 202, response.get_json()
    run = response.get_json()["run"]
    done = wait_for_run(client, tenant.headers, run["id"])
    assert done["verdict"] == "block" and done["recipients_checked"] == 6


def test_replays_stale_and_forged_events_are_refused(client, tenant, other):
    body = _event("evt_2")
    header = signing.sign(signing.workspace_secret(MASTER, "acme"), body)
    assert _send(client, "acme", body, header=header).status_code == 202
    replay = _send(client, "acme", body, header=header)
    assert replay.status_code == 409 and replay.get_json()["error"]["code"] == "webhook_replayed"
    # The same event signed again (an ESP's retry) is accepted but starts no second run.
    retried = _send(client, "acme", body, timestamp=int(time.time()) + 1)
    assert retried.status_code == 200
    stale = _send(client, "acme", _event("evt_3"), timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401 and "at most 300 s" in stale.get_json()["error"]["message"]
    forged = _send(client, "acme", _event("evt_4"), secret=signing.workspace_secret(MASTER, "globex"))
    assert forged.status_code == 401 and forged.get_json()["error"]["code"] == "invalid_signature"
    unsigned = client.post("/api/v1/webhooks/acme/events", data=_event("evt_5"), headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.get_json()["error"]["field"] == "Preview-Signature"
    nowhere = _send(client, "nowhere", _event("evt_6"))
    assert (nowhere.status_code, nowhere.get_json()["error"]["code"]) == (401, "invalid_signature")


def test_events_of_unknown_type_or_campaign_are_refused(client, tenant):
    odd = json.dumps({"id": "evt_7", "type": "campaign.sent", "data": {"campaign": "gated"}}).encode()
    response = _send(client, "acme", odd)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "type"
    missing = _send(client, "acme", _event("evt_8", campaign="nope"))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "campaign_not_found"
