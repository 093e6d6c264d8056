"""What the recipient bought, and what a render says about it.

The gift-context and returned-item families ask the same questions: which order item is a
recommendation derived from, which order items does a line of copy refer to, and was that item
a gift or sent back? A purchase counts as a gift when the data says so (gift flag, gift wrap,
shipped to another address, bought from someone's registry), when it is a gift product (a gift
card), or when it is *off-profile in a gift season*: a women's fragrance in December from a
recipient whose other purchases are men's. Seasons, profiles and gift products are rules in
``checks/rules/gift_signals.yaml``, so a deployment can add its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from preview.checks.evidence import entry_of
from preview.checks.rules import fold
from preview.checks.visible import VISIBLE_PARTS, Hit, find, line_around, shown_values

_ITEM_PATH = re.compile(r"^orders\[(\d+)\](?:\.items\[(\d+)\])?")
_REC_PATH = re.compile(r"^recommendations\[(\d+)\]")
_REASONS = "purchases.gift-reasons"
_REFS = "purchases.refs"  # the message's purchase copy, shared by the gift and returned-item checks


@dataclass(frozen=True)
class Purchase:
    """One order item of the recipient, with its order and its path in the record."""

    order_index: int
    item_index: int
    order: dict
    item: dict

    @property
    def path(self) -> str:
        return f"orders[{self.order_index}].items[{self.item_index}]"

    @property
    def name(self) -> str:
        return self.item.get("name") or ""

    @property
    def sku(self) -> str:
        return self.item.get("sku") or ""

    @property
    def category(self) -> str:
        return (self.item.get("category") or "").lower()

    @cached_property
    def date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.order.get("date") or "")
        except ValueError:
            return None

    @property
    def returned(self) -> bool:
        return bool(self.item.get("returned") or self.item.get("return_date"))


def purchases(recipient: dict) -> list[Purchase]:
    """Every order item of ``recipient``."""
    out = []
    for oi, order in enumerate(recipient.get("orders") or ()):
        for ii, item in enumerate(order.get("items") or ()):
            out.append(Purchase(oi, ii, order, item))
    return out


def returned_note(p: Purchase) -> str:
    """``returned 2026-11-03 ("too small")`` for evidence and messages."""
    text = "returned" + (f" {p.item['return_date']}" if p.item.get("return_date") else "")
    if p.item.get("return_reason"):
        text += f' ("{p.item["return_reason"]}")'
    return text


# ---- gifts --------------------------------------------------------------------------------


class GiftRules:
    """The gift rules of one run (seasons, profiles, gift products), compiled once."""

    def __init__(self, rules):
        entries = rules.entries("gift_signals")
        self.seasons = [e for e in entries if e.get("kind") == "season"]
        self.profiles = [e for e in entries if e.get("kind") == "profile"]
        self.products = rules.phrases("gift_signals", where=_is_gift_product)
        self.profile_words = rules.phrases("gift_signals", where=_is_profile)
        self._categories = [{str(c).lower() for c in entry.get("categories") or ()} for entry in self.profiles]
        self._seasons: dict = {}  # (month, day) -> its season: asked for every order item

    @classmethod
    def of(cls, ctx) -> GiftRules:
        """The run's rules, built on first use."""
        rules = ctx.cache.get("purchases:gift-rules")
        if rules is None:
            rules = ctx.cache["purchases:gift-rules"] = cls(ctx.rules)
        return rules

    def season(self, day: dt.date | None) -> dict | None:
        """The gift season ``day`` falls in, if any."""
        if day is None:
            return None
        key = (day.month, day.day)
        if key not in self._seasons:
            self._seasons[key] = self._season(day)
        return self._seasons[key]

    def _season(self, day: dt.date) -> dict | None:
        md = f"{day.month:02d}-{day.day:02d}"
        for s in self.seasons:
            lo, hi = str(s["from"]), str(s["to"])
            inside = lo <= md <= hi if lo <= hi else (md >= lo or md <= hi)
            if inside:
                return s
        return None

    def profile(self, p: Purchase) -> dict | None:
        """Who the item is for (a profile entry), from its category path, else its name."""
        segments = set(p.category.replace("-", "_").split("/")) if p.category else set()
        for entry, categories in zip(self.profiles, self._categories, strict=True):
            if segments & categories:
                return entry
        match = self.profile_words.search(p.name)
        return match.rule if match else None

    def recipient_profile(self, recipient: dict) -> dict | None:
        """A profile the recipient declared in an attribute (e.g. ``gender: male``)."""
        attributes = recipient.get("attributes") or {}
        for entry in self.profiles:
            for name, values in (entry.get("attribute_values") or {}).items():
                value = attributes.get(name)
                if isinstance(value, str) and value.strip().lower() in {str(v).lower() for v in values}:
                    return entry
        return None


def _is_gift_product(entry: dict) -> bool:
    return entry.get("kind") == "gift_product"


