"""How checks share work and findings: among the checks of one message, and among the
recipients of a run.

A family compiles its rule files once per rules object (:func:`per_rules`). Several checks of a
family read the same facts of a message (its greetings, its test copy): :func:`per_message` finds
them once. Most of an email is the same for everyone: work on the
template's markup is memoised per run (:func:`per_run`) or per shared layout (:func:`per_layout`),
and a finding about the template is built once and given to every recipient
(:func:`whole_finding`), listed once per message (:func:`distinct`) and once per layout
(:func:`unique`).
"""

from __future__ import annotations

import weakref
from functools import wraps

from preview.checks.rules import Rules

# What each family compiled from a rules object (one per registry), held weakly: a registry that
# goes away takes its compiled rules with it.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def per_rules(ctx, build):
    """``build(rules)`` of the run's rule files (the built-in ones when the context has none),
    made once per rules object: every run of a registry shares it, and so do the memos keyed on
    what it returns."""
    rules = ctx.rules if ctx.rules is not None else ctx.cache.setdefault("sharing.rules", Rules())
    compiled = _COMPILED.get(rules)
    if compiled is None:
        compiled = _COMPILED[rules] = {}
    value = compiled.get(build)
    if value is None:
        value = compiled[build] = build(rules)
    return value


def per_message(key: str):
    """Decorator: ``func(message, ctx)`` computed once per message, however many checks ask (kept
    under ``key`` in ``message.memo``, which the pipeline drops after the recipient's checks)."""

    def decorate(func):
        @wraps(func)
        def wrapper(message, ctx):
            memo = message.memo
            if key not in memo:
                memo[key] = func(message, ctx)
            return memo[key]

        return wrapper

    return decorate


def per_run(ctx, key, build):
    """``build()`` memoised for the run under ``key`` (work that is the same for every recipient)."""
    if key not in ctx.cache:
        ctx.cache[key] = build()
    return ctx.cache[key]


def per_layout(ctx, message, key, build):
    """``build()`` memoised per shared layout: work on the template's static markup is done once
    per run. A message whose values are inlined into its layout (a layout of its own) is not
    memoised, so the cache cannot grow with the audience."""
    if message.inlined_dynamic:
        return build()
    return per_run(ctx, (key, message.document.layout), build)


def same_for_everyone(message) -> bool:
    """True when no recipient data chose what the body contains: no branch or loop of the body
    ran on data and every value sits in a slot of the shared layout. What such a body lacks, it
    lacks for every recipient, so the finding is about the template."""
    if message.inlined_dynamic:
        return False
    return not any(hit[0] == "body" for hit in message.branch_hits)


def whole_finding(ctx, spec_check, message, recipient, key, *, shared: bool, **fields):
    """A finding about the email as a whole rather than a span of its text: when ``shared`` (every
    recipient would get it alike) the template's, built once per run under ``key``; else this
    recipient's."""
    if not shared:
        return ctx.finding(spec_check, message, recipient, template_level=False, **fields)
    return per_run(ctx, key, lambda: ctx.finding(spec_check, message, None, template_level=True, **fields))


def unique(findings) -> list:
    """``findings`` without repeats: three identical "#" links are one template finding."""
    seen, out = set(), []
    for finding in findings:
        if finding.key not in seen:
            seen.add(finding.key)
            out.append(finding)
    return out


def distinct(func):
    """Yield each finding of ``func`` once per message: a static finding is one shared object,
    and three identical "#" links must not list it three times for the same recipient."""

    @wraps(func)
    def wrapper(message, recipient, ctx):
        seen = set()
        for finding in func(message, recipient, ctx):
            if id(finding) not in seen:
                seen.add(id(finding))
                yield finding

    return wrapper
