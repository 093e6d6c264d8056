"""Fixtures of the web UI tests: the real app on a real database, users of every role, demo data.

Runs execute for real (sample, render, check, record), inline in the request that starts them,
so a test sees the finished run. Users get a cheap PBKDF2 hash (1,000 rounds) instead of the
default scrypt, which takes a third of a second per login on these machines; one test checks
that real accounts get scrypt.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from preview.app import create_app
from preview.execution import execute_run
from preview.store import access, runs
from preview.store.campaigns import get_version
from preview.store.commands import load_demo, load_demo_audience

FAST_HASH = "pbkdf2:sha256:1000"
USERS = {"ada": "admin", "rita": "reviewer", "vic": "viewer"}
PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class InlineExecutor:
    """Executes a submitted run at once, in the caller's thread (what a worker would do later)."""

    def __init__(self, state):
        self.state = state
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        self.submitted.append(run_id)
        execute_run(self.state.sessions, run_id, check_settings=self.state.check_settings, render_settings=self.state.render_settings)


def make_app(db_url: str, **config):
    """The standalone app on ``db_url`` with an inline executor."""
    settings = {"TESTING": True, "SECRET_KEY": "test-secret", "PREVIEW_DATABASE_URL": db_url, "PREVIEW_SESSION_COOKIE_SECURE": False, **config}
    app = create_app(settings)
    state = app.extensions["preview"]
    state.executor = InlineExecutor(state)
    return app


@pytest.fixture
def app(db_url, engine):
    app = make_app(db_url)
    yield app
    app.extensions["preview"].engine.dispose()


@pytest.fixture
def users(app):
    """One user per role (ada: admin, rita: reviewer, vic: viewer), all with :data:`PASSWORD`."""
    with app.extensions["preview"].sessions.begin() as session:
        for name, role in USERS.items():
            access.create_user(session, name, generate_password_hash(PASSWORD, FAST_HASH), role)
    return USERS


@pytest.fixture
def demo(app):
    """A small demo audience (60 people) and the example campaigns of templates/."""
    with app.extensions["preview"].sessions.begin() as session:
        load_demo(session, load_demo_audience(60))


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on ``path`` (the session keeps the matching secret)."""
    html = client.get(path).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, follow: bool = False):
    """Sign in through the real login form."""
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=follow)


def post(client, path: str, data: dict | None = None, page: str = "/campaigns", **kw):
    """POST a form the way a browser does: with the CSRF token of a page of the app."""
    return client.post(path, data={"csrf_token": csrf_token(client, page), **(data or {})}, **kw)


@pytest.fixture
def as_user(app, users):
    """``as_user("rita")``: a test client signed in as that user."""

    def sign_in(name: str):
        client = app.test_client()
        response = login(client, name)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


def start_run(app, slug: str, size: int = 20, **params) -> int:
    """Queue and execute a run of campaign ``slug`` directly through the store (not the UI)."""
    state = app.extensions["preview"]
    with state.sessions() as session:
        version = get_version(session, None, slug)
        run, _ = runs.create_run(session, version, {"sampling": {"strategy": "random"}, "size": size, "seed": "1", "send_date": "2026-12-01", **params}, created_by="test")
        session.commit()
        run_id = run.id
    state.executor.submit(run_id)
    return run_id
