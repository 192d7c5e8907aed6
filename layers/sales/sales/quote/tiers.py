"""The reseller tier discounts quotes apply: configuration, not input.

`QUOTE_TIER_DISCOUNTS` ("authorized=0,gold=8,platinum=12") overrides the program's standard percentages; each
percent has at most two decimals, 0 to 100. A malformed setting fails the first quote loudly (a deployment
fault), never a request silently."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from functools import cache

STANDARD = {"authorized": Decimal(0), "gold": Decimal(8), "platinum": Decimal(12)}


@cache
def tier_percentages() -> dict[str, Decimal]:
    configured = os.environ.get("QUOTE_TIER_DISCOUNTS", "").strip()
    if not configured:
        return dict(STANDARD)
    percentages = dict(STANDARD)
    for entry in configured.split(","):
        tier, _, text = entry.partition("=")
        tier = tier.strip()
        if tier not in STANDARD:
            raise ValueError(f"QUOTE_TIER_DISCOUNTS names an unknown tier {tier!r}")
        try:
            percent = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"QUOTE_TIER_DISCOUNTS: {tier}'s percent is not a number") from None
        if not Decimal(0) <= percent <= Decimal(100) or percent != percent.quantize(Decimal("0.01")):
            raise ValueError(f"QUOTE_TIER_DISCOUNTS: {tier}'s percent must be 0-100 with at most two decimals")
        percentages[tier] = percent
    return percentages
