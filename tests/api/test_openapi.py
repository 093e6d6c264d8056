"""The OpenAPI 3.1 document matches the code: same routes both ways, and schemathesis finds no
server error and no response outside the document when it fuzzes the real app in-process."""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings

_CONVERTER = re.compile(r"<(?:[a-z]+:)?(\w+)>")
_IMPLICIT = {"HEAD", "OPTIONS"}


def _routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("preview_api."):
            path = _CONVERTER.sub(r"{\1}", rule.rule)
            out |= {(path, m) for m in rule.methods - _IMPLICIT}
    return out


def test_every_route_is_documented_and_every_documented_path_is_a_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    assert documented == _routes(app)
    errors = set(document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"])
    from preview.api.errors import ERRORS

    assert errors == set(ERRORS)


def test_the_document_follows_the_url_prefix(db_url, engine):
    from tests.api.conftest import close_app, make_app

    app = make_app(db_url, PREVIEW_URL_PREFIX="/preview")
    try:
        document = app.test_client().get("/preview/api/v1/openapi.json").get_json()
        assert {path for path, _ in _routes(app)} == set(document["paths"])
        assert all(path.startswith("/preview/api/v1/") for path in document["paths"])
    finally:
        close_app(app)


def test_no_server_errors_and_responses_as_documented(app, tenant):
    api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= len(_routes(app)) - 1  # schemathesis leaves out the document itself
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            case.call_and_validate(headers=tenant.headers)

        fuzz()


def test_the_documented_campaign_filename_excludes_what_the_server_refuses(client):
    # A file name with a NUL is refused (400); the document must not call it valid, or a client
    # generated from it (and schemathesis) sends requests the server rejects.
    import jsonschema

    document = client.get("/api/v1/openapi.json").get_json()
    filename = document["components"]["schemas"]["CampaignRef"]["oneOf"][0]["properties"]["filename"]
    validator = jsonschema.Draft202012Validator(filename)
    assert validator.is_valid("welcome.mjml")
    assert not validator.is_valid("wel\x00come.mjml")
