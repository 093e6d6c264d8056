"""``preview token create|list|revoke|secret`` against a real database."""

from __future__ import annotations

from click.testing import CliRunner

from preview.api import signing
from preview.api.state import TOKEN_CACHE_SECONDS
from preview.cli import main
from tests.api.conftest import MASTER, add_tenant, close_app, later, make_app


def test_create_list_use_and_revoke_a_token(db_url, engine, monkeypatch):
    monkeypatch.setenv("PREVIEW_DATABASE_URL", db_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PREVIEW_WEBHOOK_SECRET", MASTER)
    app = make_app(db_url)
    try:
        add_tenant(app, "acme")
        runner = CliRunner()
        created = runner.invoke(main, ["token", "create", "--workspace", "acme", "--name", "braze-prod", "--scope", "verdict"])
        assert created.exit_code == 0, created.output
        token = created.stdout.strip().splitlines()[0]
        assert token.startswith("cp_")
        client = app.test_client()
        query = {"campaign": "gated", "recipient": "nobody"}
        assert client.get("/api/v1/verdict", headers={"Authorization": f"Bearer {token}"}, query_string=query).status_code == 404
        assert client.post("/api/v1/validate", headers={"Authorization": f"Bearer {token}"}, json={}).status_code == 403
        listed = runner.invoke(main, ["token", "list", "--workspace", "acme"])
        assert token[:11] in listed.output and "active" in listed.output and "braze-prod" in listed.output and token not in listed.output
        revoked = runner.invoke(main, ["token", "revoke", token[:11]])
        assert revoked.exit_code == 0, revoked.output
        # The server process verified this token just now and trusts it for TOKEN_CACHE_SECONDS;
        # the revocation reaches it once that window has passed.
        assert client.get("/api/v1/verdict", headers={"Authorization": f"Bearer {token}"}, query_string=query).status_code == 404
        later(monkeypatch, TOKEN_CACHE_SECONDS + 0.1)
        assert client.get("/api/v1/verdict", headers={"Authorization": f"Bearer {token}"}, query_string=query).status_code == 401
        assert "revoked" in runner.invoke(main, ["token", "list"]).output
        secret = runner.invoke(main, ["token", "secret", "--workspace", "acme"])
        assert secret.stdout.strip() == signing.workspace_secret(MASTER, "acme")
        bad = runner.invoke(main, ["token", "create", "--workspace", "acme", "--name", "x", "--scope", "everything"])
        assert bad.exit_code == 2 and "not a scope" in bad.output
        nowhere = runner.invoke(main, ["token", "create", "--workspace", "nowhere", "--name", "x"])
        assert nowhere.exit_code == 2 and "nowhere" in nowhere.output
    finally:
        close_app(app)


def test_the_worker_command_needs_a_broker(monkeypatch, db_url, engine):
    monkeypatch.setenv("PREVIEW_DATABASE_URL", db_url)
    monkeypatch.setenv("PREVIEW_BROKER_URL", "")
    result = CliRunner().invoke(main, ["worker"])
    assert result.exit_code == 2 and "PREVIEW_BROKER_URL" in result.output


def test_token_commands_name_a_database_they_cannot_open(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'preview.sqlite'}")
    runner = CliRunner()
    for args in (["token", "list"], ["token", "create", "--name", "x"], ["token", "revoke", "cp_nothing"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "database error" in result.output and "no-such-folder" in result.output
