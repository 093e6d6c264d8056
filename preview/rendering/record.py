"""Read-only views of a recipient record for templates, which record every field they hand out.

Attribute access prefers the record's own keys, so ``order.items`` is the order's items and not
``dict.items``; a key the record lacks gives a :class:`TrackedUndefined` that knows its path.
Every read is appended to the render's tracker, which is how lineage knows which fields produced
which output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jinja2 import ChainableUndefined

from preview.rendering import lineage

# Mapping methods a template may still call when the record has no key of that name.
_MAPPING_METHODS = frozenset({"get", "keys", "values", "items"})


class TrackedUndefined(ChainableUndefined):
    """A missing value that reports itself when it is rendered as text.

    Chaining (``recipient.attributes.a.b``) keeps working like ``ChainableUndefined``; rendering
    it records the path on the current tracker, so the checks can say which variable the
    recipient lacked, while the output shows nothing instead of crashing the run.
    """

    __slots__ = ()

    def __str__(self) -> str:
        tracker = lineage.current()
        if tracker is not None:
            tracker.missing.append(self._undefined_name or "?")
        return ""

    def __html__(self) -> str:
        return str(self)


def wrap(value, path: str, tracker):
    """The template-facing form of ``value``: views for containers, the value itself otherwise."""
    if isinstance(value, dict):
        return RecordView(value, path, tracker)
    if isinstance(value, list):
        return ListView(value, path, tracker)
    return value


def unwrap(value):
    """The plain data behind a view (for ``tojson`` and comparisons)."""
    if isinstance(value, RecordView):
        return value._data
    if isinstance(value, ListView):
        return [value._data[i] for i in value._indices()]
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class RecordView(Mapping):
    """A read-only mapping over one object of the record."""

    __slots__ = ("_data", "_path", "_t")

    def __init__(self, data: dict, path: str, tracker):
        self._data = data
        self._path = path
        self._t = tracker

    def _child(self, key) -> str:
        return f"{self._path}.{key}" if self._path else str(key)

    def field(self, name):
        """Attribute access from a template: the record's key first, then a safe method."""
        if name in self._data:
            path = self._child(name)
            self._t.reads.append(path)
            return wrap(self._data[name], path, self._t)
        if name in _MAPPING_METHODS:
            return getattr(self, name)
        path = self._child(name)
        self._t.reads.append(path)
        return TrackedUndefined(name=f"recipient.{path}")

    def __getitem__(self, key):
        path = self._child(key)
        self._t.reads.append(path)
        return wrap(self._data[key], path, self._t)

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        self._t.reads.append(self._path)
        return len(self._data)

    def __bool__(self):
        self._t.reads.append(self._path)
        return bool(self._data)

    def __contains__(self, key):
        return key in self._data

    def __str__(self) -> str:
        # Never dump a whole record into an email.
        return ""

    __html__ = __str__

    def __repr__(self) -> str:
        return f"<record {self._path or 'recipient'}>"


class ListView(Sequence):
    """A read-only list whose items keep their index in the record, even after slicing."""

    __slots__ = ("_data", "_path", "_t", "_idx")

    def __init__(self, data: list, path: str, tracker, idx: tuple | None = None):
        self._data = data
        self._path = path
        self._t = tracker
        self._idx = idx

    def _indices(self):
        return range(len(self._data)) if self._idx is None else self._idx

    def _item(self, original: int):
        path = f"{self._path}[{original}]"
        return wrap(self._data[original], path, self._t)

    def __getitem__(self, key):
        indices = self._indices()
        if isinstance(key, slice):
            self._t.reads.append(self._path)
            return ListView(self._data, self._path, self._t, tuple(indices[key]))
        if not isinstance(key, int):
            raise TypeError("list indices must be integers")
        return self._item(indices[key])

    def __iter__(self):
        self._t.reads.append(self._path)
        for original in self._indices():
            yield self._item(original)

    def __reversed__(self):
        self._t.reads.append(self._path)
        for original in reversed(self._indices()):
            yield self._item(original)

    def __len__(self):
        self._t.reads.append(self._path)
        return len(self._indices())

    def __bool__(self):
        return len(self) > 0

    def __contains__(self, value):
        self._t.reads.append(self._path)
        if isinstance(value, (RecordView, ListView)):
            value = unwrap(value)
        return any(self._data[i] == value for i in self._indices())

    def __eq__(self, other):
        if isinstance(other, ListView):
            other = unwrap(other)
        return isinstance(other, list) and unwrap(self) == other

    __hash__ = None

    def __str__(self) -> str:
        items = unwrap(self)
        if all(not isinstance(v, (dict, list)) for v in items):
            return ", ".join("" if v is None else str(v) for v in items)
        return ""

    __html__ = __str__

    def __repr__(self) -> str:
        return f"<list {self._path}>"
