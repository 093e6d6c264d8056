"""What the API keeps per app: its caches, rate limiter and webhook settings, built at registration."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.engine import Engine

from preview.api.connection import reader
from preview.api.delivery import CallbackSettings
from preview.api.lru import LRU
from preview.api.prepared import Prepared
from preview.api.ratelimit import RateLimiter
from preview.api.shared import SharedCache, redis_client

# How long a server process trusts a token it has verified: a token revoked with `preview token
# revoke` is refused by every process at most this many seconds later (expiry is always exact).
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_SIZE = 4096


@dataclass
class ApiState:
    """The API's per-app state, in ``app.extensions["preview"].extra["api"]``."""

    prefix: str
    max_body: int
    prepared: Prepared
    verdicts: SharedCache
    replays: SharedCache
    limiter: RateLimiter
    callbacks: CallbackSettings
    verdict_max_age: int
    webhook_tolerance: int
    # The engine of the hot path's reads (preview.api.connection).
    reader: Engine
    # Verified API tokens by hash, for token_ttl seconds (see preview.api.auth.authenticate).
    tokens: LRU = field(default_factory=lambda: LRU(TOKEN_CACHE_SIZE))
    token_ttl: float = TOKEN_CACHE_SECONDS


def build(app, preview_state, prefix: str) -> ApiState:
    """The API state of ``app`` (settings from its config)."""
    config = app.config
    client = redis_client(config.get("PREVIEW_REDIS_URL"))
    api = ApiState(
        prefix=prefix,
        max_body=int(config["PREVIEW_API_MAX_BODY"]),
        prepared=Prepared(preview_state.check_settings, preview_state.render_settings, int(config["PREVIEW_API_CAMPAIGN_CACHE"])),
        verdicts=SharedCache(client, "preview:verdict", int(config["PREVIEW_API_VERDICT_CACHE"])),
        replays=SharedCache(client, "preview:webhook-seen", 100_000),
        limiter=RateLimiter(config.get("PREVIEW_API_RATE_LIMIT") or "", config.get("PREVIEW_REDIS_URL") or ""),
        callbacks=CallbackSettings.from_config(config),
        verdict_max_age=int(config["PREVIEW_API_VERDICT_MAX_AGE"]),
        webhook_tolerance=int(config["PREVIEW_WEBHOOK_TOLERANCE"]),
        reader=reader(preview_state.engine),
    )
    preview_state.extra["api"] = api
    # The executor delivers callbacks after runs; it needs the same signing settings.
    if preview_state.executor is not None:
        preview_state.executor.callbacks = api.callbacks
    return api


def api() -> ApiState:
    """The API state of the current app."""
    return current_app.extensions["preview"].extra["api"]
