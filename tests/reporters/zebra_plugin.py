"""A tiny check plugin for the reporter and CLI tests, so they need no built-in family to fire.

Registered with ``Registry(plugins=[zebra_plugin])`` or ``preview check --plugin
tests.reporters.zebra_plugin``, exactly as a third-party plugin would be.
"""

from __future__ import annotations

import re

from preview.checks.check import check
from preview.checks.hookspecs import hookimpl

_ZEBRA = re.compile(r"\bzebras?\b", re.IGNORECASE)
_STRIPES = re.compile(r"\b\d+ stripes\b")


@check(
    code="ZBR001",
    family="zebra",
    name="zebra-word",
    severity="warn",
    summary="The copy mentions zebras.",
    why="A test check: it fires on static template text, so its finding is template-level.",
    bad="Zebra stripes are back | with a pipe and ``` backticks",
    good="Plain stripes are back",
    message="the copy mentions zebras: {word}",
)
def zebra_word(message, recipient, ctx):
    for m in _ZEBRA.finditer(message.body_text):
        yield ctx.finding(zebra_word, message, recipient, part="html", start=m.start(), end=m.end(), word=m.group())


@check(
    code="ZBR002",
    family="zebra",
    name="stripe-count",
    severity="info",
    summary="The copy states how many stripes the recipient has.",
    why="A test check: it fires on recipient data, so its finding is per recipient.",
    bad="You have {{ recipient.attributes.stripes }} stripes",
    good="You have stripes",
    message="stripe count shown: {count}",
    scope="recipient",
)
def stripe_count(message, recipient, ctx):
    for m in _STRIPES.finditer(message.body_text):
        yield ctx.finding(stripe_count, message, recipient, part="html", start=m.start(), end=m.end(), count=m.group())


@hookimpl
def campaign_preview_checks():
    return [zebra_word, stripe_count]
