"""``sensitive-occasion``: copy or a campaign about an occasion (Mother's Day, Father's Day,
Valentine's Day...) reaches a recipient who opted out of it, or whose data shows the death of the
person the occasion is about.

An email is "about" an occasion when its front matter says so (``occasion: mothers_day``) or its
copy uses the occasion's words (``rules/occasions.yaml``): a spring newsletter with a "Last
chance for Mother's Day delivery" banner reaches a Mother's Day opt-out just as surely as the
Mother's Day campaign does. Only the occasion opted out of counts: a Father's Day email to
someone who opted out of Mother's Day is fine. A bereavement blocks the occasion of that person
whenever it happened (Mother's Day hurts for years), and whatever its provenance, because the
cost of being wrong is one email not sent.
"""

from __future__ import annotations

from preview.checks import facts, wording
from preview.checks.check import check
from preview.checks.evidence import describe_entry

_COMMON = {"family": "sensitive-occasion", "severity": "block", "scope": "recipient"}


def occasion_rules(ctx) -> dict[str, dict]:
    """Entries of ``occasions.yaml`` by occasion id."""
    key = "sensitive_occasion.rules"
    if key not in ctx.cache:
        ctx.cache[key] = {e["occasion"]: e for e in ctx.rules.entries("occasions") if e.get("occasion")}
    return ctx.cache[key]


def occasion_hits(ctx, message) -> list:
    """Every occasion word on every surface of ``message``."""
    return wording.scan(ctx, message, "occasions")


def _where(ctx, message, recipient, occasion: str):
    """``(part, start, end, text)`` for each place the email is about ``occasion``: the first use
    of its words per part, or the subject (or front matter) when only the campaign says so."""
    hits = wording.first([h for h in occasion_hits(ctx, message) if h.rule.get("occasion") == occasion])
    out = []
    for hit in hits:
        text = message.part_text(hit.part)
        s, e = wording.sentence(text, hit.start, hit.end)
        while s < e and text[s].isspace():
            s += 1
        out.append((hit.part, s, e, hit.text))
    if not out and getattr(ctx.campaign, "occasion", None) == occasion:
        if message.subject:
            out.append(("subject", 0, len(message.subject), f"occasion: {occasion}"))
        else:
            out.append(("template", None, None, f"occasion: {occasion}"))
    return out


def _name(ctx, occasion: str) -> str:
    return occasion_rules(ctx).get(occasion, {}).get("name") or occasion.replace("_", " ")


def _finding(spec, ctx, message, recipient, where, data, **args):
    part, s, e, said = where
    if s is None:
        return ctx.finding(spec, message, recipient, part=part, text=said, data=data, template_level=False, said=said, **args)
    return ctx.finding(spec, message, recipient, part=part, start=s, end=e, data=data, said=said, **args)


def _campaign_line(ctx, occasion: str) -> list[str]:
    if getattr(ctx.campaign, "occasion", None) == occasion:
        return [f"campaign occasion: {occasion} (front matter)"]
    return []


@check(
    code="OCC001",
    name="occasion-opted-out",
    summary="An email about an occasion (Mother's Day, Father's Day, Valentine's Day...) reaches a recipient who asked not to get emails about it.",
    why="Florists and marketplaces such as Bloom & Wild and Etsy let people opt out of Mother's Day email "
    "because for many it is painful (a mother who died, a child lost, estrangement). Sending it anyway, "
    "even as a banner in another email, breaks a promise made to someone at their most vulnerable.",
    bad="'Last chance for Mother's Day delivery' to a recipient with preferences.occasion_opt_outs: ['mothers_day']",
    good="The same recipient gets the Father's Day email and the spring newsletter without the Mother's Day banner",
    message="{occasion_name} copy (\"{said}\") reaches a recipient who opted out of {occasion_name} emails",
    **_COMMON,
)
def occasion_opted_out(message, recipient, ctx):
    for occasion in dict.fromkeys(facts.occasion_opt_outs(recipient)):
        data = [describe_entry(recipient, "preferences.occasion_opt_outs")] + _campaign_line(ctx, occasion)
        for where in _where(ctx, message, recipient, occasion):
            yield _finding(occasion_opted_out, ctx, message, recipient, where, data, occasion=occasion, occasion_name=_name(ctx, occasion))


@check(
    code="OCC002",
    name="occasion-after-bereavement",
    summary="An email about an occasion reaches a recipient whose data records the death of the person "
    "the occasion celebrates (Mother's Day after their mother died, Valentine's Day after their partner died).",
    why="A bereavement the recipient told us about (a sympathy order, a support conversation, a form) "
    "is the clearest reason not to send 'Spoil Mum this Mother's Day'. The person an occasion is about "
    "is set per occasion in rules/occasions.yaml (mothers_day: mother, mum, mom...).",
    bad="The Mother's Day campaign to a recipient with life_events[0]: bereavement of mother, declared, 2025-03-02",
    good="The Father's Day campaign to the same recipient, and the Mother's Day campaign to recipients with no such loss",
    message="{occasion_name} copy (\"{said}\") reaches a recipient whose {person} has died",
    **_COMMON,
)
def occasion_after_bereavement(message, recipient, ctx):
    lost = facts.bereavements(recipient, ctx.send_date)
    if not lost:
        return
    for occasion, rule in occasion_rules(ctx).items():
        persons = {str(p).lower() for p in rule.get("persons") or ()}
        matching = [ev for ev in lost if (ev.subject or "").strip().lower() in persons]
        if not matching:
            continue
        data = [describe_entry(recipient, ev.path) for ev in matching] + _campaign_line(ctx, occasion)
        for where in _where(ctx, message, recipient, occasion):
            yield _finding(
                occasion_after_bereavement, ctx, message, recipient, where, data,
                occasion=occasion, occasion_name=_name(ctx, occasion), person=matching[0].subject,
            )


CHECKS = [occasion_opted_out, occasion_after_bereavement]
