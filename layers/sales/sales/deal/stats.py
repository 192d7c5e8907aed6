"""Pipeline counters: what one deal contributes to the stats, so stats are sums, never scans.

A command stores `counters(after) - counters(before)` in the same transaction as the deal, which
keeps every stat exact whatever the command did (create, move, win, revalue, delete, restore).
"""

from __future__ import annotations

from collections import Counter

from sales.deal.model import Deal, DealStatus

ALL = "all"


def status_key(status: DealStatus) -> str:
    return f"status#{status.value}"


def stage_key(stage: str) -> str:
    return f"stage#{stage}"


def open_value_key(stage: str, currency: str) -> str:
    return f"open#{stage}#{currency}"


def won_keys(currency: str) -> tuple[str, str]:
    return f"won#{currency}#count", f"won#{currency}#value"


def forecast_keys(month: str, currency: str) -> tuple[str, str, str]:
    """count, value, and value x probability (divided by 100 only when read, to stay exact)."""
    prefix = f"forecast#{month}#{currency}"
    return f"{prefix}#count", f"{prefix}#value", f"{prefix}#weighted"


def scope_counters(deal: Deal | None) -> Counter[str]:
    """Counts per status and stage: kept per owner and per customer to total filtered lists."""
    if deal is None or deal.is_deleted:
        return Counter()
    return Counter({ALL: 1, status_key(deal.status): 1, stage_key(deal.stage.value): 1})


def pipeline_counters(deal: Deal | None) -> Counter[str]:
    """Everything the pipeline, won and forecast stats need from one live deal."""
    counters = scope_counters(deal)
    if deal is None or deal.is_deleted:
        return counters
    amount, currency = deal.value.amount, deal.value.currency
    if deal.status is DealStatus.OPEN:
        counters[open_value_key(deal.stage.value, currency)] += amount
    if deal.status is DealStatus.WON:
        count_key, value_key = won_keys(currency)
        counters[count_key] += 1
        counters[value_key] += amount
    if deal.stage.in_forecast and deal.expected_close_date is not None:
        month = deal.expected_close_date.strftime("%Y-%m")
        count_key, value_key, weighted_key = forecast_keys(month, currency)
        counters[count_key] += 1
        counters[value_key] += amount
        counters[weighted_key] += amount * deal.probability
    return counters


def delta(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """Non-zero differences only, so an unchanged stat costs no write."""
    keys = set(before) | set(after)
    changes = {key: after.get(key, 0) - before.get(key, 0) for key in keys}
    return {key: change for key, change in sorted(changes.items()) if change}
