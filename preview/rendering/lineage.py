"""Data lineage: which recipient fields produced which stretch of rendered output.

A :class:`Tracker` lives for one render of one template. Record views append every field path
they hand out to ``reads``; the instrumented template (see ``instrument.py``) calls the hooks
below around each ``if``/``for`` so the fields read by a condition become the *scope* of every
chunk inside the branch it chose. The render driver then stamps each output chunk with its scope
and with the reads of its own expression. Nothing here formats anything until a finding asks.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import NamedTuple

from jinja2 import pass_context

from preview.rendering import limits, record
from preview.rendering.limits import RenderLimitExceeded

_current: ContextVar[Tracker | None] = ContextVar("preview_tracker", default=None)


def current() -> Tracker | None:
    """The tracker of the render in progress in this thread/task, if any."""
    return _current.get()


class Chunk(NamedTuple):
    """One piece of template output: where it sits and what produced it.

    A named tuple: one is made per output piece of every render, and a tuple is the cheapest
    immutable record Python has.
    """

    start: int
    end: int
    dynamic: bool
    scope: tuple  # tuple of tuples of paths: the conditions of every enclosing branch
    reads: tuple  # the paths read by the expression that produced this chunk

    def paths(self) -> list[str]:
        """Every field path behind this chunk: its enclosing conditions, then its own reads."""
        out = [p for frame in self.scope for p in frame]
        out.extend(self.reads)
        return out


class Tracker:
    """Per-render bookkeeping of field reads, branches taken and gaps rendered."""

    __slots__ = (
        "reads",
        "scope",
        "chains",
        "deferred",
        "assign_marks",
        "dynamic",
        "missing",
        "nulls",
        "hits",
        "deadline",
        "max_size",
        "printed",
        "consumed",
        "loop_marks",
        "saved",
    )

    def __init__(self, time_limit: float, max_size: int = 2_000_000):
        self.reads: list[str] = []
        self.scope: tuple = ()  # one frame of paths per enclosing branch; a tuple, so chunks share it
        self.chains: dict[int, list[str]] = {}
        self.deferred: dict[str, tuple] = {}
        self.assign_marks: list[int] = []
        self.dynamic = False
        self.missing: list[str] = []
        self.nulls: list[str] = []
        self.hits: set[tuple[int, str]] = set()
        self.deadline = time.perf_counter() + time_limit
        self.max_size = max_size
        self.printed = 0  # characters printed by {{ }} so far, captured output included
        self.consumed = 0  # reads handed to output chunks so far: reads[0] is read number `consumed`
        self.loop_marks: dict[int, int] = {}  # loop -> read number where its next pass's filter reads start
        self.saved: list[tuple] = []  # the scope before each arm entered, restored on exit

    def activate(self):
        """Make this the current tracker; returns the token for :meth:`deactivate`."""
        return _current.set(self)

    @staticmethod
    def deactivate(token) -> None:
        _current.reset(token)

    def take_reads(self) -> tuple:
        """The reads since the last output chunk, clearing them."""
        if not self.reads:
            return ()
        out = tuple(dict.fromkeys(self.reads))
        self.consumed += len(self.reads)
        self.reads.clear()
        return out

    def _cut(self, mark: int) -> list[str]:
        out = self.reads[mark:]
        del self.reads[mark:]
        return out

    def tick(self) -> None:
        """Stop the render once it is past its deadline (called per loop pass, branch and call).

        Checked every time: one iteration can be slow (a sort, a big filter), and reading the
        clock costs less than the hook call around it.
        """
        if time.perf_counter() > self.deadline:
            raise RenderLimitExceeded("render took longer than the time limit (a runaway loop?)")

    check_time = tick


# ---- hooks the instrumented template calls (installed as template globals) ----------------


def hook_mark(_context, _=None) -> int:
    t = _current.get()
    return len(t.reads) if t else 0


def element_paths(value) -> list[str]:
    """Paths of the record list elements ``value`` holds: one event, or a filtered list of them."""
    kind = type(value)
    if kind is record.RecordView:
        return [value._path] if value._path.endswith("]") else []
    if kind is list or kind is tuple:
        return [v._path for v in value if type(v) is record.RecordView and v._path.endswith("]")]
    return []


def focus(reads: list[str], elements: list[str], add: bool = True) -> list[str]:
    """``reads`` without the list elements that did not make it into ``elements``.

    ``selectattr('type', 'equalto', 'wedding')`` reads the type of every event; only the events
    it returned explain the output, so the others are dropped (and, with ``add``, the chosen
    ones added).
    """
    if not elements:
        return reads
    keep = set(elements)
    # "life_events[" for "life_events[2]": a read inside one of these lists is kept only when
    # its element is one of ``elements``.
    lists = {e[: e.rindex("[") + 1] for e in elements}
    if len(lists) == 1:  # the usual case (one loop's items), without the inner loop
        (prefix,) = lists
        at = len(prefix) - 1
        out = [path for path in reads if not path.startswith(prefix) or path[: path.find("]", at) + 1] in keep]
    else:
        out = [path for path in reads if not any(path.startswith(p) and path[: path.find("]", len(p) - 1) + 1] not in keep for p in lists)]
    if add:
        out.extend(e for e in elements if e not in out)
    return out


def hook_cond(_context, branch: int, arm_index: int, mark: int, value) -> bool:
    t = _current.get()
    result = bool(value)  # evaluate truthiness here so its reads count as the condition's
    if t is not None:
        reads = focus(t._cut(mark), element_paths(value))
        if arm_index == 0:
            t.chains[branch] = reads
        else:
            t.chains.setdefault(branch, []).extend(reads)
        t.tick()
    return result


def hook_iter(_context, branch: int, mark: int, value):
    t = _current.get()
    items = list(value)  # iterate now so the loop's reads belong to the loop, not its output
    if t is not None:
        t.chains[branch] = t._cut(mark)
        t.loop_marks[branch] = t.consumed + len(t.reads)
        # Items a template built (|batch with a fill value) could print as gigabytes.
        limits.check_weight(items, t.max_size, "a loop's items")
    return items


def hook_enter(_context, branch: int, arm: str, targets=None) -> None:
    """Enter one arm of a branch; ``targets`` are a loop pass's variables (``for ev in ...``)."""
    t = _current.get()
    if t is None:
        return
    t.hits.add((branch, arm))
    frame = t.chains.get(branch, ())
    scope = t.scope
    t.saved.append(scope)
    if targets is not None:
        # A loop pass. Reads since the previous pass are the loop's own ``if`` filter at work;
        # with the loop's iterable they are narrowed to this pass's item, and so are the
        # conditions around the loop: the sentence of one event names that event alone.
        elements = element_paths(targets)
        mark = t.loop_marks.get(branch)
        start = 0 if mark is None else max(0, mark - t.consumed)
        frame = focus([*frame, *t.reads[start:]], elements)
        del t.reads[start:]
        if elements and scope:
            scope = tuple(tuple(focus(list(f), elements, add=False)) for f in scope)
    t.scope = (*scope, tuple(dict.fromkeys(frame)))
    t.tick()


