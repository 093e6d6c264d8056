"""Who may use the server: users of the web UI and bearer tokens of the JSON API.

Passwords are hashed by the web layer (the store only keeps the hash it is given). API tokens
are made here: the plaintext is shown once, only its SHA-256 is stored (a token is long and
random, so a fast hash is enough and lookups stay one indexed query), and ``prefix`` lets
people tell their tokens apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.contract.errors import InputError
from preview.store import queries
from preview.store.base import utcnow
from preview.store.models import ROLES, ApiToken, User

TOKEN_PREFIX = "cp_"
PREFIX_LENGTH = 11  # "cp_" and 8 characters of the token


def create_user(session: Session, username: str, password_hash: str, role: str = "viewer") -> User:
    """A new user; ``password_hash`` comes from the web layer's password hasher."""
    if role not in ROLES:
        raise InputError(f"{role!r} is not a role; use one of: {', '.join(ROLES)}", field="role")
    if get_user(session, username) is not None:
        raise InputError(f"user {username!r} already exists", field="username")
    user = User(username=username, password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    """The user called ``username``, or None."""
    return session.scalar(sa.select(User).where(User.username == username))


def hash_token(token: str) -> str:
    """The stored form of an API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    session: Session,
    name: str,
    workspace=None,
    *,
    scopes=(),
    user: User | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[str, ApiToken]:
    """A new API token for ``workspace``: ``(plaintext, row)``. Show the plaintext once; it is not kept."""
    ws = queries.get_workspace(session, workspace)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        workspace_id=ws.id,
        user_id=user.id if user else None,
        name=name,
        prefix=token[:PREFIX_LENGTH],
        token_hash=hash_token(token),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return token, row


def token_state(token, now: dt.datetime) -> str:
    """``active``, ``revoked`` or ``expired``: the state of an :class:`ApiToken` (or of a row with
    its ``revoked_at`` and ``expires_at``) at ``now``."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def verify_token(session: Session, token: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token matching ``token`` (not revoked, not expired), its use recorded; else None."""
    row = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = now or utcnow()
    if row is None or token_state(row, now) != "active":
        return None
    row.last_used_at = now
    session.flush()
    return row


def revoke_token(session: Session, token: ApiToken, *, now: dt.datetime | None = None) -> None:
    """Revoke ``token`` from now on (the row stays, for the audit log)."""
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()
