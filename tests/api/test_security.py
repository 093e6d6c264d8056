"""Tokens, scopes, revocation, rate limits, the body cap, and one JSON error shape for everything."""

from __future__ import annotations

import datetime as dt
import io

from preview.api.state import api
from preview.store import access
from preview.store.base import utcnow
from preview.store.models import ApiToken
from tests.api.conftest import add_tenant, audience, close_app, make_app

VALIDATE = {"campaign": {"id": "gated"}, "recipient_id": "a-1"}


def _error(response):
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_missing_unknown_revoked_and_expired_tokens_get_401(client, tenant, app):
    assert _error(client.post("/api/v1/validate", json=VALIDATE))["code"] == "unauthorized"
    response = client.post("/api/v1/validate", json=VALIDATE, headers={"Authorization": "Bearer cp_nope"})
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    assert "not known" in _error(response)["message"]
    assert "Bearer" in _error(client.post("/api/v1/validate", json=VALIDATE, headers={"Authorization": "Token abc"}))["message"]
    sessions = app.extensions["preview"].sessions
    with sessions.begin() as session:
        row = session.query(ApiToken).filter_by(token_hash=access.hash_token(tenant.token)).one()
        access.revoke_token(session, row)
    revoked = client.post("/api/v1/validate", json=VALIDATE, headers=tenant.headers)
    assert revoked.status_code == 401 and "revoked" in _error(revoked)["message"]
    with sessions.begin() as session:
        token, _ = access.issue_token(session, "short", "acme", scopes=["validate"], expires_at=utcnow() - dt.timedelta(seconds=1))
    expired = client.post("/api/v1/validate", json=VALIDATE, headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401 and "expired" in _error(expired)["message"]


def test_a_token_without_the_scope_gets_403(client, app):
    verdict_only = add_tenant(app, "acme", scopes=["verdict"], recipients=audience("a-"))
    response = client.post("/api/v1/validate", json=VALIDATE, headers=verdict_only.headers)
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "insufficient_scope" and "--scope validate" in error["message"]
    assert client.get("/api/v1/verdict", headers=verdict_only.headers, query_string={"campaign": "gated", "recipient": "a-1"}).status_code == 200


def test_rate_limit_per_token_answers_429_with_retry_after(db_url, engine):
    app = make_app(db_url, PREVIEW_API_RATE_LIMIT="3/minute")
    try:
        client = app.test_client()
        one = add_tenant(app, "acme", recipients=audience("a-"))
        two = add_tenant(app, "globex", recipients=audience("a-"))
        answers = [client.post("/api/v1/validate", json=VALIDATE, headers=one.headers) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["RateLimit-Limit"] == "3" and answers[2].headers["RateLimit-Remaining"] == "0"
        limited = answers[3]
        assert _error(limited)["code"] == "rate_limited" and 1 <= int(limited.headers["Retry-After"]) <= 60
        # Another token has its own budget.
        assert client.post("/api/v1/validate", json=VALIDATE, headers=two.headers).status_code == 200
    finally:
        close_app(app)


def test_bodies_over_the_cap_get_413_before_they_are_read(db_url, engine):
    app = make_app(db_url, PREVIEW_API_MAX_BODY=2000)
    try:
        client = app.test_client()
        tenant = add_tenant(app, "acme", recipients=audience("a-"))
        big = {"campaign": {"source": "x" * 5000}, "recipient_id": "a-1"}
        response = client.post("/api/v1/validate", json=big, headers=tenant.headers)
        assert response.status_code == 413
        error = _error(response)
        assert error["code"] == "body_too_large" and "2000" in error["message"]

        # No Content-Length (a chunked upload): the cap holds while the body streams in.
        streamed = client.post(
            "/api/v1/validate",
            input_stream=io.BytesIO(b"x" * 5000),
            headers={**tenant.headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert streamed.status_code == 413 and _error(streamed)["code"] == "body_too_large"
        assert client.post("/api/v1/validate", json=VALIDATE, headers=tenant.headers).status_code == 200
    finally:
        close_app(app)


def test_unknown_paths_wrong_methods_and_crashes_are_json(client, tenant, app, monkeypatch):
    missing = client.get("/api/v1/nothing-here", headers=tenant.headers)
    assert missing.status_code == 404 and _error(missing)["code"] == "not_found"
    wrong = client.get("/api/v1/validate", headers=tenant.headers)
    assert wrong.status_code == 405 and _error(wrong)["code"] == "method_not_allowed"
    assert "POST" in wrong.headers["Allow"] and "POST" in _error(wrong)["message"]

    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    with app.app_context():
        monkeypatch.setattr(api().prepared, "get", crash)
    failed = client.post("/api/v1/validate", json=VALIDATE, headers=tenant.headers)
    assert failed.status_code == 500
    error = _error(failed)
    assert error["code"] == "internal_error" and "disk on fire" not in error["message"]


def test_paths_outside_the_api_are_left_to_the_app(client):
    response = client.get("/definitely-not-the-api")
    assert response.status_code == 404 and not (response.is_json and "error" in (response.get_json() or {}))
