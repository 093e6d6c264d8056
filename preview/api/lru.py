"""A small thread-safe LRU mapping: the in-process caches of the API (campaigns, verdicts, replays)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class LRU:
    """At most ``size`` entries; the least recently used goes first. Entries may expire (``ttl``)."""

    def __init__(self, size: int):
        self.size = max(1, int(size))
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, default=None):
        """The value at ``key`` (marked recently used), or ``default`` if absent or expired."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.misses += 1
                return default
            value, expires = entry
            if expires is not None and expires <= time.monotonic():
                del self._data[key]
                self.misses += 1
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def set(self, key: Hashable, value, ttl: float | None = None) -> None:
        """Store ``value`` at ``key`` for ``ttl`` seconds (None: until evicted)."""
        expires = time.monotonic() + ttl if ttl else None
        with self._lock:
            self._data[key] = (value, expires)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def add(self, key: Hashable, ttl: float | None = None) -> bool:
        """Store ``key`` unless a live entry is there; True if it was stored (a set-if-absent)."""
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and (entry[1] is None or entry[1] > time.monotonic()):
                return False
            self._data[key] = (True, time.monotonic() + ttl if ttl else None)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
            return True

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        """The value at ``key``, made with ``make()`` and stored on a miss.

        Two threads missing at once may both make it; the later one wins, which is harmless for
        the values kept here (equal by construction).
        """
        sentinel = object()
        value = self.get(key, sentinel)
        if value is sentinel:
            value = make()
            self.set(key, value)
        return value

    def __len__(self) -> int:
        return len(self._data)
