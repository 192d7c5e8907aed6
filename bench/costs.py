"""Requests, items read and latency of every operation on a seeded table; hot items; warm overhead.

Runs in this process against moto (call `bench.env.configure()` first). Each case runs `iterations` times:
the first run gives the counts (they are deterministic), the later ones the warm latency.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench.counting import Recording
from bench.operations import CASES, Case, relay_records
from bench.world import World


@dataclass
class CaseResult:
    case: Case
    recording: Recording  # of the first run
    handler_seconds: list[float] = field(default_factory=list)  # warm runs
    call_seconds: list[float] = field(default_factory=list)  # warm runs: time inside AWS calls

    @property
    def latency(self) -> float | None:
        return statistics.median(self.handler_seconds) if self.handler_seconds else None

    @property
    def overhead(self) -> float | None:
        """Handler time over the time of the AWS calls it made (median of per-run ratios)."""
        ratios = [total / calls for total, calls in zip(self.handler_seconds, self.call_seconds, strict=True) if calls]
        return statistics.median(ratios) if ratios else None


@dataclass
class HotItem:
    shards: int
    shard_bytes: list[int]  # the pipeline shards
    deal_bytes: int
    wcu_per_update: int  # transactional ADD to one pipeline shard: 2 x ceil(size / 1 KB)
    writes_per_shard_mean: float
    writes_per_shard_max: int  # busiest pipeline shard in the busiest simulated second
    seconds: int  # simulated
    # Forecast items (`STATS#DEAL#FORECAST#<month>#<nn>`), per month of the longest window from this month.
    forecast_shards: int = 0
    forecast_items: int = 0  # found
    forecast_bytes: int = 0  # the largest
    forecast_wcu_per_update: int = 0  # transactional ADD to it: 2 x ceil(size / 1 KB)
    # Busiest forecast shard in the busiest simulated second, in the worst case: every deal write lands in
    # the same month (a quarter-end everyone forecasts), so one month's shards take them all.
    forecast_writes_per_shard_max: int = 0
    writes_per_second: int = 1000  # the simulated deal write rate
    # The newest-first list is write-sharded (sales.keys.DEAL_INDEX_SHARDS): its busiest shard in any second.
    list_shards: int = 1
    list_shard_writes_max: int = 0

    @property
    def busiest_shard_wcu(self) -> int:
        return self.writes_per_shard_max * self.wcu_per_update

    @property
    def busiest_forecast_wcu(self) -> int:
        return self.forecast_writes_per_shard_max * self.forecast_wcu_per_update

    @property
    def busiest_item_wcu(self) -> int:
        """WCU/s of the busiest counter item at the simulated rate, pipeline shard or forecast item."""
        return max(self.busiest_shard_wcu, self.busiest_forecast_wcu)

    @property
    def list_index_wcu_per_write(self) -> int:
        """A deal write rewrites its entry in its newest-first list shard (projection ALL): 1 WCU per KB of it."""
        return math.ceil(self.deal_bytes / 1024)

    @property
    def list_index_wcu(self) -> int:
        """WCU/s the busiest newest-first list shard takes at the simulated rate (new deals, ids minted per write)."""
        return self.list_shard_writes_max * self.list_index_wcu_per_write


@dataclass
class SizeRun:
    deals: int
    results: dict[str, CaseResult] = field(repr=False)  # a failing test shows the summary, not every call
    relay: Recording = field(repr=False)
    relay_events: int = 0
    hot: HotItem | None = None
    seed_seconds: float = 0.0


def run(deals: int, iterations: int, *, cases: tuple[Case, ...] = CASES, hot_items: bool = False) -> SizeRun:
    import time

    with World() as world:
        started = time.perf_counter()
        world.seed(deals)
        seed_seconds = time.perf_counter() - started
        results: dict[str, CaseResult] = {}
        for case in cases:
            first = case.run(world, 0)
            result = CaseResult(case, first.recording)
            for iteration in range(1, iterations):
                invocation = case.run(world, iteration)
                result.handler_seconds.append(invocation.seconds)
                result.call_seconds.append(invocation.recording.call_seconds)
            results[case.label] = result
        records = relay_records(world)
        relay = world.relay(records)
        assert relay.body == {"batchItemFailures": []}, relay.body
        hot = hot_item(world) if hot_items else None
    return SizeRun(deals, results, relay.recording, len(records), hot, seed_seconds)


# -- hot items ---------------------------------------------------------------------------------------
def item_bytes(attributes: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits + 1)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in attributes.items())


def _value_bytes(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = len(str(Decimal(inner).normalize()).lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(key.encode()) + _value_bytes(item) + 1 for key, item in inner.items())
    if kind == "L":
        return 3 + sum(_value_bytes(item) + 1 for item in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_bytes({kind[0]: item}) for item in inner)
    return 0


def _wcu_per_transactional_update(size: int) -> int:
    return 2 * math.ceil(max(size, 1) / 1024)


def hot_item(world: World, seconds: int = 200, writes_per_second: int = 1000) -> HotItem:
    import boto3

    from kernel.clock import add_months
    from kernel.dynamodb.transaction import pick_shard
    from kernel.settings import settings
    from sales import keys
    from sales.deal.use_cases import FORECAST_MAX_MONTHS

    client = boto3.client("dynamodb")
    table, shards = settings().table_name, settings().stats_shards

    def raw(key: dict[str, str]) -> dict[str, Any]:
        attributes = {name: {"S": value} for name, value in key.items()}
        return client.get_item(TableName=table, Key=attributes).get("Item") or {}

    sizes = [item_bytes(raw(keys.stats_shard(keys.DEAL_STATS, shard))) for shard in range(shards)]
    deal_size = item_bytes(raw(keys.deal(world.seeded.deals[0])))
    # Every forecast item the benchmark table can hold: its close dates are within the longest window.
    first = datetime.now(UTC).strftime("%Y-%m")
    forecast = [
        item
        for offset in range(FORECAST_MAX_MONTHS)
        for shard in range(keys.FORECAST_SHARDS)
        if (item := raw(keys.deal_forecast_shard(add_months(first, offset), shard)))
    ]
    forecast_bytes = max((item_bytes(item) for item in forecast), default=0)
    # Where `writes_per_second` deal writes land, with the store's own shard choices, over `seconds` seconds:
    # each write ADDs to one pipeline shard and (worst case: all in one month) to one of that month's items.
    random.seed(20261126)
    busiest = busiest_forecast = 0
    for _second in range(seconds):
        landed: Counter[int] = Counter()
        landed_forecast: Counter[int] = Counter()
        for _write in range(writes_per_second):
            landed[pick_shard(shards)] += 1
            landed_forecast[pick_shard(keys.FORECAST_SHARDS)] += 1
        busiest = max(busiest, max(landed.values()))
        busiest_forecast = max(busiest_forecast, max(landed_forecast.values()))
    return HotItem(
        shards=shards,
        shard_bytes=sizes,
        deal_bytes=deal_size,
        wcu_per_update=_wcu_per_transactional_update(max(sizes)),
        writes_per_shard_mean=writes_per_second / shards,
        writes_per_shard_max=busiest,
        seconds=seconds,
        forecast_shards=keys.FORECAST_SHARDS,
        forecast_items=len(forecast),
        forecast_bytes=forecast_bytes,
        forecast_wcu_per_update=_wcu_per_transactional_update(forecast_bytes),
        forecast_writes_per_shard_max=busiest_forecast,
        writes_per_second=writes_per_second,
        list_shards=keys.DEAL_INDEX_SHARDS,
        list_shard_writes_max=_busiest_list_shard(seconds, writes_per_second),
    )


def _busiest_list_shard(seconds: int, writes_per_second: int) -> int:
    """Writes the busiest newest-first list shard takes in any simulated second: new deals, each with the id
    the service would mint, placed by the store's own shard function."""
    from kernel.ids import new_id
    from sales import keys

    busiest = 0
    for _second in range(seconds):
        landed = Counter(keys.deal_index_shard(new_id()) for _write in range(writes_per_second))
        busiest = max(busiest, max(landed.values()))
    return busiest
