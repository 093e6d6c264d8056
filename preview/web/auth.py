"""Signing in and out, who the current user is, and the role every view requires.

The UI keeps its own small session keys (``preview_uid`` and a fingerprint of the user's
password hash and role) instead of Flask-Login: Flask-Login allows one login manager per app, and
a host app that mounts us as an extension may well have its own. Every page needs a signed-in
user; :func:`require` raises the bar to reviewer or admin.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from preview.extension import db, state
from preview.store.base import utcnow
from preview.store.models import AuditLog, User
from preview.store.reviews import audit
from preview.web import accounts, bp, security

# Endpoints anyone may reach: the login form itself and the stylesheet/script it needs.
PUBLIC = frozenset({"preview_web.login", "preview_web.static"})
_UID, _TOKEN = "preview_uid", "preview_auth"
LOGIN_WINDOW = dt.timedelta(minutes=15)


def current_user() -> User | None:
    """The signed-in user of this request, or None (cached on ``g``)."""
    if "preview_user" not in g:
        user = None
        uid = session.get(_UID)
        if uid is not None:
            user = db().get(User, uid)
            if user is None or not user.is_active or session.get(_TOKEN) != accounts.session_token(user):
                user = None
        g.preview_user = user
    return g.preview_user


def can(role: str) -> bool:
    """Whether the current user has ``role`` (or a higher one)."""
    return accounts.has_role(current_user(), role)


def require(role: str):
    """Decorator: the view needs ``role``; anyone below it gets 403."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not can(role):
                abort(403, description=f"This needs the {role} role.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def actor() -> str:
    """Who the audit log names for this request."""
    user = current_user()
    return user.username if user else "anonymous"


def workspace() -> str:
    """The workspace the UI works in."""
    return state().config["PREVIEW_DEFAULT_WORKSPACE"]


@bp.before_request
def _guard():
    security.check_csrf()
    if request.endpoint in PUBLIC:
        return None
    if current_user() is None:
        return redirect(url_for("preview_web.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def _headers(response):
    return security.add_headers(response)


@bp.context_processor
def _template_context() -> dict:
    return {"current_user": current_user(), "can": can, "csrf_token": security.csrf_token}


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _too_many_failures(username: str) -> bool:
    since = utcnow() - LOGIN_WINDOW
    failures = db().scalar(
        sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "user.login_failed", AuditLog.target_type == "user", AuditLog.target_id == username, AuditLog.created_at >= since
        )
    )
    return failures >= int(state().config["PREVIEW_LOGIN_ATTEMPTS"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a good password starts a session, a bad one is logged."""
    target = safe_next(request.values.get("next"), url_for("preview_web.campaign_list"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target)
        return render_template("preview/login.html", next=target)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    store = db()
    if _too_many_failures(username):
        flash("Too many failed logins for this user; wait 15 minutes and try again.", "error")
        return render_template("preview/login.html", next=target, username=username), 429
    user = accounts.authenticate(store, username, password)
    if user is None:
        audit(store, "user.login_failed", actor=username or "anonymous", target=("user", username), detail={"ip": request.remote_addr})
        store.commit()
        flash("Wrong username or password.", "error")
        return render_template("preview/login.html", next=target, username=username), 401
    audit(store, "user.login", actor=user.username, user=user, target=user, detail={"ip": request.remote_addr})
    store.commit()
    session.pop("preview_reveals", None)
    remember(user)
    return redirect(target)


def remember(user: User) -> None:
    """Keep ``user`` signed in for this browser session (again, after their password changed)."""
    session[_UID] = user.id
    session[_TOKEN] = accounts.session_token(user)
    g.preview_user = user


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session (POST with CSRF, so another site cannot sign you out)."""
    for key in (_UID, _TOKEN, "preview_reveals"):
        session.pop(key, None)
    flash("Signed out.", "info")
    return redirect(url_for("preview_web.login"))


@bp.errorhandler(HTTPException)
def _error(exc: HTTPException):
    """Errors of the UI as a page in its layout (the API answers its own errors as JSON)."""
    return render_template("preview/error.html", code=exc.code, name=exc.name, description=exc.description), exc.code
