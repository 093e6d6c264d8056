"""The JSON API under /api/v1: pre-send validation, verdicts, campaign gates, run status, webhooks.

Endpoints (the OpenAPI 3.1 document at ``/api/v1/openapi.json`` describes each):

- ``POST /validate``: check one message, synchronously (preview.api.validate);
- ``GET /verdict``: the send-time gate of one recipient, cacheable (preview.api.verdict);
- ``POST /campaigns/<id>/presend`` and ``GET /runs/<id>``: campaign gates (preview.api.runs);
- ``POST /webhooks/<workspace>/events``: signed inbound events (preview.api.webhooks).

Every request body is capped (``PREVIEW_API_MAX_BODY``) before it is read, and every error,
Flask's own included, is the JSON of preview.api.errors.
"""

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from preview.api.errors import ApiError, crash_error, error_response, from_http_exception

bp = Blueprint("preview_api", __name__)


@bp.record_once
def _setup(setup_state) -> None:
    from preview.api import connection
    from preview.api import state as api_state

    app = setup_state.app
    prefix = setup_state.url_prefix or "/api/v1"
    api_state.build(app, app.extensions["preview"], prefix)
    app.teardown_appcontext(connection.close)

    # Unknown paths and wrong methods under the prefix never reach a blueprint's error handlers
    # (no route matched), so they are answered here, before any other app hook can.
    @app.before_request
    def _api_routing_errors():
        exc = request.routing_exception
        # A redirect (a missing trailing slash) is not an error; werkzeug answers it itself.
        if exc is not None and not isinstance(exc, RequestRedirect) and _under_api(request.path):
            return error_response(from_http_exception(exc, method=request.method))
        return None


def _under_api(path: str) -> bool:
    prefix = current_app.extensions["preview"].extra["api"].prefix
    return path == prefix or path.startswith(prefix + "/")


@bp.before_request
def _cap_body():
    """Refuse a body over the cap before reading it; werkzeug enforces it while streaming too."""
    limit = current_app.extensions["preview"].extra["api"].max_body
    request.max_content_length = limit + 1  # see preview.api.payload.body_bytes
    if request.content_length is not None and request.content_length > limit:
        return error_response(ApiError("body_too_large", f"The request body is {request.content_length} bytes; at most {limit} are accepted (PREVIEW_API_MAX_BODY)."))
    return None


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_response(exc)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_response(from_http_exception(exc, method=request.method, limit=current_app.extensions["preview"].extra["api"].max_body))


@bp.errorhandler(Exception)
def _crash(exc: Exception):
    return error_response(crash_error(exc))


# The views register their routes on ``bp`` when imported.
from preview.api import openapi, runs, validate, verdict, webhooks  # noqa: E402, F401
