"""A token sees its own workspace only: another tenant's recipients, campaigns and runs answer
exactly like ids that do not exist, so a token cannot even learn that they exist."""

from __future__ import annotations

import sqlalchemy as sa

from preview.store.models import Campaign, Recipient, Run, Workspace
from tests.api.conftest import wait_for_run


def _delete(app, model, **where):
    with app.extensions["preview"].sessions.begin() as session:
        query = sa.delete(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        session.execute(query)


def _workspace_id(app, slug):
    with app.extensions["preview"].sessions() as session:
        return session.scalar(sa.select(Workspace.id).where(Workspace.slug == slug))


def test_recipients_of_another_workspace_are_not_found(client, tenant, other, app):
    calls = {
        "validate": lambda: client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "gated"}, "recipient_id": "b-0"}),
        "verdict": lambda: client.get("/api/v1/verdict", headers=tenant.headers, query_string={"campaign": "gated", "recipient": "b-0"}),
        "presend": lambda: client.post("/api/v1/campaigns/gated/presend", headers=tenant.headers, json={"recipient_ids": ["b-0"]}),
    }
    # Globex's b-0 exists: Acme's token sees nothing of it.
    seen = {name: call() for name, call in calls.items()}
    assert seen["validate"].status_code == seen["verdict"].status_code == 404
    assert seen["validate"].get_json()["error"]["code"] == "recipient_not_found"
    assert b"b-0@" not in seen["validate"].data and b"Ana" not in seen["verdict"].data
    # The presend run is Acme's and fails for want of the recipient, saying only that it is not there.
    failed = wait_for_run(client, tenant.headers, seen["presend"].get_json()["run"]["id"])
    assert failed["status"] == "failed" and "b-0" in failed["error"] and "@" not in failed["error"]
    # Now remove b-0 from Globex: the answers are byte for byte what they were.
    _delete(app, Recipient, workspace_id=_workspace_id(app, "globex"), external_id="b-0")
    for name in ("validate", "verdict"):
        again = calls[name]()
        assert (again.status_code, again.data) == (seen[name].status_code, seen[name].data), name


def test_campaigns_of_another_workspace_are_not_found(client, tenant, other, app):
    globex = _workspace_id(app, "globex")
    _delete(app, Campaign, workspace_id=_workspace_id(app, "acme"), slug="gated")  # "gated" now exists only at Globex
    calls = {
        "validate": lambda: client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "gated"}, "recipient_id": "a-1"}),
        "verdict": lambda: client.get("/api/v1/verdict", headers=tenant.headers, query_string={"campaign": "gated", "recipient": "a-1"}),
        "presend": lambda: client.post("/api/v1/campaigns/gated/presend", headers=tenant.headers, json={}),
    }
    seen = {name: call() for name, call in calls.items()}
    assert {r.status_code for r in seen.values()} == {404}
    assert {r.get_json()["error"]["code"] for r in seen.values()} == {"campaign_not_found"}
    _delete(app, Campaign, workspace_id=globex, slug="gated")
    for name, call in calls.items():
        again = call()
        assert (again.status_code, again.data) == (seen[name].status_code, seen[name].data), name


def test_runs_of_another_workspace_are_not_found(client, tenant, other, app):
    theirs = client.post("/api/v1/campaigns/clean/presend", headers=other.headers, json={"sample": {"size": 2}}).get_json()["run"]
    wait_for_run(client, other.headers, theirs["id"])
    seen = client.get(f"/api/v1/runs/{theirs['id']}", headers=tenant.headers)
    assert seen.status_code == 404 and seen.get_json()["error"]["code"] == "run_not_found"
    assert b"b-" not in seen.data
    _delete(app, Run, id=theirs["id"])
    again = client.get(f"/api/v1/runs/{theirs['id']}", headers=tenant.headers)
    assert (again.status_code, again.data) == (seen.status_code, seen.data)
    # The owner still reads its runs; a verdict cached for one tenant is never served to another.
    mine = client.post("/api/v1/campaigns/clean/presend", headers=tenant.headers, json={"sample": {"size": 2}}).get_json()["run"]
    assert client.get(f"/api/v1/runs/{mine['id']}", headers=tenant.headers).status_code == 200


def test_the_same_ids_in_two_workspaces_get_each_their_own_verdict(client, tenant, app):
    from tests.api.conftest import add_tenant
    from tests.conftest import recipient

    # Initech has a recipient a-0 too, who visited: Acme's cached "block" must not be served to it.
    initech = add_tenant(app, "initech", recipients=[recipient("a-0", attributes={"visits": 9})])
    assert client.get("/api/v1/verdict", headers=tenant.headers, query_string={"campaign": "gated", "recipient": "a-0"}).get_json()["block"] is True
    assert client.get("/api/v1/verdict", headers=initech.headers, query_string={"campaign": "gated", "recipient": "a-0"}).get_json()["block"] is False
