"""``returned-item``: review requests, refills, accessories and "more like" that rest on a return.

A returned item is a purchase the recipient rejected. Asking them to review it, to refill it or
to buy its accessories, or recommending more like it, shows that nobody looked at the order
after the return. Which copy refers to which purchase comes from :mod:`preview.checks.purchases`
(data lineage first, product names second).
"""

from __future__ import annotations

from preview.checks.check import check
from preview.checks.evidence import describe_entry
from preview.checks.purchases import (
    copy_references,
    purchases,
    purchases_in,
    returned_note,
    shown_recommendations,
    source_of,
)
from preview.checks.visible import line_around

_FAMILY = "returned-item"


@check(
    code="RET001",
    name="review-request-for-returned-item",
    family=_FAMILY,
    severity="block",
    scope="recipient",
    summary="The email asks the recipient to review, or asks how they enjoy, an item they returned.",
    why="'How are you enjoying your new sofa?' to someone who sent the sofa back after it arrived "
    "damaged reopens a bad experience and invites a one-star review. Review requests must skip "
    "returned items.",
    bad="'How are you enjoying your Oslo 3-seat sofa? Write a review' to a recipient whose order "
    "shows the sofa returned on 2026-11-20 ('arrived damaged').",
    good="The same request for a recipient who kept the sofa, or a request that lists only the "
    "items the recipient kept.",
    message="Review request {copy!r} is about {item!r}, which the recipient returned",
)
def review_request_for_returned_item(message, recipient, ctx):
    if not any(p.returned for p in purchases(recipient)):
        return
    under_review: dict[str, tuple] = {}
    for ref in copy_references(ctx, message, recipient):
        if ref.kind == "review":
            for p in _reviewed(ctx, message, recipient, ref):
                under_review.setdefault(p.path, (p, ref))
    kept = {p.sku for p, _ in under_review.values() if not p.returned}
    for p, ref in under_review.values():
        # A product bought again and kept is the one under review, not its returned twin.
        if p.returned and p.sku not in kept:
            yield ctx.finding(
                review_request_for_returned_item, message, recipient, part=ref.part, start=ref.start, end=ref.end,
                data=[describe_entry(recipient, p.path)], copy=ref.hit.text, item=p.name, returned=returned_note(p),
            )


# A review request that names no product ("Tell us what you think of your order") is about the
# products shown around it: the line before (a product above its "Write a review" button) and the
# next few (the order listed below the question).
_LINES_BEFORE, _LINES_AFTER = 1, 3


def _reviewed(ctx, message, recipient, ref) -> tuple:
    """The purchases a review request is about."""
    if ref.items or ref.part != "html":
        return ref.items
    text = message.part_text("html")
    start, end = ref.start, ref.end
    for _ in range(_LINES_BEFORE):
        start = line_around(text, start - 1, start - 1)[0] if start > 0 else start
    for _ in range(_LINES_AFTER):
        end = line_around(text, end + 1, end + 1)[1] if end < len(text) else end
    return tuple(purchases_in(ctx, message, recipient, "html", start, end))


@check(
    code="RET002",
    name="recommendation-from-returned-item",
    family=_FAMILY,
    severity="warn",
    scope="recipient",
    summary="A recommendation rests on an item the recipient returned, or is that returned item itself.",
    why="The recipient told the shop with a return that the product did not suit them; "
    "'more like this' picks derived from it, or the same product offered again, repeat the "
    "mistake.",
    bad="'More like your Trail Runner 2' for a recipient who returned the Trail Runner 2 as too small.",
    good="Picks derived from items the recipient kept, or the returned product's better-fitting "
    "alternative with copy that says so.",
    message="{item!r} is recommended {how} {source!r}, which the recipient returned",
)
def recommendation_from_returned_item(message, recipient, ctx):
    bought = purchases(recipient)
    if not recipient.get("recommendations") or not any(p.returned for p in bought):
        return
    kept_skus = {p.sku for p in bought if not p.returned}
    returned_by_sku = {p.sku: p for p in bought if p.returned}
    for shown in shown_recommendations(ctx, message, recipient):
        source = source_of(shown.rec, recipient)
        if source is not None and source.returned:
            how = "because of"
        elif shown.rec.get("sku") in returned_by_sku and shown.rec.get("sku") not in kept_skus:
            source, how = returned_by_sku[shown.rec["sku"]], "again after the return of"
        else:
            continue
        yield ctx.finding(
            recommendation_from_returned_item, message, recipient, part=shown.part, start=shown.start, end=shown.end,
            data=[describe_entry(recipient, f"recommendations[{shown.index}]"), describe_entry(recipient, source.path)],
            item=shown.rec.get("name"), source=source.name, how=how,
        )


@check(
    code="RET003",
    name="purchase-copy-about-returned-item",
    family=_FAMILY,
    severity="warn",
    scope="recipient",
    summary="'Because you bought', refill, accessory or 'more like' copy names an item the recipient returned.",
    why="'Time to refill your vitamin C serum' or 'Complete the look with your denim jacket' "
    "assumes the recipient still has the item; after a return it reads as a shop that does not "
    "listen.",
    bad="'Time to refill your Vitamin C Serum' to a recipient who returned the serum because it "
    "irritated their skin.",
    good="The same reminder for a recipient who kept the serum.",
    message="{copy!r} refers to {item!r}, which the recipient returned",
)
def purchase_copy_about_returned_item(message, recipient, ctx):
    if not any(p.returned for p in purchases(recipient)):
        return
    seen = set()
    for ref in copy_references(ctx, message, recipient):
        if ref.kind == "review":
            continue  # RET001 blocks these
        for p in ref.items:
            if not p.returned or (ref.part, ref.start, p.path) in seen:
                continue
            seen.add((ref.part, ref.start, p.path))
            yield ctx.finding(
                purchase_copy_about_returned_item, message, recipient, part=ref.part, start=ref.start, end=ref.end,
                data=[describe_entry(recipient, p.path)], copy=ref.hit.text, item=p.name,
            )


CHECKS = [review_request_for_returned_item, recommendation_from_returned_item, purchase_copy_about_returned_item]
