"""GET /api/v1/verdict: the send-time gate, deterministic and cached (in process and in Redis)."""

from __future__ import annotations

from preview.api.state import api
from preview.store import queries
from preview.store.importer import import_records
from tests.api.conftest import close_app, empty_redis_db, make_app
from tests.conftest import recipient

REDIS_TEST_DB = "redis://127.0.0.1:6379/12"


def _verdict(client, headers, rid, **params):
    return client.get("/api/v1/verdict", headers=headers, query_string={"campaign": "gated", "recipient": rid, **params})


def test_block_with_reasons_and_pass_without(client, tenant):
    blocked = _verdict(client, tenant.headers, "a-0")
    assert blocked.status_code == 200
    body = blocked.get_json()
    assert body["block"] is True and body["verdict"] == "block"
    assert [r["code"] for r in body["reasons"]] == ["RND002"] and body["reasons"][0]["severity"] == "block"
    assert body["campaign"] == {"id": "gated", "version": 1} and body["recipient"] == {"id": "a-0"}
    fine = _verdict(client, tenant.headers, "a-3").get_json()
    assert fine["block"] is False and fine["reasons"] == []


def test_repeated_calls_get_the_same_bytes_an_etag_and_cache_headers(client, tenant, app):
    first = _verdict(client, tenant.headers, "a-0")
    second = _verdict(client, tenant.headers, "a-0")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert "max-age=300" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    with app.app_context():
        assert api().verdicts.local.hits >= 1
    not_modified = client.get("/api/v1/verdict", headers={**tenant.headers, "If-None-Match": first.headers["ETag"]}, query_string={"campaign": "gated", "recipient": "a-0"})
    assert not_modified.status_code == 304 and not_modified.data == b""


def test_a_changed_record_gets_a_new_verdict(client, tenant, app):
    assert _verdict(client, tenant.headers, "a-0").get_json()["block"] is True
    with app.extensions["preview"].sessions.begin() as session:
        import_records(session, [recipient("a-0", attributes={"visits": 3})], queries.get_workspace(session, "acme"))
    assert _verdict(client, tenant.headers, "a-0").get_json()["block"] is False


def test_send_date_and_version_are_part_of_the_answer(client, tenant):
    dated = _verdict(client, tenant.headers, "a-0", send_date="2026-12-10", version=1)
    assert dated.status_code == 200 and dated.get_json()["block"] is True
    assert _verdict(client, tenant.headers, "a-0", version=7).get_json()["error"]["code"] == "campaign_not_found"
    bad = _verdict(client, tenant.headers, "a-0", send_date="soon")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "send_date"
    assert client.get("/api/v1/verdict", headers=tenant.headers, query_string={"campaign": "gated"}).get_json()["error"]["field"] == "recipient"


def test_processes_share_verdicts_through_redis(db_url, engine):
    store = empty_redis_db(REDIS_TEST_DB)
    first = make_app(db_url, PREVIEW_REDIS_URL=REDIS_TEST_DB)
    second = make_app(db_url, PREVIEW_REDIS_URL=REDIS_TEST_DB)
    try:
        from tests.api.conftest import add_tenant, audience

        tenant = add_tenant(first, "acme", recipients=audience("a-"))
        answer = _verdict(first.test_client(), tenant.headers, "a-0")
        assert len(store.keys("preview:verdict:*")) == 1
        with second.app_context():
            prepared = api().prepared
        again = _verdict(second.test_client(), tenant.headers, "a-0")
        assert again.data == answer.data and again.headers["ETag"] == answer.headers["ETag"]
        assert prepared.compiles == 0  # the second process answered from Redis, without compiling
        ttl = store.ttl(store.keys("preview:verdict:*")[0])
        assert 0 < ttl <= 300
    finally:
        store.flushdb()
        close_app(first)
        close_app(second)
