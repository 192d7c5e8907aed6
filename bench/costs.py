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
    shard_bytes: list[int]
    deal_bytes: int
    wcu_per_update: int  # transactional ADD to one shard: 2 x ceil(size / 1 KB)
    writes_per_shard_mean: float
    writes_per_shard_max: int  # busiest shard in the busiest simulated second
    seconds: int  # simulated

    @property
    def busiest_shard_wcu(self) -> int:
        return self.writes_per_shard_max * self.wcu_per_update


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


def hot_item(world: World, seconds: int = 200) -> HotItem:
    import boto3

    from kernel.dynamodb.transaction import pick_shard
    from kernel.settings import settings
    from sales import keys

    client = boto3.client("dynamodb")
    table, shards = settings().table_name, settings().stats_shards
    sizes = []
    for shard in range(shards):
        key = {name: {"S": value} for name, value in keys.stats_shard(keys.DEAL_STATS, shard).items()}
        item = client.get_item(TableName=table, Key=key).get("Item") or {}
        sizes.append(item_bytes(item))
    deal_key = {name: {"S": value} for name, value in keys.deal(world.seeded.deals[0]).items()}
    deal_size = item_bytes(client.get_item(TableName=table, Key=deal_key)["Item"])
    # Where 1,000 deal writes a second land, with the store's own shard choice, over `seconds` seconds.
    random.seed(20261126)
    busiest = 0
    for _second in range(seconds):
        landed = Counter(pick_shard(shards) for _ in range(1000))
        busiest = max(busiest, max(landed.values()))
    return HotItem(
        shards=shards,
        shard_bytes=sizes,
        deal_bytes=deal_size,
        wcu_per_update=2 * math.ceil(max(sizes) / 1024),
        writes_per_shard_mean=1000 / shards,
        writes_per_shard_max=busiest,
        seconds=seconds,
    )
