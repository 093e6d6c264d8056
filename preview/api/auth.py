"""Who is calling: bearer API tokens, their scopes, their workspace, and their rate limit.

Every endpoint but the OpenAPI document and inbound webhooks (which are signed instead) takes
``Authorization: Bearer cp_...``. A token belongs to one workspace, and everything a request
reads is looked up in that workspace only: another tenant's campaign, recipient or run is "not
found", with the same answer as one that does not exist.

Scopes say what a token may do; ``preview token create --scope`` grants them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, make_response, request

from preview.api.connection import connection
from preview.api.errors import ApiError
from preview.api.state import api
from preview.store.access import hash_token, token_state
from preview.store.base import utcnow
from preview.store.models import ApiToken, Workspace

SCOPES: dict[str, str] = {
    "validate": "POST /validate: check one message.",
    "verdict": "GET /verdict: the send-time gate of one recipient.",
    "presend": "POST /campaigns/{campaign}/presend: start a campaign gate run.",
    "runs:read": "GET /runs/{run}: read runs and their findings.",
}
DEFAULT_SCOPES = tuple(SCOPES)
# last_used_at is written at most this often per token, so that reads stay reads under load.
_TOUCH_EVERY = dt.timedelta(seconds=60)
# Built once: it runs on every request, and building a SELECT costs more than running it here.
_TOKEN_QUERY = (
    sa.select(ApiToken.id, ApiToken.prefix, ApiToken.scopes, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at, ApiToken.workspace_id, Workspace.slug)
    .join(Workspace, Workspace.id == ApiToken.workspace_id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"))
)


@dataclass
class Caller:
    """The token behind a request and its workspace."""

    token_id: int
    prefix: str
    scopes: frozenset
    workspace: Workspace

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"token:{self.prefix}"


def _unauthorized(message: str) -> ApiError:
    return ApiError("unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="campaign-preview", error="invalid_token"'})


@dataclass(frozen=True)
class _Verified:
    """What a process remembers of a token it verified (never the token itself)."""

    token_id: int
    prefix: str
    scopes: frozenset
    expires_at: dt.datetime | None
    workspace_id: int
    workspace_slug: str


def authenticate() -> Caller:
    """The caller of this request, or an ``unauthorized`` :class:`ApiError`.

    A token verified against the database is trusted by this process for
    ``ApiState.token_ttl`` seconds (preview.api.state.TOKEN_CACHE_SECONDS, 5 s): a revoked token
    is refused at most that long after ``preview token revoke``, in every process. Expiry is
    checked on every request. The cache is keyed by the token's SHA-256, so only the token itself
    can find its entry; unknown, revoked and expired tokens are never cached.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("Send an API token: Authorization: Bearer <token> (make one with `preview token create`).")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
    token_hash = hash_token(token.strip())
    now = utcnow()
    state = api()
    verified = state.tokens.get(token_hash)
    if verified is None:
        verified = _verify(token_hash, now)
        state.tokens.set(token_hash, verified, state.token_ttl)
    elif verified.expires_at is not None and verified.expires_at <= now:
        raise _unauthorized(_EXPIRED)
    # Lookups only read the workspace's id (and slug): a detached instance saves a query. A new
    # one per request, as views may attach it to their session.
    workspace = Workspace(id=verified.workspace_id, slug=verified.workspace_slug, name=verified.workspace_slug)
    return Caller(verified.token_id, verified.prefix, verified.scopes, workspace)


_EXPIRED = "This API token has expired; make a new one with `preview token create`."


def _verify(token_hash: str, now: dt.datetime) -> _Verified:
    """The live token of ``token_hash``, read from the database (its use recorded), or ``unauthorized``."""
    conn = connection()
    token_row = conn.execute(_TOKEN_QUERY, {"token_hash": token_hash}).first()
    if token_row is None:
        raise _unauthorized("This API token is not known; check it was copied whole.")
    state = token_state(token_row, now)
    if state == "revoked":
        raise _unauthorized("This API token was revoked; make a new one with `preview token create`.")
    if state == "expired":
        raise _unauthorized(_EXPIRED)
    if token_row.last_used_at is None or now - token_row.last_used_at > _TOUCH_EVERY:
        conn.execute(sa.update(ApiToken).where(ApiToken.id == token_row.id).values(last_used_at=now))
        conn.commit()
    return _Verified(token_row.id, token_row.prefix, frozenset(token_row.scopes or ()), token_row.expires_at, token_row.workspace_id, token_row.slug)


def caller() -> Caller:
    """The authenticated caller of this request (inside a view decorated with :func:`requires`)."""
    return g.api_caller


def limit(key: str):
    """Count a request against ``key``'s budget; raises ``rate_limited``. Returns the decision."""
    decision = api().limiter.hit(key)
    if decision is not None and not decision.allowed:
        raise ApiError(
            "rate_limited",
            f"Too many requests: this token may make {decision.limit} per window; retry in {max(1, decision.reset_in)} s.",
            headers=decision.headers(),
        )
    return decision


def requires(scope: str):
    """View decorator: authenticate the token, check ``scope``, count the request against its limit."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            who = authenticate()
            if scope not in who.scopes:
                raise ApiError("insufficient_scope", f"This token lacks the {scope!r} scope; make one with `preview token create --scope {scope}`.")
            decision = limit(f"token:{who.token_id}")
            g.api_caller = who
            response = make_response(view(*args, **kwargs))
            if decision is not None:
                response.headers.update(decision.headers())
            return response

        wrapper.api_scope = scope
        return wrapper

    return decorate
