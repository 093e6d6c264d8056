"""Recipient records that use every part of recipient.schema.json, for the store's tests."""

from __future__ import annotations

from tests.conftest import recipient


def rich(rid: str, n: int = 0, **fields) -> dict:
    """A valid record with segments, life events, orders, activity, recommendations, preferences and
    attributes; ``n`` varies the values so that many records are not all alike."""
    record = recipient(
        rid,
        locale="en-US",
        timezone="America/Chicago",
        segments=["vip", f"cohort-{n % 3}"],
        is_seed=n % 50 == 0,
        attributes={"pet_name": "Rex", "loyalty_points": 120 + n, "newsletter": True, "tags": ["a", "b"], "nickname": None},
        attribute_sources={"pet_name": "declared", "loyalty_points": "observed", "tags": "inferred"},
        life_events=[
            {"type": "wedding", "date": "2026-06-01", "status": "expected", "source": "inferred", "confidence": 0.62, "evidence": "14 wedding pins in 30 days"},
            {"type": "new_home", "source": "declared"},
        ],
        preferences={"occasion_opt_outs": ["mothers_day", "fathers_day"], "deceased": False, "marketing_consent": True},
        orders=[
            {
                "id": f"o-{rid}-1",
                "date": "2026-03-02",
                "ship_to_other": True,
                "items": [
                    {"sku": "LAMP-1", "name": "Brass lamp", "category": "home/lighting", "price": 49.5, "gift": True},
                    {"sku": "MUG-2", "name": "Stoneware mug", "category": "home/kitchen", "price": 12.0, "quantity": 4, "returned": True, "return_date": "2026-03-20", "return_reason": "chipped"},
                ],
            },
            {"id": f"o-{rid}-2", "date": "2026-05-11", "registry_id": "REG-9", "items": [{"sku": "TOWEL-3", "name": "Bath towel"}]},
        ],
        activity=[
            {"type": "pin", "date": "2026-04-01", "category": "wedding/decor", "count": 14},
            {"type": "search", "date": "2026-04-02", "query": "bridal shower gifts"},
        ],
        recommendations=[
            {"sku": "VASE-4", "name": "Glass vase", "category": "home/decor", "url": "https://shop.example/vase", "price": 30, "reason": {"type": "purchase", "source_sku": "LAMP-1", "source_order": f"o-{rid}-1"}},
            {"sku": "RUG-5", "name": "Wool rug"},
        ],
    )
    record.update(fields)
    return record
