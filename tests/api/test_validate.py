"""POST /api/v1/validate: one message checked synchronously, by file text or saved campaign, or as rendered."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from preview.api.state import api
from preview.contract.schema import schema
from tests.api.conftest import CLEAN_TEXT, GATED_TEXT
from tests.conftest import recipient


def _report_ok(report: dict) -> None:
    Draft202012Validator(schema("findings")).validate(report)


def test_file_text_and_a_whole_record_give_the_report(client, tenant):
    response = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"source": CLEAN_TEXT, "filename": "clean.mjml"}, "recipient": recipient("x-1")})
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    _report_ok(report)
    assert report["verdict"] != "block" and report["recipients_checked"] == 1
    assert not [f for f in report["findings"] if f["severity"] == "block"]
    assert report["campaign"]["name"] == "Winter collection"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_saved_campaign_and_a_stored_recipient_by_id(client, tenant):
    bad = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "gated"}, "recipient_id": "a-0"}).get_json()
    _report_ok(bad)
    assert bad["verdict"] == "block"
    crash = [f for f in bad["findings"] if f["code"] == "RND002"]
    assert crash and crash[0]["recipient_id"] == "a-0" and "division" in crash[0]["message"].lower()
    good = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "gated", "version": 1}, "recipient_id": "a-3"}).get_json()
    assert good["verdict"] != "block" and "RND002" not in {f["code"] for f in good["findings"]}


def test_rendered_parts_are_checked_as_they_are(client, tenant):
    # The campaign renders cleanly for this recipient; the parts the ESP rendered do not.
    body = {
        "campaign": {"id": "clean"},
        "recipient_id": "a-2",
        "rendered": {"subject": "Integration Test Email #1", "html": "<html><body><p>Hi *|FNAME|*, our winter collection is here.</p></body></html>"},
    }
    report = client.post("/api/v1/validate", headers=tenant.headers, json=body).get_json()
    _report_ok(report)
    codes = {f["code"] for f in report["findings"]}
    assert {"TST001", "PZG001"} <= codes and report["verdict"] == "block"
    rendered_only = client.post("/api/v1/validate", headers=tenant.headers, json={"recipient": recipient("x-2"), "rendered": body["rendered"]}).get_json()
    assert {"TST001", "PZG001"} <= {f["code"] for f in rendered_only["findings"]}
    fine = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "clean"}, "recipient_id": "a-2"}).get_json()
    assert not {"TST001", "PZG001"} & {f["code"] for f in fine["findings"]}


def test_a_campaign_version_is_compiled_once_per_process(client, tenant, app):
    with app.app_context():
        prepared = api().prepared
    before = prepared.compiles
    for rid in ("a-1", "a-2", "a-3", "a-1"):
        assert client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "gated"}, "recipient_id": rid}).status_code == 200
    assert prepared.compiles == before + 1
    client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"source": GATED_TEXT, "filename": "gated.mjml"}, "recipient_id": "a-1"})
    client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"source": GATED_TEXT, "filename": "gated.mjml"}, "recipient_id": "a-2"})
    assert prepared.compiles == before + 2


def test_check_overrides_apply_and_unknown_checks_are_named(client, tenant):
    body = {"campaign": {"id": "gated"}, "recipient_id": "a-0", "checks": {"disable": ["RND002"]}}
    report = client.post("/api/v1/validate", headers=tenant.headers, json=body).get_json()
    assert "RND002" not in {f["code"] for f in report["findings"]}
    body["checks"] = {"disable": ["NOPE999"]}
    error = client.post("/api/v1/validate", headers=tenant.headers, json=body)
    assert error.status_code == 400 and error.get_json()["error"]["field"] == "checks.disable"
    assert "NOPE999" in error.get_json()["error"]["message"]


def test_a_check_that_raises_is_reported_not_passed(client, tenant, monkeypatch):
    from preview.checks.render_error import check_crashed

    with client.application.app_context():
        victim = next(c for c in api().prepared.registry(None).enabled() if c.spec.code == "LNK001")

    def broken(message, recipient, ctx):
        raise RuntimeError("rule file unreadable")

    monkeypatch.setattr(victim, "run", broken)
    body = {"campaign": {"id": "clean"}, "recipient_id": "a-2"}
    report = client.post("/api/v1/validate", headers=tenant.headers, json=body).get_json()
    _report_ok(report)
    crashed = [f for f in report["findings"] if f["code"] == check_crashed.spec.code]
    assert len(crashed) == 1 and "LNK001" in crashed[0]["message"] and "rule file unreadable" in crashed[0]["message"]
    # The deployment (or the request) may silence crash reports, as `preview check` honours them.
    body["checks"] = {"disable": [check_crashed.spec.code]}
    quiet = client.post("/api/v1/validate", headers=tenant.headers, json=body).get_json()
    assert check_crashed.spec.code not in {f["code"] for f in quiet["findings"]}


def test_bad_input_names_the_field(client, tenant):
    def post(body, **kw):
        response = client.post("/api/v1/validate", headers=tenant.headers, json=body, **kw)
        return response.status_code, response.get_json()["error"]

    status, error = post({"campaign": {"id": "clean"}, "recipient": {"id": "r9"}})
    assert status == 422 and error["code"] == "invalid_recipient" and error["field"] == "recipient.email"
    status, error = post({"campaign": {"id": "clean"}, "recipient": recipient("r9", birth_date="1985-13-45")})
    assert status == 422 and error["field"] == "recipient.birth_date"
    status, error = post({"campaign": {"source": "---\nname: [unclosed\n---\n<mjml></mjml>"}, "recipient_id": "a-1"})
    assert status == 422 and error["code"] == "invalid_campaign" and error["field"] == "campaign.source"
    status, error = post({"recipient_id": "a-1"})
    assert status == 400 and error["field"] == "campaign"
    status, error = post({"campaign": {"id": "clean"}})
    assert status == 400 and error["field"] == "recipient"
    status, error = post({"campaign": {"id": "clean"}, "recipient_id": "a-1", "send_date": "10/12/2026"})
    assert status == 400 and error["field"] == "send_date"
    raw = client.post("/api/v1/validate", headers=tenant.headers, data="{not json", content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "invalid_json"
    form = client.post("/api/v1/validate", headers=tenant.headers, data="campaign=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and form.get_json()["error"]["code"] == "unsupported_media_type"
    missing = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "nope"}, "recipient_id": "a-1"})
    assert missing.status_code == 404 and missing.get_json()["error"] == {
        "code": "campaign_not_found",
        "message": missing.get_json()["error"]["message"],
        "field": "campaign.id",
    }


def test_text_no_database_can_store_is_refused_not_crashed(client, tenant):
    lone = client.post("/api/v1/validate", headers=tenant.headers, data=b'{"campaign": {"id": "clean"}, "recipient_id": "\\ud800x"}', content_type="application/json")
    assert lone.status_code == 400 and lone.get_json()["error"]["code"] == "invalid_json"
    nul = client.post("/api/v1/validate", headers=tenant.headers, json={"campaign": {"id": "clean"}, "recipient_id": "a\u00001"})
    assert nul.status_code == 400 and nul.get_json()["error"]["field"] == "recipient_id"
    spaces = client.get("/api/v1/verdict", headers=tenant.headers, query_string={"campaign": "clean", "recipient": "\u3000 "})
    assert spaces.status_code == 400 and spaces.get_json()["error"]["field"] == "recipient"
