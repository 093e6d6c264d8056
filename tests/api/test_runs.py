"""Campaign gates: presend runs, their status, idempotency keys, and signed callbacks with retries."""

from __future__ import annotations

import json

from preview.api import signing
from tests.api.conftest import MASTER, Receiver, wait_for_run


def _presend(client, tenant, body=None, **headers):
    return client.post("/api/v1/campaigns/gated/presend", headers={**tenant.headers, **headers}, json=body or {})


def test_presend_answers_at_once_and_the_run_reports_the_verdict(client, tenant):
    response = _presend(client, tenant, {"sample": {"strategy": "all"}})
    assert response.status_code == 202
    run = response.get_json()["run"]
    assert run["status"] in ("queued", "running", "done") and response.headers["Location"] == run["url"] == f"/api/v1/runs/{run['id']}"
    assert run["campaign"] == {"id": "gated", "name": "Winter gate", "version": 1}
    done = wait_for_run(client, tenant.headers, run["id"])
    assert done["status"] == "done" and done["verdict"] == "block" and done["progress"] == 1.0
    assert done["recipients_checked"] == 6 and done["counts"]["block"] >= 1
    blocked = [f for f in done["report"]["findings"] if f["code"] == "RND002"]
    assert [f["recipient_id"] for f in blocked] == ["a-0"]


def test_a_sample_or_named_recipients(client, tenant):
    sampled = wait_for_run(client, tenant.headers, _presend(client, tenant, {"sample": {"size": 3, "seed": 7}}).get_json()["run"]["id"])
    assert sampled["recipients_planned"] == 3 and sampled["recipients_checked"] == 3
    named = wait_for_run(client, tenant.headers, _presend(client, tenant, {"recipient_ids": ["a-2", "a-3"]}).get_json()["run"]["id"])
    assert named["verdict"] != "block" and named["recipients_checked"] == 2


def test_an_idempotency_key_returns_the_same_run(client, tenant):
    first = _presend(client, tenant, {"sample": {"size": 2}}, **{"Idempotency-Key": "send-2026-12-10"})
    again = _presend(client, tenant, {"sample": {"size": 2}}, **{"Idempotency-Key": "send-2026-12-10"})
    assert first.status_code == 202 and again.status_code == 200
    assert again.get_json()["run"]["id"] == first.get_json()["run"]["id"]
    other = _presend(client, tenant, {"sample": {"size": 5}}, **{"Idempotency-Key": "send-2026-12-10"})
    assert other.status_code == 409
    error = other.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and error["field"] == "Idempotency-Key"
    assert _presend(client, tenant, {"sample": {"size": 2}}, **{"Idempotency-Key": "another"}).get_json()["run"]["id"] != first.get_json()["run"]["id"]


def test_bad_presend_requests_name_the_field(client, tenant, app):
    def error(body):
        response = _presend(client, tenant, body)
        assert response.status_code == 400, response.get_json()
        return response.get_json()["error"]["field"]

    assert error({"sample": {"strategy": "everyone"}}) == "sample.strategy"
    assert error({"sample": {"size": 0}}) == "sample.size"
    assert error({"recipient_ids": []}) == "recipient_ids"
    assert error({"callback_url": "ftp://example.com/x"}) == "callback_url"
    assert error({"checks": {"severity": {"RND002": "loud"}}}) == "checks.severity"
    app.extensions["preview"].extra["api"].callbacks = app.extensions["preview"].extra["api"].callbacks.__class__(MASTER, allow_private=False)
    assert error({"callback_url": "http://127.0.0.1:9/hook"}) == "callback_url"
    assert client.post("/api/v1/campaigns/nope/presend", headers=tenant.headers, json={}).status_code == 404


def test_the_callback_is_signed_with_the_workspace_secret(client, tenant, receiver):
    run = _presend(client, tenant, {"sample": {"strategy": "all"}, "callback_url": receiver.url}).get_json()["run"]
    assert receiver.received.wait(30), "no callback arrived"
    delivery = receiver.requests[0]
    secret = signing.workspace_secret(MASTER, "acme")
    signing.verify(secret, delivery["body"], delivery["headers"]["Preview-Signature"], tolerance=60)
    event = json.loads(delivery["body"])
    assert event["type"] == "run.finished" and event["id"] == f"run-{run['id']}.finished" == delivery["headers"]["Preview-Event-Id"]
    assert event["data"]["run"]["verdict"] == "block" and event["data"]["report"]["verdict"] == "block"
    # Another workspace's secret does not verify it.
    other_secret = signing.workspace_secret(MASTER, "globex")
    try:
        signing.verify(other_secret, delivery["body"], delivery["headers"]["Preview-Signature"], tolerance=60)
        raise AssertionError("verified under another workspace's secret")
    except signing.SignatureError:
        pass
    deliveries = _deliveries(client, tenant, run["id"], 1)  # logged once the receiver has answered
    assert deliveries[0]["ok"] is True and deliveries[0]["status"] == 200 and deliveries[0]["attempt"] == 1
    assert wait_for_run(client, tenant.headers, run["id"])["callback"]["url"] == receiver.url


def _deliveries(client, tenant, run_id, count):
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown = client.get(f"/api/v1/runs/{run_id}", headers=tenant.headers).get_json()["run"]["callback"]["deliveries"]
        if len(shown) >= count and shown[-1]["retry_in"] is None:
            return shown
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} deliveries")


def test_failed_deliveries_are_retried_with_backoff_then_logged(client, tenant):
    flaky = Receiver(statuses=(503, 500, 200))
    try:
        run = _presend(client, tenant, {"recipient_ids": ["a-1"], "callback_url": flaky.url}).get_json()["run"]
        shown = _deliveries(client, tenant, run["id"], 3)
        assert [d["status"] for d in shown] == [503, 500, 200] and [d["attempt"] for d in shown] == [1, 2, 3]
        assert shown[0]["retry_in"] > 0 and shown[1]["retry_in"] > 0 and shown[2]["ok"] is True
        ids = {json.loads(r["body"])["id"] for r in flaky.requests}
        assert len(ids) == 1  # the same event id on every try, so the receiver can drop duplicates
    finally:
        flaky.close()
    refusing = Receiver(statuses=(400,))
    try:
        run = _presend(client, tenant, {"recipient_ids": ["a-1"], "callback_url": refusing.url}).get_json()["run"]
        shown = _deliveries(client, tenant, run["id"], 1)
        assert len(shown) == 1 and shown[0]["status"] == 400 and shown[0]["retry_in"] is None
    finally:
        refusing.close()
