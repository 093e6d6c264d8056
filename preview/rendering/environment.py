"""The sandboxed Jinja2 environment campaign templates render in.

Templates are untrusted: this is Jinja2's immutable sandbox, with no loader (so no include or
import of other files), attribute access that reads record views by key, a finalize step that
records ``None`` and undefined output instead of printing "None", and guards (``limits.py``) on
every operation that can build a huge value in one step: ``*``, ``+``, ``**``, ``%``, string
methods, filters, ``~`` and captured blocks. Reaching for a private or unsafe attribute raises
:class:`SecurityError` at once, where Jinja's default would quietly print nothing. Time is
bounded by the tracker's deadline, checked on every loop iteration, branch, call and chunk.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Undefined
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import generate_lorem_ipsum

from preview.rendering import limits, lineage
from preview.rendering.lineage import RenderLimitExceeded
from preview.rendering.record import ListView, RecordView, TrackedUndefined, unwrap

_CONTAINERS = (list, tuple, dict, set, frozenset)


def finalize(value):
    """Applied to every ``{{ }}`` value: mark the chunk dynamic, never print None silently."""
    tracker = lineage.current()
    if tracker is not None:
        tracker.dynamic = True
        if isinstance(value, str):
            # Output captured by {% set %}, macros and filter blocks never reaches the render
            # driver's size check until it is joined; count every printed value here instead.
            tracker.printed += len(value)
            if tracker.printed > 4 * tracker.max_size:
                raise limits.too_big("the values printed by this template", tracker.max_size)
        elif isinstance(value, _CONTAINERS):
            limits.check_weight(value, tracker.max_size, "printing a value")
    if value is None:
        if tracker is not None:
            tracker.nulls.append(tracker.reads[-1] if tracker.reads else "?")
        return ""
    if isinstance(value, Undefined):
        return str(value)
    return value


class PreviewEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2 sandbox with record-view access and size guards; ``max_size`` in characters."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *, autoescape: bool, max_size: int = 2_000_000):
        super().__init__(
            autoescape=autoescape,
            undefined=TrackedUndefined,
            finalize=finalize,
            loader=None,
            keep_trailing_newline=True,
        )
        self.max_size = max_size
        self.globals["lipsum"] = self._lipsum
        self.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": unwrap}
        self.filters = {name: self._guard_filter(name, func) for name, func in self.filters.items()}
        self.filters.update(lineage.HOOKS)  # trusted, and called on every branch: not guarded

    def load_code(self, code):
        """A template from compiled ``code`` whose joins (``~``, captured blocks) are guarded."""
        template = self.template_class.from_code(self, code, self.make_globals(None))
        namespace = template.root_render_func.__globals__
        limit = self.max_size

        def guarded(join, what):
            def run(seq):
                out = join(seq)
                if len(out) > limit:
                    raise limits.too_big(what, limit)
                return out

            return run

        # The generated module imported these from jinja2.runtime; only this template sees ours.
        namespace["markup_join"] = guarded(markup_join, "joining values with '~'")
        namespace["str_join"] = guarded(str_join, "joining values with '~'")
        return template

    def concat(self, items) -> str:
        """Join captured output ({% set %} blocks, macros, filter blocks) within the size limit."""
        if not isinstance(items, list):
            items = list(items)
        total = 0
        for item in items:
            total += len(item)
        if total > self.max_size:
            raise limits.too_big("a captured block", self.max_size)
        return "".join(items)

    # -- record views and unsafe attributes ------------------------------------------------

    def getattr(self, obj, attribute):
        kind = type(obj)
        if kind is RecordView:
            if attribute.startswith("_") and attribute not in obj._data:
                raise SecurityError(f"access to attribute {attribute!r} of the recipient is unsafe")
            return obj.field(attribute)
        if isinstance(obj, Undefined):
            if attribute.startswith("_"):
                raise SecurityError(f"access to attribute {attribute!r} of an undefined value is unsafe")
            return self.undefined(name=f"{obj._undefined_name}.{attribute}")
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        kind = type(obj)
        if kind is RecordView and isinstance(argument, str):
            return self.getattr(obj, argument)
        if kind is ListView:
            try:
                return obj[argument]
            except (IndexError, TypeError):
                return self.undefined(name=f"recipient.{obj._path}[{argument!r}]")
        if isinstance(obj, Undefined):
            return self.undefined(name=f"{obj._undefined_name}[{argument!r}]")
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj, attribute):
        # Jinja returns an Undefined that only fails when used; printing it shows nothing and
        # hides the attempt. A template reaching for internals is an error worth reporting.
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    # -- size and time guards --------------------------------------------------------------

    def call_binop(self, context, operator, left, right):
        limits.check_binop(operator, left, right, self.max_size)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt, limit = value.__self__, self.max_size

        def guarded(*args, **kwargs):
            limits.check_format(fmt, (*args, *kwargs.values()), limit)
            return wrapper(*args, **kwargs)

        return guarded

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - mirrors Jinja's signature
        tracker = lineage.current()
        if tracker is not None:
            tracker.tick()  # recursive macros and calls in loops all come through here
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            args = limits.check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs, __self.max_size)
        return super().call(__context, __obj, *args, **kwargs)

    def _lipsum(self, *args, **kwargs):
        limits.check_lipsum(*args, limit=self.max_size, **kwargs)
        return generate_lorem_ipsum(*args, **kwargs)

    def _guard_filter(self, name: str, func):
        """``func`` with its arguments measured before and its result measured after."""
        env = self
        passes = getattr(func, "jinja_pass_arg", None)
        skip = 0 if passes is None else 1  # the context/environment argument Jinja prepends

        def guarded(*args, **kwargs):
            limit = env.max_size
            value_args = args[skip:]
            if name == "join" and value_args and isinstance(value_args[0], Iterator):
                value_args = (list(value_args[0]), *value_args[1:])
                args = (*args[:skip], *value_args)
            limits.check_filter(name, value_args, kwargs, limit)
            out = func(*args, **kwargs)
            if isinstance(out, (str, list, tuple)):
                limits.check_weight(out, limit, f"the '{name}' filter")
            return out

        if passes is not None:
            guarded.jinja_pass_arg = passes
        guarded.__name__ = getattr(func, "__name__", name)
        guarded.__doc__ = func.__doc__
        return guarded


__all__ = ["PreviewEnvironment", "RenderLimitExceeded", "SecurityError", "finalize"]
