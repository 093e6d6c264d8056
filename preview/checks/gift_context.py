"""``gift-context``: recommendations and "because you bought" copy that rest on a gift.

Someone who bought a perfume for their mother is not a perfume buyer. When a recommendation, a
"because you bought X" line or "your style" copy derives from a purchase that was a gift (gift
flag, gift wrap, shipped to another address, bought from someone's registry, a gift card, or an
off-profile purchase in a gift season), the email describes somebody else. Which purchases count
as gifts is decided in :mod:`preview.checks.purchases` from ``rules/gift_signals.yaml``.
"""

from __future__ import annotations

from preview.checks.check import check
from preview.checks.evidence import describe_entry
from preview.checks.purchases import (
    copy_references,
    gift_reasons,
    purchases,
    shown_recommendations,
    source_of,
)

_COMMON = {"family": "gift-context", "severity": "warn", "scope": "recipient"}


def _gift_lines(recipient: dict, p, reasons: list[str]) -> list[str]:
    """The purchase's evidence line, plus the gift reasons that line does not already show."""
    line = describe_entry(recipient, p.path)
    extra = [r for r in reasons if r not in line]
    return [line] + ([f"{p.path} looks like a gift: {'; '.join(extra)}"] if extra else [])


@check(
    code="GFT001",
    name="recommendation-from-gift",
    summary="A recommendation in this email was picked because of something the recipient bought as a gift.",
    why="A gift says nothing about the buyer's own taste: after buying perfume for a mother or a "
    "toy from a friend's baby registry, being shown more of the same reads as a machine that "
    "misunderstood. The recommender's `reason` points at a purchase that was marked as a gift, "
    "gift-wrapped, shipped to another address, bought from a registry, or bought off-profile in "
    "a gift season.",
    bad="A men's-wear customer gets 'New fragrances for you: Lily Eau de Parfum' because of the "
    "women's perfume they had gift-wrapped and shipped to their mother in December.",
    good="The same email picks its fragrances from the recipient's own purchases, or leaves gift "
    "purchases out of the recommender's input.",
    message="{items} recommended because of {source!r}, which looks like a gift ({reason})",
    **_COMMON,
)
def recommendation_from_gift(message, recipient, ctx):
    if not recipient.get("recommendations") or not recipient.get("orders"):
        return
    groups: dict[str, tuple] = {}
    for shown in shown_recommendations(ctx, message, recipient):
        source = source_of(shown.rec, recipient)
        if source is None:
            continue
        reasons = gift_reasons(ctx, source, recipient)
        if reasons:
            groups.setdefault(source.path, (source, reasons, []))[2].append(shown)
    for source, reasons, shown in groups.values():
        first = shown[0]
        data = [describe_entry(recipient, f"recommendations[{s.index}]") for s in shown]
        data += _gift_lines(recipient, source, reasons)
        yield ctx.finding(
            recommendation_from_gift, message, recipient, part=first.part, start=first.start, end=first.end, data=data,
            items=", ".join(repr(s.rec.get("name")) for s in shown), count=len(shown), source=source.name,
            reason="; ".join(reasons),
        )


@check(
    code="GFT002",
    name="purchase-copy-about-gift",
    summary="Copy such as 'because you bought X' or 'how are you enjoying X' names a product the recipient bought as a gift.",
    why="The recipient gave that product away: telling them they bought it for themselves, asking "
    "how they enjoy it or offering a refill gets their life wrong and can reveal a present to "
    "the person it was for when the inbox is shared.",
    bad="'Because you bought the Rose Eau de Parfum, you'll love these' to someone who had it "
    "gift-wrapped and shipped to their sister.",
    good="The same line for a recipient who bought the perfume for themselves, or copy that only "
    "names purchases that were not gifts.",
    message="{copy!r} refers to {item!r}, which looks like a gift ({reason})",
    **_COMMON,
)
def purchase_copy_about_gift(message, recipient, ctx):
    seen = set()
    for ref in copy_references(ctx, message, recipient):
        for p in ref.items:
            reasons = gift_reasons(ctx, p, recipient)
            if not reasons or (ref.part, ref.start, p.path) in seen:
                continue
            seen.add((ref.part, ref.start, p.path))
            yield ctx.finding(
                purchase_copy_about_gift, message, recipient, part=ref.part, start=ref.start, end=ref.end,
                data=_gift_lines(recipient, p, reasons),
                copy=ref.hit.text, item=p.name, reason="; ".join(reasons),
            )


@check(
    code="GFT003",
    name="style-copy-from-gift-category",
    summary="'Your style' or 'picked for you' copy sits over recommendations from a category the recipient only ever bought as gifts.",
    why="A recommender that learns categories rather than products still learns from gifts: after "
    "buying baby clothes from a friend's registry, a recipient shown 'picked for your style: "
    "baby rompers' is told a story about their own life that is not true, long after the gift "
    "season is over.",
    bad="'Picked for your style' above three women's fragrances, for a recipient whose only "
    "fragrance purchase was a gift-wrapped present.",
    good="The same copy above categories the recipient has bought for themselves, or neutral "
    "copy such as 'Popular this week' above gift-driven picks.",
    message="{copy!r} above {items}, from a category the recipient only bought as gifts ({category})",
    **_COMMON,
)
def style_copy_from_gift_category(message, recipient, ctx):
    if not recipient.get("recommendations") or not recipient.get("orders"):
        return
    refs = [r for r in copy_references(ctx, message, recipient) if r.kind in ("style", "derived")]
    if not refs:
        return
    gifts, own = [], []
    for p in purchases(recipient):
        if p.category:
            (gifts if gift_reasons(ctx, p, recipient) else own).append(p)
    if not gifts:
        return
    hits = []
    for shown in shown_recommendations(ctx, message, recipient):
        reason = shown.rec.get("reason") or {}
        # Picks the recommender explains by browsing, best-sellers or editors are not about gifts;
        # picks it derives from one purchase are judged by GFT001.
        if reason.get("type") not in (None, "purchase") or source_of(shown.rec, recipient) is not None:
            continue
        family = _family(shown.rec.get("category"))
        if not family:
            continue
        gifted = [p for p in gifts if _family(p.category) == family]
        if gifted and not any(_family(p.category) == family for p in own):
            hits.append((shown, family, gifted))
    if not hits:
        return
    ref = refs[0]
    data = [describe_entry(recipient, f"recommendations[{s.index}]") for s, _, _ in hits]
    for p in dict((p.path, p) for _, _, gifted in hits for p in gifted).values():
        data += _gift_lines(recipient, p, gift_reasons(ctx, p, recipient))
    yield ctx.finding(
        style_copy_from_gift_category, message, recipient, part=ref.part, start=ref.start, end=ref.end, data=data,
        copy=ref.hit.text, items=", ".join(repr(s.rec.get("name")) for s, _, _ in hits),
        category=", ".join(dict.fromkeys(f for _, f, _ in hits)),
    )


def _family(category: str | None) -> str:
    """The first two levels of a category path: 'beauty/fragrance/women' -> 'beauty/fragrance'."""
    if not category:
        return ""
    return "/".join(category.lower().strip("/").split("/")[:2])


CHECKS = [recommendation_from_gift, purchase_copy_about_gift, style_copy_from_gift_category]
