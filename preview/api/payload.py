"""Reading request bodies and query strings, with errors that name the field at fault."""

from __future__ import annotations

import datetime as dt

from flask import request

from preview.api import json_codec
from preview.api.errors import ApiError
from preview.api.state import api
from preview.config import check_names

MAX_ID = 2**31 - 1  # ids and version numbers fit a 32-bit integer column


def body_bytes() -> bytes:
    """The raw request body, or ``body_too_large`` when it is over the cap.

    The stream is limited to one byte more than the cap (see preview.api._cap_body): werkzeug
    stops a capped stream quietly at the limit, so a body of exactly cap + 1 bytes is how an
    oversized streamed (chunked) body shows itself.
    """
    raw = request.get_data(cache=True)
    limit = api().max_body
    if len(raw) > limit:
        raise ApiError("body_too_large", f"The request body is over {limit} bytes, the most accepted (PREVIEW_API_MAX_BODY); send less.")
    return raw


def json_object(*, optional: bool = False) -> dict:
    """The request body as a JSON object (``{}`` for no body when ``optional``)."""
    raw = body_bytes()
    if not raw.strip():
        if optional:
            return {}
        raise ApiError("invalid_json", "The body is empty; send a JSON object.")
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError("unsupported_media_type", f"Send the body as JSON with Content-Type: application/json (got {mimetype or 'none'!r}).")
    try:
        body = json_codec.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_json", f"The body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict):
        raise ApiError("invalid_json", f"The body must be a JSON object, not a JSON {type(body).__name__}.")
    if b"\\ud" in raw.lower() and _has_lone_surrogate(body):
        raise ApiError("invalid_json", "The body has an unpaired \\ud800-\\udfff escape, which is not Unicode text; send UTF-8.")
    return body


def _has_lone_surrogate(value) -> bool:
    """Whether a parsed JSON value holds a string that cannot be UTF-8 (nor stored by a database)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _type_name(kind) -> str:
    return {str: "a string", int: "an integer", dict: "an object", list: "an array", bool: "true or false"}.get(kind, kind.__name__)


def field(body: dict, name: str, kind, *, required: bool = False, where: str = ""):
    """``body[name]`` checked to be of ``kind`` (None when absent and not ``required``)."""
    path = f"{where}{name}"
    if name not in body or body[name] is None:
        if required:
            raise ApiError("invalid_request", f"'{path}' is required.", field=path)
        return None
    value = body[name]
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ApiError("invalid_request", f"'{path}' must be an integer.", field=path)
    if not isinstance(value, kind):
        raise ApiError("invalid_request", f"'{path}' must be {_type_name(kind)}.", field=path)
    return value


# Whitespace as JSON Schema's (ECMAScript's) \s knows it: what the OpenAPI document's ids exclude.
_SPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def text(value, path: str, *, max_length: int = 200) -> str:
    """A string with something besides spaces, of at most ``max_length`` characters, without NUL
    (which PostgreSQL cannot store)."""
    if not isinstance(value, str) or not value.strip(_SPACE):
        raise ApiError("invalid_request", f"'{path}' must be a non-empty string.", field=path)
    if "\x00" in value:
        raise ApiError("invalid_request", f"'{path}' must not contain NUL characters.", field=path)
    if len(value) > max_length:
        raise ApiError("invalid_request", f"'{path}' is longer than {max_length} characters.", field=path)
    return value


def date(value, path: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or None."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ApiError("invalid_request", f"'{path}' must be a date like 2026-12-10.", field=path)


def positive_int(value, path: str, *, maximum: int | None = MAX_ID) -> int | None:
    """A whole number from 1 to ``maximum`` (query strings give text; bodies give numbers)."""
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 12 or isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (maximum is not None and value > maximum):
        upto = f"from 1 to {maximum}" if maximum is not None else "of 1 or more"
        raise ApiError("invalid_request", f"'{path}' must be a whole number {upto}.", field=path)
    return value


def requested_checks(body: dict) -> dict:
    """The check overrides a request body sends in ``checks``, each key a check of this server."""
    return known_checks(checks_overrides(body.get("checks")), api().prepared.registry(None))


def known_checks(overrides: dict, registry, path: str = "checks") -> dict:
    """``overrides`` if every key names a check code, check name or family of ``registry``."""
    if not overrides:
        return overrides
    names = check_names(registry)
    for key in (*overrides.get("severity", {}), *overrides.get("disable", [])):
        if key not in names:
            where = "severity" if key in overrides.get("severity", {}) else "disable"
            raise ApiError("invalid_request", f"No check, check name or family is called {key!r} (`preview checks` lists them).", field=f"{path}.{where}")
    return overrides


def checks_overrides(value, path: str = "checks") -> dict:
    """``{"severity": {code: level}, "disable": [codes]}`` overrides of the deployment's check settings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError("invalid_request", f"'{path}' must be an object with 'severity' and/or 'disable'.", field=path)
    unknown = sorted(set(value) - {"severity", "disable"})
    if unknown:
        raise ApiError("invalid_request", f"'{path}.{unknown[0]}' is not a setting; use 'severity' and 'disable'.", field=f"{path}.{unknown[0]}")
    severity = value.get("severity") or {}
    if not isinstance(severity, dict) or any(not isinstance(k, str) or v not in ("block", "warn", "info") for k, v in severity.items()):
        raise ApiError("invalid_request", f"'{path}.severity' maps check codes to block, warn or info.", field=f"{path}.severity")
    disable = value.get("disable") or []
    if not isinstance(disable, list) or any(not isinstance(c, str) for c in disable):
        raise ApiError("invalid_request", f"'{path}.disable' must be an array of check codes.", field=f"{path}.disable")
    out = {}
    if severity:
        out["severity"] = dict(severity)
    if disable:
        out["disable"] = list(disable)
    return out
