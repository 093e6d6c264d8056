"""Presend runs executed for real: by local worker processes (no broker), and by a Celery worker
started as a subprocess against the local Redis, each delivering the signed callback to a real
local HTTP receiver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preview.api import signing
from preview.jobs import ThreadExecutor, make_executor
from preview.jobs.celery_app import CeleryExecutor
from preview.jobs.local import LocalProcessExecutor
from preview.store import migrate
from preview.store.db import make_engine
from tests.api.conftest import (
    MASTER,
    add_tenant,
    audience,
    close_app,
    empty_redis_db,
    make_app,
    wait_for_run,
)

BROKER = "redis://127.0.0.1:6379/11"


def _verified_event(receiver, workspace="acme") -> dict:
    assert receiver.received.wait(60), "no callback arrived"
    delivery = receiver.requests[-1]
    signing.verify(signing.workspace_secret(MASTER, workspace), delivery["body"], delivery["headers"]["Preview-Signature"], tolerance=120)
    return json.loads(delivery["body"])


def test_the_settings_choose_the_executor(app):
    sessions = app.extensions["preview"].sessions
    assert isinstance(make_executor({"PREVIEW_BROKER_URL": "", "PREVIEW_WORKERS": 3}, sessions), LocalProcessExecutor)
    assert make_executor({"PREVIEW_BROKER_URL": "", "PREVIEW_WORKERS": 3}, sessions).workers == 3
    assert isinstance(make_executor({"PREVIEW_BROKER_URL": BROKER}, sessions), CeleryExecutor)
    assert isinstance(app.extensions["preview"].executor, ThreadExecutor)  # the tests' own choice


def test_local_worker_processes_run_presends_and_deliver_callbacks(db_url, engine, receiver):
    app = make_app(db_url, threads=False, PREVIEW_WORKERS=1)
    try:
        executor = app.extensions["preview"].executor
        assert isinstance(executor, LocalProcessExecutor) and executor.callbacks is not None
        tenant = add_tenant(app, "acme", recipients=audience("a-"))
        client = app.test_client()
        started = [client.post("/api/v1/campaigns/gated/presend", headers=tenant.headers, json={"sample": {"strategy": "all"}, "callback_url": receiver.url}) for _ in range(2)]
        runs = [wait_for_run(client, tenant.headers, r.get_json()["run"]["id"], timeout=120) for r in started]
        assert [r["status"] for r in runs] == ["done", "done"] and {r["verdict"] for r in runs} == {"block"}
        event = _verified_event(receiver)
        assert event["data"]["run"]["id"] in {r["id"] for r in runs}
        # A run submitted again (a retried message) is not executed twice.
        assert executor.submit(runs[0]["id"]).result(timeout=60) is None
    finally:
        close_app(app)


@pytest.fixture
def broker():
    client = empty_redis_db(BROKER)
    yield BROKER
    client.flushdb()


def test_a_celery_worker_runs_the_presend_and_delivers_the_signed_callback(tmp_path, broker, receiver):
    url = f"sqlite:///{tmp_path / 'celery.sqlite'}"
    migrate.upgrade(make_engine(url))
    env = {
        **os.environ,
        "PREVIEW_DATABASE_URL": url,
        "PREVIEW_BROKER_URL": broker,
        "PREVIEW_WEBHOOK_SECRET": MASTER,
        "PREVIEW_WEBHOOK_ALLOW_PRIVATE": "true",
        "PREVIEW_WEBHOOK_RETRY_BASE": "0.05",
    }
    env.pop("DATABASE_URL", None)
    preview = Path(sys.executable).with_name("preview")
    worker = subprocess.Popen([str(preview), "worker", "--pool", "solo", "--loglevel", "WARNING"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    app = make_app(url, threads=False, PREVIEW_BROKER_URL=broker)
    try:
        assert isinstance(app.extensions["preview"].executor, CeleryExecutor)
        tenant = add_tenant(app, "acme", recipients=audience("a-"))
        client = app.test_client()
        response = client.post(
            "/api/v1/campaigns/gated/presend",
            headers={**tenant.headers, "Idempotency-Key": "celery-1"},
            json={"sample": {"strategy": "all"}, "callback_url": receiver.url},
        )
        assert response.status_code == 202
        run = wait_for_run(client, tenant.headers, response.get_json()["run"]["id"], timeout=120)
        assert run["status"] == "done" and run["verdict"] == "block" and run["recipients_checked"] == 6
        event = _verified_event(receiver)
        assert event["id"] == f"run-{run['id']}.finished" and event["data"]["report"]["verdict"] == "block"
        deadline = time.monotonic() + 30
        while not client.get(f"/api/v1/runs/{run['id']}", headers=tenant.headers).get_json()["run"]["callback"]["deliveries"]:
            assert time.monotonic() < deadline, "the delivery was not logged"
            time.sleep(0.1)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        close_app(app)
    assert "Traceback" not in output, output
