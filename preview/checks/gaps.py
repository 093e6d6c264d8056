"""The variables of a render that printed as nothing (missing, null, or no recipient field at
all), and the evidence lines that say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preview.checks.evidence import describe_paths
from preview.checks.greetings import Greeting

# The renderer names the body's output "body"; findings call that part "html".
_ENGINE_PART = {"body": "html"}


@dataclass(frozen=True)
class Gap:
    """A variable of one part that rendered as nothing: as the template names it, and its field."""

    variable: str  # "recipient.first_name", or "FirstName" for a name that is no recipient field
    field: str | None  # the record path ("first_name"), None when it is not a recipient field
    how: str  # "missing", "null", or "undefined" (not a recipient field at all)

    def data(self, recipient: dict) -> list[str]:
        """The evidence lines for this gap."""
        if self.field is None:
            return [f"{self.variable}: not a recipient field (templates read them as recipient.NAME)"]
        return describe_paths(recipient, [self.field])


def gaps(message, part: str) -> list[Gap]:
    """The variables of ``part`` that rendered as nothing, in template order, each once."""
    out: dict[str, Gap] = {}
    for engine_part, name in message.missing:
        if _ENGINE_PART.get(engine_part, engine_part) == part:
            field = name.removeprefix("recipient.") if name.startswith("recipient.") else None
            out.setdefault(name, Gap(name, field, "missing" if field else "undefined"))
    for engine_part, path in message.nulls:
        if _ENGINE_PART.get(engine_part, engine_part) == part:
            field = None if path == "?" else path.removeprefix("recipient.")
            variable = f"recipient.{field}" if field else "a value"
            out.setdefault(variable, Gap(variable, field, "null"))
    return list(out.values())


def greeting_gaps(message, ctx, g: Greeting) -> list[Gap]:
    """The gaps of the greeting ``g``: those the template writes right after its greeting word.

    Empty values leave no trace in the output, so the template source is read instead; when it
    does not tell, every gap of the part is given.
    """
    found = gaps(message, g.part)
    campaign = ctx.campaign
    source = {"html": "body", "text": "text", "subject": "subject", "preheader": "preheader"}.get(g.part)
    source = getattr(campaign, source, None) if campaign is not None and source else None
    words = message.part_text(g.part)[g.start : g.slot_start].split()
    if len(found) < 2 or g.kind != "greeting" or not source or not words:
        return found
    word = re.escape(words[0].strip(",!"))
    windows = [source[m.end() : m.end() + 160] for m in re.finditer(rf"(?<!\w){word}(?!\w)", source, re.IGNORECASE)]
    near = [gap for gap in found if any(re.search(rf"\b{re.escape(_leaf(gap.variable))}\b", w) for w in windows)]
    return near or found


def _leaf(variable: str) -> str:
    """The last name in a variable's path: "first_name" of "recipient.first_name"."""
    return [p for p in re.split(r"[.\[\]]", variable) if p][-1]
