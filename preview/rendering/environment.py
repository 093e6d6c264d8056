"""The sandboxed Jinja2 environment campaign templates render in.

Templates are untrusted: this is Jinja2's immutable sandbox, with no loader (so no include or
import of other files), attribute access that reads record views by key, a finalize step that
records ``None`` and undefined output instead of printing "None", and guards on the few
operations that can build huge values in one step (``*``, ``**``, ``%``, padding and replace).
Time is bounded by the tracker's deadline, checked on every loop iteration and output chunk.
"""

from __future__ import annotations

import re

from jinja2 import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from preview.rendering import lineage
from preview.rendering.lineage import RenderLimitExceeded
from preview.rendering.record import ListView, RecordView, TrackedUndefined, unwrap

_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*?:[^{}]*?(\d{4,})")
_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def finalize(value):
    """Applied to every ``{{ }}`` value: mark the chunk dynamic, never print None silently."""
    tracker = lineage.current()
    if tracker is not None:
        tracker.dynamic = True
    if value is None:
        if tracker is not None:
            tracker.nulls.append(tracker.reads[-1] if tracker.reads else "?")
        return ""
    if isinstance(value, Undefined):
        return str(value)
    return value


class PreviewEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2 sandbox with record-view access and size guards; ``max_size`` in characters."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *, autoescape: bool, max_size: int = 2_000_000):
        super().__init__(
            autoescape=autoescape,
            undefined=TrackedUndefined,
            finalize=finalize,
            loader=None,
            keep_trailing_newline=True,
        )
        self.max_size = max_size
        self.globals.update(lineage.HOOKS)
        self.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": unwrap}
        for name in ("center", "indent", "wordwrap", "truncate", "format", "replace", "batch", "slice"):
            self.filters[name] = self._guard_filter(self.filters[name])

    # -- record views ---------------------------------------------------------------------

    def getattr(self, obj, attribute):
        if type(obj) is RecordView:
            return obj.field(attribute)
        if isinstance(obj, Undefined):
            return self.undefined(name=f"{obj._undefined_name}.{attribute}")
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if type(obj) is RecordView and isinstance(argument, str):
            return obj.field(argument)
        if type(obj) is ListView:
            try:
                return obj[argument]
            except (IndexError, TypeError):
                return self.undefined(name=f"recipient.{obj._path}[{argument!r}]")
        if isinstance(obj, Undefined):
            return self.undefined(name=f"{obj._undefined_name}[{argument!r}]")
        return super().getitem(obj, argument)

    # -- size guards ----------------------------------------------------------------------

    def _too_big(self, what: str):
        return RenderLimitExceeded(f"{what} would exceed the output limit of {self.max_size:,} characters")

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > self.max_size:
                    raise self._too_big("repeating a value")
        elif operator == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(right) > 128 and abs(left) > 1:
                raise RenderLimitExceeded("exponent too large for the sandbox")
        elif operator == "%" and isinstance(left, str):
            self._check_widths(left)
        return super().call_binop(context, operator, left, right)

    def _check_widths(self, fmt: str) -> None:
        for match in _WIDTH.finditer(fmt):
            width = next(int(g) for g in match.groups() if g)
            if width > self.max_size:
                raise self._too_big("a format width")

    def format_string(self, s, args, kwargs, format_func=None):
        self._check_widths(s)
        return super().format_string(s, args, kwargs, format_func)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - mirrors Jinja's signature
        owner = getattr(__obj, "__self__", None)
        padding = isinstance(owner, str) and getattr(__obj, "__name__", "") in _PADDING_METHODS
        if padding and any(isinstance(a, int) and a > __self.max_size for a in args):
            raise __self._too_big("padding")
        return super().call(__context, __obj, *args, **kwargs)

    def _guard_filter(self, func):
        env = self

        def guarded(*args, **kwargs):
            numbers = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
            if any(n > env.max_size for n in numbers):
                raise env._too_big(f"the '{func.__name__}' filter")
            if func.__name__ == "do_replace" and len(args) >= 4:
                # do_replace(eval_ctx, s, old, new[, count]): estimate before building it.
                text, old, new = (str(a) for a in args[1:4])
                count = text.count(old) if old else len(text) + 1
                if len(text) + count * max(0, len(new) - len(old)) > env.max_size:
                    raise env._too_big("the 'replace' filter")
            return func(*args, **kwargs)

        # Keep Jinja's pass_eval_context / pass_context markers so it calls us the same way.
        for marker in ("jinja_pass_arg",):
            if hasattr(func, marker):
                setattr(guarded, marker, getattr(func, marker))
        guarded.__name__ = func.__name__
        return guarded


__all__ = ["PreviewEnvironment", "RenderLimitExceeded", "SecurityError", "finalize"]
