"""Fixtures of the API tests: a real app on a real database (SQLite, and PostgreSQL when configured),
two workspaces with their tokens, campaigns and recipients, and a real local HTTP receiver for
callbacks (the ESP's end)."""

from __future__ import annotations

import http.server
import json
import threading
import time
import types
from dataclasses import dataclass, field

import pytest
import redis

from preview.app import create_app
from preview.jobs import ThreadExecutor
from preview.store import access, queries
from preview.store.campaigns import save_version
from preview.store.importer import import_records
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text, mjml, recipient

MASTER = "test-master-secret"

# A campaign that renders for everyone but fails for a recipient who never visited (a division by
# zero in the template): the gate must block exactly that recipient.
GATED_BODY = mjml(
    '<mj-image src="https://cdn.acme-home.com/logo.png" alt="Acme Home" width="120px" height="40px" />',
    "<mj-text>Hi {{ recipient.first_name | default('there', true) }},</mj-text>",
    "<mj-text>Our winter collection is here: warm throws, soft lighting and new ceramics.</mj-text>",
    "<mj-text>Thank you for {{ 100 // recipient.attributes.visits }} percent of your visits.</mj-text>",
    '<mj-button href="https://www.acme-home.com/winter?utm_source=email">Shop the winter collection</mj-button>',
    '<mj-text font-size="12px">Acme Home, 12 Market Street, Springfield, IL 62701, USA.<br/>'
    '<a href="{{ unsubscribe_url }}">Unsubscribe</a> from these emails.</mj-text>',
    head="<mj-title>Winter collection</mj-title><mj-preview>New arrivals for cosy evenings</mj-preview>",
)
CLEAN_TEXT = campaign_text(CLEAN_BODY, **CLEAN_FRONT)
GATED_TEXT = campaign_text(GATED_BODY, **{**CLEAN_FRONT, "name": "Winter gate"})


def settings(db_url: str, **extra) -> dict:
    """The test app's configuration."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "PREVIEW_DATABASE_URL": db_url,
        "PREVIEW_WEBHOOK_SECRET": MASTER,
        "PREVIEW_API_RATE_LIMIT": "",
        "PREVIEW_WEBHOOK_ALLOW_PRIVATE": True,
        "PREVIEW_WEBHOOK_RETRY_BASE": 0.05,
        "PREVIEW_WEBHOOK_TIMEOUT": 5.0,
        **extra,
    }


def make_app(db_url: str, *, threads: bool = True, **extra):
    """A real app; ``threads`` runs jobs on a thread of the test process instead of worker processes."""
    app = create_app(settings(db_url, **extra))
    state = app.extensions["preview"]
    if threads:
        state.executor = ThreadExecutor(state.sessions, check_settings=state.check_settings, render_settings=state.render_settings)
        state.executor.callbacks = state.extra["api"].callbacks
    return app


def close_app(app) -> None:
    state = app.extensions["preview"]
    shutdown = getattr(state.executor, "shutdown", None)
    if shutdown:
        shutdown(wait=True)
    state.engine.dispose()


@pytest.fixture
def app(db_url, engine):  # engine empties the tables first
    app = make_app(db_url)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Tenant:
    """One workspace as the tests see it: its token, campaigns and recipients."""

    slug: str
    token: str
    headers: dict = field(default_factory=dict)


def add_tenant(app, slug: str, *, scopes=("validate", "verdict", "presend", "runs:read"), recipients=()) -> Tenant:
    """Create workspace ``slug`` with a token, the clean and the gated campaign, and ``recipients``."""
    with app.extensions["preview"].sessions.begin() as session:
        workspace = queries.ensure_workspace(session, slug)
        save_version(session, CLEAN_TEXT, "clean.mjml", workspace)
        save_version(session, GATED_TEXT, "gated.mjml", workspace)
        if recipients:
            import_records(session, list(recipients), workspace)
        token, _ = access.issue_token(session, f"{slug} tests", workspace, scopes=scopes)
    return Tenant(slug, token, {"Authorization": f"Bearer {token}"})


def audience(prefix: str, n: int = 6) -> list[dict]:
    """``n`` recipients; the first never visited (the gated campaign blocks them), the rest did."""
    out = []
    for i in range(n):
        out.append(recipient(f"{prefix}{i}", attributes={"visits": 0 if i == 0 else 4 + i}))
    return out


@pytest.fixture
def tenant(app):
    return add_tenant(app, "acme", recipients=audience("a-"))


@pytest.fixture
def other(app):
    return add_tenant(app, "globex", recipients=audience("b-"))


def empty_redis_db(url: str):
    """A client of the Redis database ``url``, emptied; the test is skipped without a Redis server."""
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    return client


def later(monkeypatch, seconds: float) -> None:
    """Move the clock of the API's in-process caches (preview.api.lru) ``seconds`` ahead."""
    real = time.monotonic
    monkeypatch.setattr("preview.api.lru.time", types.SimpleNamespace(monotonic=lambda: real() + seconds))


def wait_for_run(client, headers, run_id: int, timeout: float = 60) -> dict:
    """Poll a run until it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/v1/runs/{run_id}", headers=headers).get_json()["run"]
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish in {timeout} s")


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it is sent and answers with ``statuses``."""

    def __init__(self, statuses=(200,)):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        self.received = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if 200 <= status < 300:
                    receiver.received.set()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/preview-result"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
