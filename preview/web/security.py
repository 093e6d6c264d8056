"""Security of the web UI: response headers and CSP, CSRF on every form, session cookie flags.

Only the UI blueprint's own responses get these headers and checks, so a host app that mounts
Campaign Preview as an extension keeps its own rules for its own pages. Rendered emails are
untrusted HTML; their route sends :data:`RENDER_CSP` instead of :data:`APP_CSP`: nothing may run
and nothing may load but images, fonts and inline styles (what email HTML needs to look right).
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

# The app's pages: only our own script and stylesheet, frames only from ourselves (the renders).
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
# A rendered email: no script at all, a sandbox even when opened outside its iframe.
RENDER_CSP = (
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; font-src https: data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"


def configure_app(app: Flask, secure_cookies: bool) -> None:
    """Session cookie flags, unless the app already chose stricter ones.

    The session cookie is the host app's as well when we are mounted as an extension, so values
    the host set are kept; Flask's defaults (no SameSite, not Secure) are tightened.
    """
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if secure_cookies:
        app.config["SESSION_COOKIE_SECURE"] = True


def check_csrf() -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (400)."""
    if request.method in SAFE_METHODS:
        return
    token = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        abort(400, description=f"{exc.args[0] if exc.args else 'CSRF check failed'}: reload the page and try again.")


def csrf_token() -> str:
    """The token a form sends back as ``csrf_token``."""
    return generate_csrf()


def add_headers(response):
    """The headers every response of the UI carries (a route may have set its own CSP first)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", APP_CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        # Pages hold recipient data (masked, or revealed to a reviewer): keep them out of caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def render_headers(response):
    """Headers of a rendered email: the strict CSP, no referrer to the email's image hosts."""
    response.headers["Content-Security-Policy"] = RENDER_CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
