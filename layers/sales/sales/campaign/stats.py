"""A campaign's figures: what its leads and the deals they became add up to.

Two counter items per campaign, each added to in the transaction of the write that changes it: the lead
counters by every lead command (`lead_counters`, in sales.lead), the won counters by the consumer of `deal.won`
that follows deal -> opportunity -> lead -> campaign. This module reads them back into the figures shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from kernel.money import Money

# Lead counter names: live leads, leads now qualified or disqualified, leads ever converted.
LEADS, QUALIFIED, DISQUALIFIED, CONVERTED = "leads", "qualified", "disqualified", "converted"
WON_DEALS = "won_deals"


def won_count(currency: str) -> str:
    return f"won#{currency}#count"


def won_value(currency: str) -> str:
    return f"won#{currency}#value"


def won_counters(currency: str, value: int) -> dict[str, int]:
    """What one won deal adds to its campaign's won counters."""
    return {WON_DEALS: 1, won_count(currency): 1, won_value(currency): value}


@dataclass(frozen=True)
class WonValue:
    currency: str
    count: int
    value: int


@dataclass(frozen=True)
class CampaignFigures:
    leads: int
    qualified: int
    disqualified: int
    converted: int
    won_deals: int
    won_value_by_currency: list[WonValue]
    cost_per_lead: Money | None
    return_on_budget: str | None


def figures(budget: Money | None, leads: Counter[str], won: Counter[str]) -> CampaignFigures:
    """The figures of a campaign with `budget` from its two counter items (summed as read)."""
    currencies = sorted(
        name.split("#")[1] for name in won if name.startswith("won#") and name.endswith("#count") and won[name] > 0
    )
    by_currency = [WonValue(currency, won[won_count(currency)], won[won_value(currency)]) for currency in currencies]
    live = leads[LEADS]
    cost = None
    if budget is not None and live > 0:
        # Per lead, to the currency's minor unit, half to even: the same rounding as every other money figure.
        amount = (Decimal(budget.amount) / live).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        cost = Money(int(amount), budget.currency)
    ratio = None
    if budget is not None and [value.currency for value in by_currency] == [budget.currency]:
        # Won value over budget, both in minor units of the one currency, as a decimal string with two places.
        ratio = str((Decimal(by_currency[0].value) / budget.amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
    return CampaignFigures(
        leads=live,
        qualified=leads[QUALIFIED],
        disqualified=leads[DISQUALIFIED],
        converted=leads[CONVERTED],
        won_deals=won[WON_DEALS],
        won_value_by_currency=by_currency,
        cost_per_lead=cost,
        return_on_budget=ratio,
    )
