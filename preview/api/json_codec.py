"""JSON in and out of the hot endpoints, with orjson (a validate answer is ~9 KB of findings).

orjson encodes a report about five times faster than the standard library with Flask's sorted
keys, and decodes a request several times faster; both are measured in benchmarks/bench_api.py.
Behaviour stays the standard library's: a body orjson refuses is parsed again by :mod:`json`, so
what is accepted (NaN, integers past 64 bits, lone surrogate escapes, which the caller then
refuses by name) and the error message of a bad body are exactly what they were.
"""

from __future__ import annotations

import json

import orjson
from flask import Response


def loads(raw: bytes):
    """The JSON value of ``raw``; raises what :func:`json.loads` raises for a bad body."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        # orjson is stricter than the standard library on a few valid inputs: let json decide,
        # and word the error of a bad body.
        return json.loads(raw)


def response(value, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON response of ``value`` (keys in the order the value has them)."""
    return Response(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS), status=status, headers=headers, mimetype="application/json")
