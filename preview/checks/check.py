"""How a check is written: a pure function ``(message, recipient, ctx) -> findings`` with a spec.

    @check(code="LNK001", family="links", name="empty-href", severity="warn", summary=...,
           why=..., bad=..., good=..., message="Link {text!r} has an empty href")
    def empty_href(message, recipient, ctx):
        for link in message.document.links:
            if not link.href:
                yield ctx.finding(empty_href.spec, message, recipient, part="html", text=..., text_arg=...)

A check that needs the whole run (one value shared by most recipients) subclasses :class:`Check`
and also implements :meth:`Check.finish`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from preview.checks.model import CheckSpec, Finding


class Check:
    """A check: a spec plus ``run`` per recipient and, optionally, ``finish`` once per run."""

    spec: CheckSpec

    def __init__(self, spec: CheckSpec, func: Callable | None = None):
        self.spec = spec
        self._func = func
        self.__doc__ = getattr(func, "__doc__", None) or self.__doc__

    def run(self, message, recipient: dict, ctx) -> Iterable[Finding]:
        """Findings for one recipient's render."""
        return self._func(message, recipient, ctx) if self._func else ()

    def start(self, ctx) -> None:
        """Called once before the first recipient of a run (reset per-run state here)."""

    def finish(self, ctx) -> Iterable[Finding]:
        """Findings that need every recipient of the run; called once at the end."""
        return ()

    def __call__(self, message, recipient, ctx):
        return self.run(message, recipient, ctx)

    def __repr__(self) -> str:
        return f"<Check {self.spec.code} {self.spec.name}>"


def check(**spec_fields) -> Callable[[Callable], Check]:
    """Decorator: turn a function into a :class:`Check` with the given spec fields."""

    spec = CheckSpec(**spec_fields)  # a bad code or severity fails here, at the decorator

    def decorate(func: Callable) -> Check:
        return Check(spec, func)

    return decorate
