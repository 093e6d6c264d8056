"""PZG005 ``shared-name``: one name shown to most of a run's recipients while their own names
differ (a test value, a fallback that is a real name, a field mapped from the wrong column).

It is the one ``personalization-gap`` check that needs the whole run: per recipient it notes the
names shown, and at the end it reports the names most recipients got.
"""

from __future__ import annotations

import re
from itertools import chain

from preview.checks.check import Check
from preview.checks.greetings import GREETING_PARTS, greetings, slot_facts
from preview.checks.merge_tags import fold_name
from preview.checks.model import CheckSpec

# Record fields that hold the recipient's own name, and template reads that feed a name slot.
_NAME_FIELD = re.compile(
    r"^(?:first_name|last_name|attributes\.(?:(?:first|given|last|family|sur|nick|display|full|preferred"
    r"|salutation|greeting|customer|contact)_?name|nickname|salutation|name))$"
)


class SharedName(Check):
    """PZG005: one name shown to most of the run's recipients while their own names differ.

    Per recipient it notes the names shown in greetings and the values of slots fed by name
    fields that are not the recipient's own first or last name. At the end, a name is a finding
    when it was shown that way to more than half of at least ten recipients, or to at least ten
    recipients who make up more than half of those shown a name not theirs (the "Michael"
    fallback reaches exactly the people without a first name). Counting uses the Misra-Gries
    summary, so memory stays bounded however many recipients a run checks.
    """

    _CAPACITY = 1000

    @staticmethod
    def _empty() -> dict:
        # Recipients checked, those shown a name not theirs, and the summary's counters.
        return {"total": 0, "wrong": 0, "counts": {}, "info": {}}

    def start(self, ctx) -> None:
        ctx.state[self.spec.code] = self._empty()

    def run(self, message, recipient, ctx):
        if recipient.get("is_seed") or (message.document is None and not message.subject):
            return ()
        state = ctx.state.setdefault(self.spec.code, self._empty())
        state["total"] += 1
        own = set(fold_name(" ".join(str(recipient.get(f) or "") for f in ("first_name", "last_name"))).split())
        wrong = False
        for key, shown, part in self._shown(message, ctx):
            if own and set(key.split()) <= own:
                continue
            wrong = True
            self._count(state, key, shown, part, recipient)
        state["wrong"] = state.get("wrong", 0) + wrong
        return ()

    def _shown(self, message, ctx):
        """``(folded name, name, part)`` of each name ``message`` shows: in a greeting, or as the
        value of a name field."""
        shown = [(g.slot, g.part) for g in greetings(message, ctx) if g.kind == "greeting"]
        seen = set()
        for value, part in chain(shown, _name_values(message)):
            name = slot_facts(ctx, value)[0]
            if name and (key := fold_name(name)) not in seen:
                seen.add(key)
                yield key, name, part

    def _count(self, state, key, shown, part, recipient) -> None:
        counts, info = state["counts"], state["info"]
        if key not in counts and len(counts) >= self._CAPACITY:
            # Misra-Gries: decrement every counter; names that reach zero make room.
            for other in list(counts):
                counts[other] -= 1
                if counts[other] <= 0:
                    del counts[other]
                    info.pop(other, None)
            return
        counts[key] = counts.get(key, 0) + 1
        entry = info.setdefault(key, {"shown": shown, "part": part, "examples": []})
        if len(entry["examples"]) < 5:
            entry["examples"].append(f"{recipient.get('id')}: first_name {recipient.get('first_name')!r}")

    def finish(self, ctx):
        state = ctx.state.get(self.spec.code) or {}
        total, wrong = state.get("total", 0), state.get("wrong", 0)
        least = int(ctx.option("shared_name_min_recipients", 10))
        share = float(ctx.option("shared_name_share", 0.5))
        for key, count in sorted(state.get("counts", {}).items(), key=lambda kv: -kv[1]):
            # Most of the run, or, once enough people got a name not theirs, most of those: a
            # fallback that is a real name reaches exactly the recipients without one.
            if (total >= least and count > share * total) or (count >= least and count > share * wrong):
                entry = state["info"][key]
                yield ctx.template_finding(self, part=entry["part"], text=entry["shown"], name=entry["shown"],
                                           shown=count, total=total, wrong=wrong, data=entry["examples"])


def _name_values(message):
    """(value, part) of every rendered value read from a name field."""
    body = message.parts.get("body")
    if message.document is not None and body is not None:
        text = message.body_text
        for start, end, slot in message.document.text_spans:
            if slot < len(message.body_slot_chunks):
                chunk = body.chunks[message.body_slot_chunks[slot]]
                if any(_NAME_FIELD.match(p) for p in chunk.reads):
                    yield text[start:end], "html"
    for part in GREETING_PARTS:
        out = message.parts.get(part)
        for chunk in out.chunks if out else ():
            if chunk.dynamic and any(_NAME_FIELD.match(p) for p in chunk.reads):
                yield out.text[chunk.start : chunk.end], part


shared_name = SharedName(
    CheckSpec(
        code="PZG005",
        name="shared-name",
        summary="Most recipients of the sample are greeted by the same name, which is not theirs.",
        why="When one name reaches most people (a test value, a fallback that is a real name, a field mapped "
        "from the wrong column), thousands get someone else's name, as when Aviva called its customers "
        "'Michael'. Fires when one such name reaches more than half of at least 10 checked recipients, or at "
        "least 10 recipients who are most of those shown a name not theirs (options shared_name_min_recipients "
        "and shared_name_share).",
        bad="{{ recipient.attributes.display_name }} holding 'Michael' for 8 of 10 sampled recipients",
        good="{{ recipient.first_name | default('there', true) }}",
        message="{name!r} is shown as the name of {shown} of {total} sampled recipients whose own names differ "
        "({wrong} were shown a name not theirs)",
        family="personalization-gap",
        severity="block",
    )
)
