"""Small values shared by every server process through Redis, or kept per process without it.

The verdict cache and the webhook replay guard use it. Redis is optional (``PREVIEW_REDIS_URL``):
without it each process has its own LRU, which is still correct (verdicts are deterministic, and
a replay reaching another process is refused by the run's idempotency key) but caches less. A
Redis that stops answering degrades to the per-process LRU; a cache must never fail a request.
"""

from __future__ import annotations

import logging
import time

import redis

from preview.api.lru import LRU

log = logging.getLogger(__name__)


def redis_client(url: str | None):
    """A Redis client for ``url`` with short timeouts (it sits in the send path), or None."""
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25, health_check_interval=30)


class SharedCache:
    """Strings by key, with a time to live: in Redis when there is one, always in a local LRU too."""

    def __init__(self, client, namespace: str, size: int):
        self.client = client
        self.namespace = namespace
        self.local = LRU(size)
        self._down_until = 0.0  # after a Redis error, skip it for a few seconds

    def _redis(self):
        if self.client is None or time.monotonic() < self._down_until:
            return None
        return self.client

    def _failed(self, exc: Exception) -> None:
        log.warning("Redis unavailable for %s (%s); using this process's cache for 5 s", self.namespace, exc)
        self._down_until = time.monotonic() + 5

    def get(self, key: str) -> str | None:
        """The value at ``key``, or None."""
        value = self.local.get(key)
        if value is not None:
            return value
        client = self._redis()
        if client is None:
            return None
        name = f"{self.namespace}:{key}"
        try:
            raw, ttl = client.pipeline().get(name).ttl(name).execute()
        except redis.RedisError as exc:
            self._failed(exc)
            return None
        if raw is None:
            return None
        value = raw.decode("utf-8")
        self.local.set(key, value, ttl if ttl and ttl > 0 else 1)
        return value

    def set(self, key: str, value: str, ttl: int) -> None:
        """Store ``value`` at ``key`` for ``ttl`` seconds."""
        self.local.set(key, value, ttl)
        client = self._redis()
        if client is None:
            return
        try:
            client.set(f"{self.namespace}:{key}", value.encode("utf-8"), ex=max(1, int(ttl)))
        except redis.RedisError as exc:
            self._failed(exc)

    def add(self, key: str, ttl: int) -> bool:
        """Mark ``key`` as seen for ``ttl`` seconds; False if it already was (set-if-absent)."""
        client = self._redis()
        if client is not None:
            try:
                return bool(client.set(f"{self.namespace}:{key}", b"1", ex=max(1, int(ttl)), nx=True))
            except redis.RedisError as exc:
                self._failed(exc)
        return self.local.add(key, ttl)
