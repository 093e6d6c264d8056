"""Accounts of the web UI: password hashing, roles, and the documented demo logins.

Passwords are hashed with werkzeug's ``generate_password_hash`` (scrypt, salted); the store only
keeps the hash. Roles rank viewer < reviewer < admin, and a role includes the ones below it.
Nothing here needs a request, so the CLI (``preview user create``) uses it too.
"""

from __future__ import annotations

import functools
import hashlib
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from preview.contract.errors import InputError
from preview.store import access
from preview.store.base import utcnow
from preview.store.models import ROLES, User

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_LENGTH = 8
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{1,150}$")

# The demo's logins (README, `make run`): made only by `preview demo`, in a database without
# users, so a real deployment never gets them.
DEMO_LOGINS = (
    ("demo", "demo", "reviewer"),
    ("admin", "admin", "admin"),
    ("viewer", "viewer", "viewer"),
)



@functools.cache
def _dummy_hash() -> str:
    """Checked against when the username is unknown, so a login takes as long either way and
    does not tell an attacker which usernames exist (made on first use: hashing takes time)."""
    return generate_password_hash("not a password")


def hash_password(password: str) -> str:
    """The stored form of ``password``."""
    return generate_password_hash(password)


def has_role(user: User | None, role: str) -> bool:
    """Whether ``user`` is active and has ``role`` or a higher one."""
    return bool(user and user.is_active and ROLE_RANK.get(user.role, -1) >= ROLE_RANK[role])


def check_new_password(password: str) -> None:
    """Raise :class:`InputError` when ``password`` is too weak to set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")


def create_account(session: Session, username: str, password: str, role: str = "viewer") -> User:
    """A new user with a hashed password; bad names, weak passwords and unknown roles are refused."""
    if not USERNAME.match(username or ""):
        raise InputError("a username is 1-150 letters, digits or _ . @ + -", field="username")
    check_new_password(password)
    return access.create_user(session, username, hash_password(password), role)


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` a new password (their open sessions end: see :func:`session_token`)."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    session.flush()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, their login time recorded; else None."""
    user = access.get_user(session, username or "")
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def session_token(user: User) -> str:
    """A short fingerprint of the user's password hash and role, kept in their session cookie.

    A session is only valid while it matches, so changing a password or a role, or deactivating
    the user, signs them out everywhere.
    """
    raw = f"{user.id}:{user.password_hash}:{user.role}:{user.is_active}".encode()
    return hashlib.sha256(raw).hexdigest()[:24]


def ensure_demo_logins(session: Session) -> list[tuple[str, str, str]]:
    """Create the :data:`DEMO_LOGINS` when the database has no user at all; returns those made."""
    if session.scalar(sa.select(User.id).limit(1)) is not None:
        return []
    for username, password, role in DEMO_LOGINS:
        # Demo passwords are deliberately short and documented, so they skip the length rule.
        access.create_user(session, username, hash_password(password), role)
    return list(DEMO_LOGINS)
