"""The OpenAPI 3.1 document of the API, built from the code it describes, at ``GET /api/v1/openapi.json``.

Built in code rather than kept as a file so that what can drift cannot: the error codes come
from preview.api.errors, the scopes from preview.api.auth, the sampling strategies from
preview.sampling, and the report and recipient schemas are the contract's own JSON Schemas
(OpenAPI 3.1 schemas are JSON Schema 2020-12). A test checks that every route of the blueprint
is in the document and every path of the document is a route.
"""

from __future__ import annotations

import copy
import functools

from flask import jsonify

from preview.api import bp
from preview.api.auth import SCOPES
from preview.api.errors import ERRORS
from preview.api.payload import MAX_ID
from preview.api.state import api
from preview.config import check_names
from preview.contract.schema import schema as contract_schema

VERSION = "1.0.0"


def _inline(name: str, prefix: str) -> tuple[dict, dict]:
    """A contract schema for components: ``(schema, its $defs as components)``, refs rewritten."""
    doc = copy.deepcopy(contract_schema(name))
    doc.pop("$schema", None)
    doc.pop("$id", None)
    defs = doc.pop("$defs", {})

    def rewrite(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                node["$ref"] = f"#/components/schemas/{prefix}{ref[len('#/$defs/'):]}"
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(doc)
    rewrite(defs)
    return doc, {f"{prefix}{k}": v for k, v in defs.items()}


def _ID(max_length: int) -> dict:  # noqa: N802 - reads as a type in the schemas below
    """An id: a string with something other than spaces in it."""
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": r"\S", "not": {"pattern": "\u0000"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    out = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


def _errors(*statuses: int) -> dict:
    """Error responses for ``statuses``, each listing the codes it can carry."""
    out = {}
    for status in statuses:
        codes = [c for c, (s, _) in ERRORS.items() if s == status]
        text = "; ".join(f"`{c}`: {ERRORS[c][1]}" for c in codes)
        headers = {}
        if status == 429:
            headers = {"Retry-After": {"description": "Seconds until the token may call again.", "schema": {"type": "string"}}}
        if status == 405:
            headers = {"Allow": {"description": "The methods the endpoint takes.", "schema": {"type": "string"}}}
        out[str(status)] = _json(_ref("Error"), text, headers or None)
    return out


_RATE_HEADERS = {
    "RateLimit-Limit": {"description": "Requests the token may make per window.", "schema": {"type": "string"}},
    "RateLimit-Remaining": {"description": "Requests left in this window.", "schema": {"type": "string"}},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", "schema": {"type": "string"}},
}
_COMMON = (401, 403, 429, 500)
_BODY = (400, 413, 415)


def _schemas(check_names: tuple[str, ...]) -> dict:
    report, report_defs = _inline("findings", "Report_")
    recipient, recipient_defs = _inline("recipient", "Recipient_")
    checks = {
        "type": "object",
        "description": "Overrides of the deployment's check settings, by check code, name or family.",
        "additionalProperties": False,
        "properties": {
            "severity": {"type": "object", "propertyNames": {"enum": list(check_names)}, "additionalProperties": {"enum": ["block", "warn", "info"]}},
            "disable": {"type": "array", "items": {"enum": list(check_names)}},
        },
    }
    sample = {
        "type": "object",
        "properties": {
            "strategy": {"enum": _strategies(), "default": "random", "description": "How recipients are chosen; `all` checks the whole audience."},
            "size": {"type": "integer", "minimum": 1, "maximum": 100_000, "description": "Recipients to check (default PREVIEW_SAMPLE_SIZE)."},
            "seed": {"type": ["integer", "string"], "maxLength": 100, "not": {"type": "string", "pattern": "\u0000"}, "minimum": -(2**63), "maximum": 2**63 - 1, "description": "Seed of the sample: the same seed draws the same recipients."},
        },
    }
    presend_fields = {
        "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "Campaign version number; default: the latest."},
        "sample": _ref("Sample"),
        "recipient_ids": {"type": "array", "items": _ID(200), "minItems": 1, "maxItems": 1000, "description": "Check exactly these recipients."},
        "send_date": {"type": "string", "format": "date"},
        "checks": _ref("CheckOverrides"),
        "callback_url": {"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2000, "description": "Gets the signed `run.finished` event when the run ends."},
    }
    reason = {"type": "object", "required": ["code", "severity", "message"], "properties": {"code": {"type": "string"}, "severity": {"enum": ["block", "warn"]}, "message": {"type": "string"}}}
    run = {
        "type": "object",
        "required": ["id", "url", "status", "campaign", "recipients_checked"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "status": {"enum": ["queued", "running", "done", "failed"]},
            "campaign": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"}}},
            "progress": {"type": ["number", "null"]},
            "recipients_planned": {"type": ["integer", "null"]},
            "recipients_checked": {"type": "integer"},
            "verdict": {"enum": ["pass", "warn", "block", None]},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "error": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"]},
            "started_at": {"type": ["string", "null"]},
            "finished_at": {"type": ["string", "null"]},
            "callback": {
                "type": ["object", "null"],
                "properties": {"url": {"type": "string"}, "deliveries": {"type": "array", "items": {"type": "object"}}},
            },
            "report": _ref("Report"),
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"enum": list(ERRORS), "description": "Stable; branch on it."},
                        "message": {"type": "string", "description": "For people: what went wrong and what to fix."},
                        "field": {"type": "string", "description": "The request field at fault, when there is one."},
                    },
                }
            },
        },
        "Report": report,
        **report_defs,
        "Recipient": recipient,
        **recipient_defs,
        "CheckOverrides": checks,
        "Sample": sample,
        "CampaignRef": {
            "oneOf": [
                {
                    "type": "object",
                    "title": "File text",
                    "required": ["source"],
                    "additionalProperties": False,
                    "properties": {
                        "source": {"type": "string", "description": "The campaign file (front matter and body)."},
                        "filename": {"type": "string", "pattern": r"\S.*\.(mjml|html)$", "not": {"pattern": "\u0000"}, "maxLength": 300, "description": "Its name; the suffix gives the body format."},
                    },
                },
                {
                    "type": "object",
                    "title": "Saved campaign",
                    "required": ["id"],
                    "additionalProperties": False,
                    "properties": {"id": _ID(100), "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                },
            ]
        },
        "Rendered": {
            "type": "object",
            "description": "Parts already rendered by the caller; they are checked as they are.",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {k: {"type": "string"} for k in ("subject", "preheader", "from_name", "html", "text")},
        },
        "ValidateRequest": {
            "type": "object",
            "description": "A campaign (or rendered parts) and exactly one of recipient / recipient_id.",
            "allOf": [
                {"anyOf": [{"required": ["campaign"]}, {"required": ["rendered"]}]},
                {"oneOf": [{"required": ["recipient"]}, {"required": ["recipient_id"]}]},
            ],
            "properties": {
                "campaign": _ref("CampaignRef"),
                "recipient": _ref("Recipient"),
                "recipient_id": _ID(200),
                "rendered": _ref("Rendered"),
                "send_date": {"type": "string", "format": "date"},
                "checks": _ref("CheckOverrides"),
            },
        },
        "Verdict": {
            "type": "object",
            "required": ["block", "verdict", "reasons", "warnings", "campaign", "recipient"],
            "properties": {
                "block": {"type": "boolean", "description": "True when the email must not be sent."},
                "verdict": {"enum": ["pass", "warn", "block"]},
                "reasons": {"type": "array", "items": reason, "description": "The blocking findings."},
                "warnings": {"type": "array", "items": reason},
                "campaign": {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}},
                "recipient": {"type": "object", "properties": {"id": {"type": "string"}}},
            },
        },
        "PresendRequest": {"type": "object", "properties": presend_fields},
        "Run": run,
        "RunEnvelope": {"type": "object", "required": ["run"], "properties": {"run": _ref("Run")}},
        "InboundEvent": {
            "type": "object",
            "required": ["id", "type", "data"],
            "properties": {
                "id": {**_ID(150), "description": "The event's id; also the run's idempotency key."},
                "type": {"enum": ["campaign.send_requested"]},
                "data": {"type": "object", "required": ["campaign"], "properties": {"campaign": _ID(100), **presend_fields}},
            },
        },
    }


