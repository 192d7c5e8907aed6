"""Deal counters: what one deal contributes to the stats, so stats are sums, never scans.

A command stores `counters(after) - counters(before)` in the same transaction as the deal, which
keeps every stat exact whatever the command did (create, move, win, revalue, delete, restore).

Two families, on different items. Pipeline counters (counts per status and stage, open value, won revenue)
go to the pipeline shards, which every deal write touches: their names are bounded by stages x currencies,
never by time, so those items stay the same size however many months deals close in. Forecast counters go
to the item of the deal's expected-close month (sales.keys.deal_forecast_shard): names carry only the
currency, so an item holds three counters per currency that month has seen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sales.deal.model import Deal, DealFilter, DealStatus, Stage

ALL = "all"


def status_key(status: DealStatus) -> str:
    return f"status#{status.value}"


def stage_key(stage: str) -> str:
    return f"stage#{stage}"


def open_value_key(stage: str, currency: str) -> str:
    return f"open#{stage}#{currency}"


def list_counter(filters: DealFilter) -> str:
    """The scope counter that totals a list: its stage's, else its status's, else every live deal."""
    if filters.stage is not None:
        return stage_key(filters.stage.value)
    return status_key(filters.status) if filters.status is not None else ALL


def won_keys(currency: str) -> tuple[str, str]:
    return f"won#{currency}#count", f"won#{currency}#value"


def forecast_keys(currency: str) -> tuple[str, str, str]:
    """count, value, and value x probability (divided by 100 only when read, to stay exact), as named on
    the month's forecast items: the month is in the item key."""
    return f"{currency}#count", f"{currency}#value", f"{currency}#weighted"


MonthCounters = dict[str, Counter[str]]  # "YYYY-MM" -> that month's forecast counters


def scope_counters(deal: Deal | None) -> Counter[str]:
    """Counts per status and stage: kept per owner and per customer to total filtered lists."""
    if deal is None or deal.is_deleted:
        return Counter()
    return Counter({ALL: 1, status_key(deal.status): 1, stage_key(deal.stage.value): 1})


def pipeline_counters(deal: Deal | None) -> Counter[str]:
    """Everything the pipeline and won stats need from one live deal."""
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
    return counters


def forecast_counters(deal: Deal | None) -> MonthCounters:
    """What one live deal adds to the forecast: nothing, or three counters in one month."""
    if deal is None or deal.is_deleted or not deal.stage.in_forecast or deal.expected_close_date is None:
        return {}
    amount = deal.value.amount
    count_key, value_key, weighted_key = forecast_keys(deal.value.currency)
    month = deal.expected_close_date.strftime("%Y-%m")
    return {month: Counter({count_key: 1, value_key: amount, weighted_key: amount * deal.probability})}


def delta(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """Non-zero differences only, so an unchanged stat costs no write."""
    keys = set(before) | set(after)
    changes = {key: after.get(key, 0) - before.get(key, 0) for key in keys}
    return {key: change for key, change in sorted(changes.items()) if change}


def forecast_delta(before: MonthCounters, after: MonthCounters) -> dict[str, dict[str, int]]:
    """The delta of each month that changes, months in order: at most two (a deal leaves one month for
    another), none when the forecast is untouched."""
    months = {month: delta(before.get(month, Counter()), after.get(month, Counter())) for month in {*before, *after}}
    return {month: changes for month, changes in sorted(months.items()) if changes}


# -- reading the counters back ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CurrencyTotals:
    currency: str
    count: int
    value: int
    weighted: int = 0  # forecast only: value x probability, in hundredths of the currency's minor unit


def stage_counts(counters: Counter[str]) -> dict[str, int]:
    """Live deals per stage, every stage named (0 when it has none)."""
    return {stage.value: counters[stage_key(stage.value)] for stage in Stage}


def open_values(counters: Counter[str]) -> dict[str, dict[str, int]]:
    """Open value per stage per currency, in name order; a stage or currency whose value is 0 is left out."""
    values: dict[str, dict[str, int]] = {}
    for name, amount in sorted(counters.items()):
        if name.startswith("open#") and amount:
            _, stage, currency = name.split("#")
            values.setdefault(stage, {})[currency] = amount
    return values


def won_totals(counters: Counter[str]) -> list[CurrencyTotals]:
    """Won deals and revenue per currency, currencies in order; a currency with no won deal left is no row."""
    rows = []
    for currency in sorted({name.split("#")[1] for name in counters if name.startswith("won#")}):
        count_key, value_key = won_keys(currency)
        if counters[count_key]:
            rows.append(CurrencyTotals(currency, counters[count_key], counters[value_key]))
    return rows


def forecast_rows(month: Counter[str]) -> list[CurrencyTotals]:
    """One month's forecast per currency, currencies in order; a currency that has left the month holds
    zeros there and is no row."""
    rows = []
    for currency in sorted({name.split("#")[0] for name in month}):
        count_key, value_key, weighted_key = forecast_keys(currency)
        if month[count_key]:
            rows.append(CurrencyTotals(currency, month[count_key], month[value_key], month[weighted_key]))
    return rows