def _is_profile(entry: dict) -> bool:
    return entry.get("kind") == "profile"


def gift_reasons(ctx, p: Purchase, recipient: dict) -> list[str]:
    """Why ``p`` looks like a gift, as phrases for a reviewer; empty when it does not.

    Remembered for the recipient whose checks are running: three gift checks ask about the
    same purchases.
    """
    memo = ctx.cache.get(_REASONS)
    if memo is None or memo[0] is not recipient:
        memo = ctx.cache[_REASONS] = (recipient, {})
    reasons = memo[1].get(p.path)
    if reasons is None:
        reasons = memo[1][p.path] = _gift_reasons(ctx, p, recipient)
    return reasons


def _gift_reasons(ctx, p: Purchase, recipient: dict) -> list[str]:
    rules = GiftRules.of(ctx)
    reasons = []
    if p.item.get("gift"):
        reasons.append("marked as a gift")
    if p.item.get("gift_wrap"):
        reasons.append("gift-wrapped")
    if p.order.get("ship_to_other"):
        reasons.append("shipped to another address")
    if p.order.get("registry_id"):
        reasons.append(f"bought from registry {p.order['registry_id']}")
    season = rules.season(p.date)
    product = rules.products.search(p.name)
    if product and (season or not product.rule.get("in_season_only")):
        reasons.append(f"a gift product ({product.text.lower()})")
    if season and not reasons:
        off = _off_profile(rules, p, recipient)
        if off:
            reasons.append(f"{off}, bought {p.order.get('date')} in the {season.get('name', season['id'])}")
    return reasons


def _off_profile(rules: GiftRules, p: Purchase, recipient: dict) -> str | None:
    """``"off-profile: women's item among men's purchases"`` when it fits nobody else bought."""
    mine = rules.profile(p)
    if mine is None:
        return None
    dimension = mine.get("dimension")
    declared = rules.recipient_profile(recipient)
    # A declared gender says who the recipient is, not whether they have children to buy for.
    if declared is not None and mine.get("buyer", True) and declared.get("dimension") == dimension and declared["id"] != mine["id"]:
        return f"off-profile: a {mine.get('label', mine['id'])} item for a recipient whose profile says {declared.get('label', declared['id'])}"
    # Gifts and returns say nothing about the recipient's own taste.
    others = [
        q for q in purchases(recipient)
        if q.path != p.path and not q.returned
        and not (q.item.get("gift") or q.item.get("gift_wrap") or q.order.get("ship_to_other") or q.order.get("registry_id"))
    ]
    # The recipient's own taste shows best outside the gift seasons; when those purchases say
    # nothing about it (none, or none with a wearer), fall back to every purchase.
    def profiles(qs):
        return [prof for prof in (rules.profile(q) for q in qs) if prof and prof.get("dimension") == dimension]

    tagged = profiles(q for q in others if rules.season(q.date) is None) or profiles(others)
    if any(prof["id"] == mine["id"] for prof in tagged):
        return None
    if mine.get("buyer", True):
        # Children's things a parent buys say nothing about the parent's own wardrobe, so only
        # the buyer's own profiles (women's, men's) are evidence against a women's item.
        tagged = [prof for prof in tagged if prof.get("buyer", True)]
    if not tagged:
        return None
    theirs = tagged[0]
    return f"off-profile: a {mine.get('label', mine['id'])} item among {len(tagged)} {theirs.get('label', theirs['id'])} purchase(s)"


# ---- links between the render and the orders ------------------------------------------------


def source_of(rec: dict, recipient: dict) -> Purchase | None:
    """The order item a recommendation was derived from (its ``reason``), if it was a purchase."""
    reason = rec.get("reason") or {}
    sku = reason.get("source_sku")
    order_id = reason.get("source_order")
    if not sku and not order_id:
        return None
    candidates = [p for p in purchases(recipient) if (not sku or p.sku == sku) and (not order_id or p.order.get("id") == order_id)]
    if not candidates:
        return None
    # The most recent purchase of that product is the one a recommender reacts to.
    return max(candidates, key=lambda p: (p.date or dt.date.min, -p.order_index))


@dataclass(frozen=True)
class ShownRecommendation:
    """A recommendation of the record that the render shows, and where."""

    index: int
    rec: dict
    part: str
    start: int
    end: int


def shown_recommendations(ctx, message, recipient: dict) -> list[ShownRecommendation]:
    """The recommendations the reader sees: by lineage, else by name in the recipient values of
    the visible text. The template's own copy does not show a recommendation: an editorial
    "Chunky knit throw" is there for everyone, whatever the recommender picked."""
    recs = recipient.get("recommendations") or []
    if not recs:
        return []
    found: dict[int, ShownRecommendation] = {}
    for value in shown_values(ctx, message):
        for path in value.paths:
            m = _REC_PATH.match(path)
            if m and int(m.group(1)) < len(recs) and int(m.group(1)) not in found:
                i = int(m.group(1))
                found[i] = ShownRecommendation(i, recs[i], value.part, value.start, value.end)
    for i, rec in enumerate(recs):
        if i in found:
            continue
        where = find_name(message, rec.get("name") or "", dynamic=True)
        if where:
            found[i] = ShownRecommendation(i, rec, *where)
    return [found[i] for i in sorted(found)]