def _strategies() -> list[str]:
    from preview.api.runs import strategies

    return strategies()


def _paths(prefix: str) -> dict:
    run_created = _json(_ref("RunEnvelope"), "The run started (202) or, for a repeated Idempotency-Key or event id, the one started before (200).", {"Location": {"schema": {"type": "string"}, "description": "The run's URL."}})
    return {
        f"{prefix}/openapi.json": {
            "get": {"operationId": "openapi", "summary": "This document.", "security": [], "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")}}
        },
        f"{prefix}/validate": {
            "post": {
                "operationId": "validate",
                "summary": "Check one message, synchronously.",
                "description": "Render one recipient's email of a campaign (file text or saved campaign) and check it; with `rendered`, check those parts as they are. Scope `validate`.",
                "security": [{"bearer": ["validate"]}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ValidateRequest")}}},
                "responses": {"200": _json(_ref("Report"), "The check report (findings.schema.json).", _RATE_HEADERS), **_errors(*_BODY, 404, 422, *_COMMON)},
            }
        },
        f"{prefix}/verdict": {
            "get": {
                "operationId": "verdict",
                "summary": "Send-time gate of one recipient (Braze Connected Content).",
                "description": "Deterministic and cached: the same campaign version, recipient record, settings and date give the same bytes, with an ETag. Scope `verdict`.",
                "security": [{"bearer": ["verdict"]}],
                "parameters": [
                    {"name": "campaign", "in": "query", "required": True, "schema": _ID(100)},
                    {"name": "recipient", "in": "query", "required": True, "schema": _ID(200)},
                    {"name": "version", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                    {"name": "send_date", "in": "query", "schema": {"type": "string", "format": "date"}},
                ],
                "responses": {
                    "200": _json(_ref("Verdict"), "The verdict.", {"ETag": {"schema": {"type": "string"}}, "Cache-Control": {"schema": {"type": "string"}}, **_RATE_HEADERS}),
                    "304": {"description": "Not modified (If-None-Match matched the ETag)."},
                    **_errors(400, 404, *_COMMON),
                },
            }
        },
        f"{prefix}/campaigns/{{campaign}}/presend": {
            "post": {
                "operationId": "presend",
                "summary": "Start a campaign gate run over a sample or the whole audience.",
                "description": "Answers at once with the run; follow it at its URL, or give `callback_url`. Scope `presend`.",
                "security": [{"bearer": ["presend"]}],
                "parameters": [
                    {"name": "campaign", "in": "path", "required": True, "schema": _ID(100)},
                    {"name": "Idempotency-Key", "in": "header", "required": False, "schema": _ID(200), "description": "Repeat the request with the same key to get the same run back."},
                ],
                "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("PresendRequest")}}},
                "responses": {"200": run_created, "202": run_created, **_errors(*_BODY, 404, 409, *_COMMON, 503)},
            }
        },
        f"{prefix}/runs/{{run_id}}": {
            "get": {
                "operationId": "getRun",
                "summary": "A run: progress, then verdict, findings and callback deliveries.",
                "security": [{"bearer": ["runs:read"]}],
                "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}],
                "responses": {"200": _json(_ref("RunEnvelope"), "The run.", _RATE_HEADERS), **_errors(404, *_COMMON)},
            }
        },
        f"{prefix}/webhooks/{{workspace}}/events": {
            "post": {
                "operationId": "inboundEvent",
                "summary": "Receive a signed event from an ESP (`campaign.send_requested` starts a campaign gate).",
                "description": "Authenticated by `Preview-Signature: t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>` under the workspace's signing secret; stale timestamps and replays are refused.",
                "security": [{"signature": []}],
                "parameters": [{"name": "workspace", "in": "path", "required": True, "schema": _ID(100)}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("InboundEvent")}}},
                "responses": {"200": run_created, "202": run_created, **_errors(*_BODY, 404, 409, 422, *_COMMON, 503)},
            }
        },
    }


@functools.lru_cache(maxsize=8)
def document(prefix: str = "/api/v1", check_names: tuple[str, ...] = ()) -> dict:
    """The OpenAPI document for the API mounted at ``prefix``, with the checks this deployment knows."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Campaign Preview pre-send API",
            "version": VERSION,
            "description": "Ask, before a send, whether a message or a campaign may go. Errors are always `{\"error\": {\"code\", \"message\", \"field\"}}`.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(prefix),
        "components": {
            "schemas": _schemas(check_names),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (`preview token create`). Scopes: " + "; ".join(f"`{k}`: {v}" for k, v in SCOPES.items())},
                "signature": {"type": "apiKey", "in": "header", "name": "Preview-Signature", "description": "Stripe-style HMAC-SHA256 signature of inbound webhooks."},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document (no token needed)."""
    registry = api().prepared.registry(None)
    names = tuple(sorted(check_names(registry)))
    return jsonify(document(api().prefix, names))
