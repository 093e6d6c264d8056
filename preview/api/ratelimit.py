"""Per-token rate limits: a fixed window per token (``PREVIEW_API_RATE_LIMIT``, e.g. ``600/minute``).

The counting is the ``limits`` library's (the engine under Flask-Limiter), in Redis when
``PREVIEW_REDIS_URL`` is set, so every server process shares one count per token, and in this
process's memory otherwise. Flask-Limiter itself is not used: its limits hang on routes, and
ours is one budget per token across every endpoint, answered in the API's own error shape.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead, and what the RateLimit-* headers say."""

    allowed: bool
    limit: int
    remaining: int
    reset_in: int  # seconds until the window resets

    def headers(self) -> dict:
        """The RateLimit-* headers of this decision (and Retry-After when refused)."""
        out = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining), "RateLimit-Reset": str(self.reset_in)}
        if not self.allowed:
            out["Retry-After"] = str(max(1, self.reset_in))
        return out


class RateLimiter:
    """One fixed window per key; ``spec`` empty means no limit."""

    def __init__(self, spec: str, redis_url: str = ""):
        self.item = parse(spec) if spec else None
        self.limiter = FixedWindowRateLimiter(storage_from_string(redis_url or "memory://")) if self.item else None

    def hit(self, key: str) -> Decision | None:
        """Count one request for ``key``; None when there is no limit (or the counter store is down)."""
        if self.item is None:
            return None
        try:
            allowed = self.limiter.hit(self.item, key)
            stats = self.limiter.get_window_stats(self.item, key)
        except Exception as exc:  # a counter store that is down must not take the API down
            log.warning("rate limit store unavailable, request let through: %s", exc)
            return None
        reset_in = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(allowed, self.item.amount, max(0, stats.remaining), reset_in)
