"""Campaign Preview mounted as an extension in another Flask app, under a URL prefix."""

import re

import pytest
from flask import Flask, request
from werkzeug.security import generate_password_hash

from preview.extension import Preview
from preview.store import access
from preview.store.commands import load_demo, load_demo_audience
from tests.web.conftest import FAST_HASH, PASSWORD, TOKEN, InlineExecutor, start_run


@pytest.fixture
def host(db_url, engine, tmp_path):
    """A host app with its own pages, and Campaign Preview under /preview (init_app style)."""
    app = Flask("host_app", instance_path=str(tmp_path))
    app.config.update(SECRET_KEY="host-secret", PREVIEW_DATABASE_URL=db_url, PREVIEW_URL_PREFIX="/preview", PREVIEW_SESSION_COOKIE_SECURE=False)

    @app.route("/")
    def home():
        return "the host's home page"

    @app.route("/feedback", methods=["POST"])
    def feedback():  # the host's own form, without any CSRF token
        return f"thanks for {request.form.get('text')}"

    ext = Preview()
    ext.init_app(app)
    state = app.extensions["preview"]
    state.executor = InlineExecutor(state)
    with state.sessions.begin() as session:
        access.create_user(session, "rita", generate_password_hash(PASSWORD, FAST_HASH), "reviewer")
        load_demo(session, load_demo_audience(20))
    yield app
    state.engine.dispose()


def _login(client):
    token = TOKEN.search(client.get("/preview/login").get_data(as_text=True)).group(1)
    return client.post("/preview/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token})


def test_the_ui_lives_under_the_prefix_and_links_stay_there(host):
    client = host.test_client()
    assert client.get("/preview/campaigns").headers["Location"].startswith("/preview/login")
    response = _login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/preview/campaigns"
    html = client.get("/preview/campaigns").get_data(as_text=True)
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
    assert links and all(link.startswith("/preview/") for link in links), links
    css = client.get("/preview/static/preview/preview.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get("/campaigns").status_code == 404  # nothing outside the prefix


def test_a_run_is_previewed_under_the_prefix(host):
    client = host.test_client()
    _login(client)
    run_id = start_run(host, "wedding-congratulations", 5)
    html = client.get(f"/preview/runs/{run_id}").get_data(as_text=True)
    frames = re.findall(r'<iframe[^>]*src="([^"]+)"', html)
    assert len(frames) == 5 and all(src.startswith(f"/preview/runs/{run_id}/r/") for src in frames)
    render = client.get(frames[0])
    assert render.status_code == 200 and "default-src 'none'" in render.headers["Content-Security-Policy"]


def test_the_api_is_mounted_under_the_prefix_too(host):
    rules = [r.rule for r in host.url_map.iter_rules() if r.endpoint.startswith("preview_api.")]
    assert rules and all(rule.startswith("/preview/api/v1") for rule in rules)


def test_the_host_keeps_its_own_pages_forms_and_headers(host):
    client = host.test_client()
    response = client.get("/")
    assert response.get_data(as_text=True) == "the host's home page"
    assert "Content-Security-Policy" not in response.headers and "X-Frame-Options" not in response.headers
    assert client.post("/feedback", data={"text": "a form without a token"}).status_code == 200


def test_the_extension_keeps_its_state_on_the_app_not_on_itself(db_url, engine, tmp_path):
    ext = Preview()
    apps = []
    for name in ("one", "two"):
        app = Flask(name, instance_path=str(tmp_path / name))
        app.config.update(SECRET_KEY="s", PREVIEW_DATABASE_URL=db_url, PREVIEW_URL_PREFIX=f"/{name}")
        ext.init_app(app)
        apps.append(app)
    assert apps[0].extensions["preview"] is not apps[1].extensions["preview"]
    assert not hasattr(ext, "app")
    for app, name in zip(apps, ("one", "two"), strict=True):
        assert app.test_client().get(f"/{name}/login").status_code == 200
        app.extensions["preview"].engine.dispose()