def find_name(message, name: str, parts=VISIBLE_PARTS, *, dynamic: bool = False) -> tuple[str, int, int] | None:
    """Where a product name appears in the visible text (case and quote insensitive); with
    ``dynamic``, only where the text holds recipient data."""
    needle = _lower(fold(name)).strip()
    if len(needle) < 3:
        return None
    for part in parts:
        text = _lowered(message, part)
        at = _word_find(text, needle)
        while at >= 0 and dynamic and not message.is_dynamic(part, at, at + len(needle)):
            at = _word_find(text, needle, at + 1)
        if at >= 0:
            return part, at, at + len(needle)
    return None


def _lowered(message, part: str) -> str:
    """``part`` of ``message`` folded and lowered for product-name search (once per message)."""
    key = ("purchases.lowered", part)
    text = message.memo.get(key)
    if text is None:
        text = message.memo[key] = _lower(fold(message.part_text(part)))
    return text


def _lower(text: str) -> str:
    # Offsets must stay those of the original text; a few letters ("İ") lengthen when lowered.
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _word_find(text: str, needle: str, start: int = 0, end: int | None = None) -> int:
    end = len(text) if end is None else end
    at = text.find(needle, start, end)
    while at >= 0:
        before = text[at - 1] if at > 0 else " "
        after = text[at + len(needle)] if at + len(needle) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = text.find(needle, at + 1, end)
    return -1


def purchases_in(ctx, message, recipient: dict, part: str, start: int, end: int) -> list[Purchase]:
    """The order items a stretch of copy refers to: by lineage, else by product name."""
    bought = purchases(recipient)
    if not bought:
        return []
    refs: dict[str, Purchase] = {}
    by_path = {p.path: p for p in bought}
    for value in shown_values(ctx, message):
        if value.part != part or value.end <= start or value.start >= end:
            continue
        for path in value.paths:
            m = _ITEM_PATH.match(path)
            if not m:
                continue
            if m.group(2) is not None:
                p = by_path.get(entry_of(path))
                if p:
                    refs.setdefault(p.path, p)
            elif path.endswith((".id", ".date")) and path.count(".") == 1:
                # The copy shows the order itself ("your order #123"): it is about all its items.
                for p in bought:
                    if p.order_index == int(m.group(1)):
                        refs.setdefault(p.path, p)
    text = _lowered(message, part)
    # A product named inside another value (a recommendation "Trail Runner 2 Wide") is that
    # value, not a mention of the purchase.
    values = [
        (v.start, v.end) for v in shown_values(ctx, message)
        if v.part == part and not any(_ITEM_PATH.match(path) for path in v.paths)
    ]
    for p in bought:
        if p.path in refs or len(p.name) < 3:
            continue
        needle = _lower(fold(p.name))
        at = _word_find(text, needle, start, end)
        while at >= 0 and any(a <= at and at + len(needle) <= b for a, b in values):
            at = _word_find(text, needle, at + 1, end)
        if at >= 0:
            refs[p.path] = p
    return list(refs.values())


@dataclass(frozen=True)
class CopyReference:
    """A line of purchase copy ("because you bought ...") and the order items it refers to."""

    hit: Hit
    part: str
    start: int
    end: int
    items: tuple

    @property
    def kind(self) -> str:
        return self.hit.rule.get("kind", "derived")


def copy_references(ctx, message, recipient: dict) -> list[CopyReference]:
    """Every line of purchase copy with the purchases it names, one per (line, kind)."""
    if not recipient.get("orders"):
        return []
    return _memo_refs(ctx, message, recipient)


def _memo_refs(ctx, message, recipient):
    found = message.memo.get(_REFS)
    if found is not None:
        return found
    out: list[CopyReference] = []
    seen = set()
    for hit in find(ctx, "purchase_copy", message):
        text = message.part_text(hit.part)
        start, end = line_around(text, hit.start, hit.end) if hit.part == "html" else (0, len(text))
        key = (hit.part, start, hit.rule.get("kind"))
        if key in seen:
            continue
        seen.add(key)
        items = purchases_in(ctx, message, recipient, hit.part, start, end)
        if not items and hit.part == "html" and end < len(text) and text[hit.end:end].strip() == ":":
            # "Because you bought:" with the product on the next line of the email.
            nxt = line_around(text, end + 1, end + 1)
            items = purchases_in(ctx, message, recipient, hit.part, nxt[0], nxt[1])
            end = nxt[1] if items else end
        out.append(CopyReference(hit, hit.part, start, end, tuple(items)))
    message.memo[_REFS] = out
    return out
