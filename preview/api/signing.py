"""Webhook signatures, the way Stripe signs its webhooks (no Flask here; workers use it too).

A signed request carries ``Preview-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is the
HMAC-SHA256 of ``"<t>.<raw body>"`` under the workspace's signing secret. The receiver recomputes
it over the bytes it received, compares in constant time, and refuses a timestamp too far from
its clock, so a captured request cannot be replayed later. Several ``v1=`` entries may be sent
(while a secret is rotated); one matching is enough.

Each workspace has its own secret, derived from the deployment's master secret
(``PREVIEW_WEBHOOK_SECRET``), so one tenant can neither forge nor verify another's webhooks and
nothing per-tenant has to be stored. ``preview token secret --workspace W`` prints it.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Preview-Signature"
SCHEME = "v1"
SECRET_PREFIX = "whsec_"


class SignatureError(ValueError):
    """A signature that is missing, malformed, outside the tolerance window or wrong."""


def workspace_secret(master: str, workspace: str) -> str:
    """The signing secret of ``workspace`` (its slug) under the ``master`` secret."""
    if not master:
        raise ValueError("no webhook master secret: set PREVIEW_WEBHOOK_SECRET (or the app's SECRET_KEY)")
    digest = hmac.new(master.encode("utf-8"), f"preview-webhook:{workspace}".encode(), hashlib.sha256).hexdigest()
    return SECRET_PREFIX + digest


def compute(secret: str, body: bytes, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"``."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``Preview-Signature`` header value for ``body`` (now, unless ``timestamp`` is given)."""
    t = int(time.time() if timestamp is None else timestamp)
    return f"t={t},{SCHEME}={compute(secret, body, t)}"


def parse(header: str | None) -> tuple[int, list[str]]:
    """``(timestamp, [v1 signatures])`` of a header value, or :class:`SignatureError`."""
    if not header:
        raise SignatureError(f"no {HEADER} header")
    timestamp = None
    signatures = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("the t= timestamp is not a whole number of seconds") from None
        elif key == SCHEME:
            signatures.append(value.strip().lower())
    if timestamp is None:
        raise SignatureError(f"the {HEADER} header has no t= timestamp")
    if not signatures:
        raise SignatureError(f"the {HEADER} header has no {SCHEME}= signature")
    return timestamp, signatures


def verify(secret: str, body: bytes, header: str | None, *, tolerance: int = 300, now: float | None = None) -> int:
    """Check ``header`` against ``body``; returns the signed timestamp, or raises :class:`SignatureError`.

    ``tolerance`` is how many seconds the timestamp may be from ``now`` either way (clocks
    drift); 0 turns the check off, which only tests should do.
    """
    timestamp, signatures = parse(header)
    now = time.time() if now is None else now
    if tolerance and abs(now - timestamp) > tolerance:
        raise SignatureError(f"the signature's timestamp is {abs(int(now) - timestamp)} s from now; at most {tolerance} s is accepted")
    expected = compute(secret, body, timestamp)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("no signature matches the body under this workspace's secret")
    return timestamp
