"""The API's errors: one JSON shape everywhere, with a stable code and a message that says what to fix.

Every error response under /api/v1 is::

    {"error": {"code": "recipient_not_found", "message": "...", "field": "recipient.id"}}

``code`` is stable (clients branch on it, it is listed in the OpenAPI document); ``message`` is
for people and may be reworded; ``field`` names the request field at fault, when there is one.
Flask's own errors (unknown path, wrong method, body too large, a crash) get the same shape.
"""

from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Every code the API can answer with, its HTTP status and when it happens.
ERRORS: dict[str, tuple[int, str]] = {
    "invalid_json": (400, "The body is not a JSON object."),
    "invalid_request": (400, "A field is missing, of the wrong type or out of range."),
    "invalid_campaign": (422, "The campaign file cannot be parsed (front matter, format)."),
    "invalid_recipient": (422, "The recipient record does not satisfy recipient.schema.json."),
    "unauthorized": (401, "No API token, or a token that is unknown, revoked or expired."),
    "insufficient_scope": (403, "The token lacks the scope this endpoint needs."),
    "campaign_not_found": (404, "No such campaign (or version) in the token's workspace."),
    "recipient_not_found": (404, "No such recipient in the token's workspace."),
    "run_not_found": (404, "No such run in the token's workspace."),
    "not_found": (404, "No endpoint at this path."),
    "method_not_allowed": (405, "The endpoint exists but not for this HTTP method."),
    "idempotency_key_reused": (409, "The Idempotency-Key was already used for a different request."),
    "webhook_replayed": (409, "This signed webhook was already received."),
    "body_too_large": (413, "The request body is larger than PREVIEW_API_MAX_BODY."),
    "unsupported_media_type": (415, "The body must be sent as application/json."),
    "invalid_signature": (401, "The webhook signature is missing, malformed, stale or wrong."),
    "rate_limited": (429, "The token made too many requests; retry after Retry-After seconds."),
    "internal_error": (500, "The server failed; the request can be retried."),
    "queue_unavailable": (503, "The run was saved but the job queue did not take it; retry with the same Idempotency-Key."),
}


class ApiError(Exception):
    """An error answered as the API's JSON error body; raise it from any view."""

    def __init__(self, code: str, message: str, *, field: str | None = None, headers: dict | None = None):
        if code not in ERRORS:
            raise ValueError(f"unknown API error code {code!r}; add it to preview.api.errors.ERRORS")
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}

    @property
    def status(self) -> int:
        """The HTTP status of this error's code."""
        return ERRORS[self.code][0]

    def body(self) -> dict:
        """The JSON body of this error."""
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def error_response(error: ApiError):
    """The Flask response of ``error``."""
    response = jsonify(error.body())
    response.status_code = error.status
    response.headers.update(error.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


# What to tell the client for each of Flask's own errors.
_HTTP: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The request could not be read; check the body and the query string."),
    404: ("not_found", "No endpoint at this path; the endpoints are listed in /api/v1/openapi.json."),
    405: ("method_not_allowed", "This endpoint does not take {method}; it takes {allowed}."),
    413: ("body_too_large", "The request body is larger than {limit} bytes; send less (PREVIEW_API_MAX_BODY)."),
    415: ("unsupported_media_type", "Send the body as JSON with Content-Type: application/json."),
}


def from_http_exception(exc: HTTPException, *, method: str = "", limit: int | None = None) -> ApiError:
    """The API error for one of Flask's (werkzeug's) HTTP exceptions."""
    code, message = _HTTP.get(exc.code or 500, ("internal_error", "The server failed; the request can be retried."))
    headers = {}
    if exc.code == 405:
        allowed = sorted(getattr(exc, "valid_methods", None) or [])
        headers["Allow"] = ", ".join(allowed)
        message = message.format(method=method or "this method", allowed=", ".join(allowed) or "no method")
    elif exc.code == 413:
        message = message.format(limit=limit if limit is not None else "the allowed")
    return ApiError(code, message, headers=headers)


def crash_error(exc: BaseException) -> ApiError:
    """The API error for an unexpected exception (logged here with its traceback)."""
    log.exception("API request failed", exc_info=exc)
    return ApiError("internal_error", "The server failed while handling the request; it was logged. Retry, and report it if it persists.")
