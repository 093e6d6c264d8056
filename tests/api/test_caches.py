"""What the API keeps between requests to stay fast, and what it must never give away.

The process trusts a verified token for TOKEN_CACHE_SECONDS; the version and the record of a
validate or verdict call are read in one statement on every call, never cached. None of it may
let one workspace's token reach another workspace's data, or keep a revoked token working past
the documented window.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from preview.api.state import TOKEN_CACHE_SECONDS, api
from preview.store import access
from preview.store.base import utcnow
from preview.store.campaigns import save_version
from preview.store.importer import import_records
from preview.store.models import ApiToken, Workspace
from tests.api.conftest import later
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text, recipient


def _validate(client, headers, campaign="gated", recipient_id="a-1"):
    return client.post("/api/v1/validate", headers=headers, json={"campaign": {"id": campaign}, "recipient_id": recipient_id})


def _tokens(app):
    with app.app_context():
        return api().tokens


def test_a_cached_token_never_answers_for_another_workspaces_token(client, tenant, other, app):
    # Both workspaces have a campaign "gated"; a-1 is Acme's only, b-1 Globex's only.
    assert _validate(client, tenant.headers, recipient_id="a-1").status_code == 200
    assert _validate(client, other.headers, recipient_id="b-1").status_code == 200
    tokens = _tokens(app)
    assert len(tokens) == 2  # one entry per token, each under its own hash
    for _ in range(2):  # again, now that both tokens are cached: each still sees its own workspace only
        mine, theirs = _validate(client, tenant.headers, recipient_id="a-1"), _validate(client, tenant.headers, recipient_id="b-1")
        assert mine.status_code == 200 and theirs.status_code == 404
        assert theirs.get_json()["error"]["code"] == "recipient_not_found"
        assert _validate(client, other.headers, recipient_id="a-1").status_code == 404
        assert _validate(client, other.headers, recipient_id="b-1").status_code == 200
    with app.app_context(), app.extensions["preview"].sessions() as session:
        ids = {slug: session.scalar(sa.select(Workspace.id).where(Workspace.slug == slug)) for slug in ("acme", "globex")}
    cached = {tokens.get(access.hash_token(t.token)).workspace_id for t in (tenant, other)}
    assert cached == set(ids.values())
    # A token one character off a cached one is just unknown, and is not cached.
    near = tenant.token[:-1] + ("A" if tenant.token[-1] != "A" else "B")
    refused = _validate(client, {"Authorization": f"Bearer {near}"})
    assert refused.status_code == 401 and "not known" in refused.get_json()["error"]["message"]
    assert len(tokens) == 2


def test_a_revoked_token_is_refused_once_the_window_has_passed(client, tenant, app, monkeypatch):
    assert _validate(client, tenant.headers).status_code == 200
    with app.extensions["preview"].sessions.begin() as session:
        row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == access.hash_token(tenant.token)))
        access.revoke_token(session, row)
    # Within the documented window this process still trusts the token it verified...
    later(monkeypatch, TOKEN_CACHE_SECONDS - 1)
    assert _validate(client, tenant.headers).status_code == 200
    # ...and not a moment after it.
    later(monkeypatch, TOKEN_CACHE_SECONDS + 0.01)
    refused = _validate(client, tenant.headers)
    assert refused.status_code == 401 and "revoked" in refused.get_json()["error"]["message"]
    assert _tokens(app).get(access.hash_token(tenant.token)) is None  # a refused token is not kept


def test_expiry_is_exact_even_for_a_cached_token(client, tenant, app, monkeypatch):
    expires = utcnow() + dt.timedelta(minutes=10)
    with app.extensions["preview"].sessions.begin() as session:
        token, _ = access.issue_token(session, "short", "acme", scopes=["validate"], expires_at=expires)
    headers = {"Authorization": f"Bearer {token}"}
    assert _validate(client, headers).status_code == 200
    assert _tokens(app).get(access.hash_token(token)) is not None
    monkeypatch.setattr("preview.api.auth.utcnow", lambda: expires + dt.timedelta(seconds=1))
    refused = _validate(client, headers)
    assert refused.status_code == 401 and "expired" in refused.get_json()["error"]["message"]


def test_scopes_are_those_of_the_token_whatever_is_cached(client, app):
    from tests.api.conftest import add_tenant, audience

    full = add_tenant(app, "acme", recipients=audience("a-"))
    with app.extensions["preview"].sessions.begin() as session:
        verdict_only, _ = access.issue_token(session, "gate", "acme", scopes=["verdict"])
    assert _validate(client, full.headers).status_code == 200
    narrow = {"Authorization": f"Bearer {verdict_only}"}
    for _ in range(2):  # verified, then cached
        assert _validate(client, narrow).status_code == 403
        assert client.get("/api/v1/verdict", headers=narrow, query_string={"campaign": "gated", "recipient": "a-1"}).status_code == 200


def test_a_new_version_and_a_changed_record_are_seen_by_the_next_call(client, tenant, app):
    assert _validate(client, tenant.headers, campaign="clean").get_json()["campaign"]["name"] == "Winter collection"
    assert _validate(client, tenant.headers).get_json()["verdict"] != "block"
    with app.extensions["preview"].sessions.begin() as session:
        workspace = session.scalar(sa.select(Workspace).where(Workspace.slug == "acme"))
        save_version(session, campaign_text(CLEAN_BODY, **{**CLEAN_FRONT, "name": "Winter collection v2"}), "clean.mjml", workspace)
        import_records(session, [recipient("a-1", attributes={"visits": 0})], workspace)  # the gated campaign divides by it
    assert _validate(client, tenant.headers, campaign="clean").get_json()["campaign"]["name"] == "Winter collection v2"
    pinned = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "clean", "version": 1}, "recipient_id": "a-1"})
    assert pinned.get_json()["campaign"]["name"] == "Winter collection"
    changed = _validate(client, tenant.headers).get_json()
    assert changed["verdict"] == "block" and "RND002" in {f["code"] for f in changed["findings"]}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"campaign": {"id": "nowhere"}, "recipient_id": "a-1"}, "campaign_not_found"),
        ({"campaign": {"id": "nowhere"}, "recipient_id": 7}, "campaign_not_found"),  # the campaign's fault is told first, as ever
        ({"campaign": {"id": "gated"}, "recipient_id": "nobody"}, "recipient_not_found"),
        ({"campaign": {"id": "gated", "version": 9}, "recipient_id": "a-1"}, "campaign_not_found"),
        ({"campaign": {"id": "gated"}, "recipient_id": "  "}, "invalid_request"),
    ],
)
def test_reading_the_record_with_the_campaign_keeps_every_error(client, tenant, body, code):
    response = client.post("/api/v1/validate", headers=tenant.headers, json=body)
    assert response.get_json()["error"]["code"] == code
