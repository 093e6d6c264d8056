"""Three checks for the store's run tests, so that they need no built-in family to fire:
one on static template text (template-level), one on recipient data (per recipient), and one
that needs the whole run (its finding comes from ``finish``)."""

from __future__ import annotations

import re

from preview.checks.check import Check, check
from preview.checks.hookspecs import hookimpl
from preview.checks.model import CheckSpec

FAMILY = "store-test"
_WINTER = re.compile(r"\bwinter\b", re.IGNORECASE)


@check(
    code="STO001", family=FAMILY, name="winter-word", severity="warn", summary="Mentions winter.",
    why="test", bad="winter", good="summer", message="mentions {word}",
)
def winter_word(message, recipient, ctx):
    for m in _WINTER.finditer(message.body_text):
        yield ctx.finding(winter_word, message, recipient, part="html", start=m.start(), end=m.end(), word=m.group())
        return


@check(
    code="STO002", family=FAMILY, name="flagged", severity="block", summary="The recipient is flagged.",
    why="test", bad="attributes.flagged: true", good="attributes.flagged: false", message="recipient is flagged",
    scope="recipient",
)
def flagged(message, recipient, ctx):
    if (recipient.get("attributes") or {}).get("flagged"):
        yield ctx.finding(flagged, message, recipient, part="data", text="flagged", data=["attributes.flagged: true"])


class FirstOfRun(Check):
    """Reports, at the end of the run, the first recipient it saw."""

    def start(self, ctx):
        ctx.state[self.spec.code] = None

    def run(self, message, recipient, ctx):
        if ctx.state[self.spec.code] is None:
            ctx.state[self.spec.code] = (message, recipient)
        return ()

    def finish(self, ctx):
        first = ctx.state[self.spec.code]
        if first:
            yield ctx.finding(self, first[0], first[1], part="data", text=first[1]["id"])


first_of_run = FirstOfRun(CheckSpec(
    code="STO003", family=FAMILY, name="first-of-run", severity="info", summary="First recipient of the run.",
    why="test", bad="-", good="-", message="first of the run", scope="recipient",
))


@hookimpl
def campaign_preview_checks():
    return [winter_word, flagged, first_of_run]
