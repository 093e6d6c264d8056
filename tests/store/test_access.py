import datetime as dt

import pytest
import sqlalchemy as sa

from preview.contract.errors import InputError
from preview.store import access
from preview.store.base import utcnow
from preview.store.models import ApiToken, User


def test_a_token_verifies_and_only_its_hash_is_stored(session):
    plaintext, row = access.issue_token(session, "esp webhook", scopes=["validate", "runs:read", "validate"])
    session.commit()
    assert plaintext.startswith("cp_") and len(plaintext) > 40
    assert row.prefix == plaintext[:11] and row.scopes == ["runs:read", "validate"]
    stored = session.execute(sa.select(ApiToken.token_hash, ApiToken.prefix)).one()
    assert plaintext not in stored and stored.token_hash == access.hash_token(plaintext)
    assert row.last_used_at is None
    found = access.verify_token(session, plaintext)
    assert found.id == row.id and found.last_used_at is not None
    assert access.verify_token(session, plaintext + "x") is None


def test_revoked_and_expired_tokens_are_refused(session):
    revoked, row = access.issue_token(session, "old")
    access.revoke_token(session, row)
    assert access.verify_token(session, revoked) is None
    soon = utcnow() + dt.timedelta(hours=1)
    expiring, _ = access.issue_token(session, "temp", expires_at=soon)
    assert access.verify_token(session, expiring) is not None
    assert access.verify_token(session, expiring, now=soon + dt.timedelta(seconds=1)) is None


def test_tokens_belong_to_a_workspace(session):
    from preview.store.queries import ensure_workspace

    acme = ensure_workspace(session, "acme")
    plaintext, _ = access.issue_token(session, "acme api", "acme")
    assert access.verify_token(session, plaintext).workspace_id == acme.id
    with pytest.raises(InputError, match="no workspace 'ghost'"):
        access.issue_token(session, "x", "ghost")


def test_users_have_unique_names_and_a_known_role(session):
    user = access.create_user(session, "ana", "scrypt:...", "admin")
    assert access.get_user(session, "ana").id == user.id and user.is_active
    with pytest.raises(InputError, match="already exists"):
        access.create_user(session, "ana", "x")
    with pytest.raises(InputError, match="not a role"):
        access.create_user(session, "bob", "x", "owner")
    assert access.get_user(session, "bob") is None


def test_the_database_refuses_an_unknown_role_too(session):
    session.add(User(username="eve", password_hash="x", role="root"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
