"""Security headers, the rendered email's CSP, CSRF on every form, session cookie flags."""

import re

import pytest

from preview.web.security import APP_CSP, RENDER_CSP
from tests.web.conftest import PASSWORD, csrf_token, make_app, start_run


def _post_routes(app):
    """Every URL of the UI that accepts POST, with sample values for its arguments."""
    samples = {"integer": "1", "path": "cus_1", "default": "x"}
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("preview_web.") or "POST" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            kind = type(rule._converters[arg]).__name__.replace("Converter", "").lower()
            url = re.sub(rf"<(?:\w+:)?{arg}>", samples.get(kind, samples["default"]), url)
        out.append(url)
    return out


def test_every_form_of_the_ui_is_csrf_protected(app, as_user):
    admin = as_user("ada")
    routes = _post_routes(app)
    # The forms there are (so a new one cannot slip through without this test seeing it).
    assert {"/login", "/logout", "/users", "/campaigns/new", "/findings/1/review", "/runs/1/decision", "/recipients/import"} <= set(routes)
    for url in routes:
        missing = admin.post(url, data={})
        wrong = admin.post(url, data={"csrf_token": "not-a-token"})
        for response in (missing, wrong):
            assert response.status_code == 400, url
            assert "reload the page" in response.get_data(as_text=True)


def test_login_itself_needs_the_csrf_token(app, users):
    client = app.test_client()
    response = client.post("/login", data={"username": "vic", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/campaigns").status_code == 302


def test_a_token_from_another_session_is_refused(app, users):
    mine, theirs = app.test_client(), app.test_client()
    token = csrf_token(theirs)
    response = mine.post("/login", data={"username": "vic", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_pages_carry_the_security_headers(as_user):
    client = as_user("vic")
    for path in ("/campaigns", "/dashboard", "/login"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == APP_CSP
        assert "script-src 'self'" in APP_CSP and "unsafe-inline" not in APP_CSP
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in client.get("/campaigns").headers
    assert "Strict-Transport-Security" in client.get("/campaigns", base_url="https://localhost").headers


def test_pages_have_no_inline_script_or_style(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 6)
    client = as_user("rita")
    for path in ("/campaigns", f"/runs/{run_id}", "/dashboard", "/campaigns/wedding-congratulations"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\sstyle=|<style", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_the_email_is_served_under_a_csp_where_nothing_runs(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 3)
    client = as_user("vic")
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    src = re.search(r'<iframe[^>]*src="([^"]+)"', page).group(1)
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert re.search(r"\ssandbox(\s|>)", frame) and 'loading="lazy"' in frame
    assert "allow-scripts" not in page and "allow-same-origin" not in page
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert csp == RENDER_CSP
    assert "default-src 'none'" in csp and "script-src" not in csp and "sandbox" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_flags(db_url, engine):
    app = make_app(db_url, PREVIEW_SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    cookie = app.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["preview"].engine.dispose()


@pytest.mark.parametrize("samesite", ["Strict"])
def test_a_stricter_samesite_of_the_host_is_kept(db_url, engine, samesite):
    app = make_app(db_url, SESSION_COOKIE_SAMESITE=samesite)
    assert app.config["SESSION_COOKIE_SAMESITE"] == samesite
    app.extensions["preview"].engine.dispose()