def hook_exit(_context, branch: int | None = None) -> None:
    t = _current.get()
    if t is None:
        return
    t.scope = t.saved.pop() if t.saved else t.scope[:-1]
    if branch in t.loop_marks:
        t.loop_marks[branch] = t.consumed + len(t.reads)


def hook_done(_context, branch: int) -> None:
    """After a loop: the reads of its filter on items after the last pass explain nothing."""
    t = _current.get()
    if t is None:
        return
    mark = t.loop_marks.pop(branch, None)
    if mark is not None:
        del t.reads[max(0, mark - t.consumed) :]


def hook_inline(_context, branch: int, value):
    t = _current.get()
    if t is not None:
        t.hits.add((branch, "then" if value else "else"))
        t.tick()
    return value


def hook_assign(_context, names: tuple, mark: int, value):
    t = _current.get()
    if t is not None:
        reads = tuple(focus(t._cut(mark), element_paths(value)))
        for name in names:
            t.deferred[name] = reads
    return value


def hook_assign_begin(_context, _=None) -> None:
    t = _current.get()
    if t is not None:
        # Values printed inside {% set x %}...{% endset %} are captured, not output: whether
        # the next output chunk holds recipient data must not depend on them.
        t.assign_marks.append((len(t.reads), t.dynamic))


def hook_assign_end(_context, names: tuple) -> None:
    t = _current.get()
    if t is not None and t.assign_marks:
        mark, dynamic = t.assign_marks.pop()
        hook_assign(_context, names, mark, None)
        t.dynamic = dynamic


def hook_use(_context, name: str, value):
    t = _current.get()
    if t is not None:
        reads = t.deferred.get(name)
        if reads:
            t.reads.extend(reads)
    return value


HOOKS = {
    "_cp_mark": hook_mark,
    "_cp_cond": hook_cond,
    "_cp_iter": hook_iter,
    "_cp_enter": hook_enter,
    "_cp_exit": hook_exit,
    "_cp_done": hook_done,
    "_cp_inline": hook_inline,
    "_cp_assign": hook_assign,
    "_cp_assign_begin": hook_assign_begin,
    "_cp_assign_end": hook_assign_end,
    "_cp_use": hook_use,
}
# The instrumented template calls the hooks as filters: Jinja calls a filter directly, where a
# function call goes through the sandbox's checks (a microsecond each, dozens per render). Marked
# as taking the context, so Jinja's optimiser never runs one at compile time.
for _hook in HOOKS.values():
    pass_context(_hook)
