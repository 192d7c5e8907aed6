"""The keys every context's table shares: outbox rows, command records, consumed-event claims and counter
shards; and how an index partition key is write-sharded.

A context's own keys (its aggregates and their indexes) live in its `keys` module; this one holds only what
the kernel's repository, outbox, queries and event consumers write themselves.
"""

from __future__ import annotations

import hashlib

Key = dict[str, str]

OUTBOX = "OUTBOX#"


def outbox(aggregate_pk: str, version: int, index: int) -> Key:
    # Same partition as the aggregate: the stream keeps one aggregate's events in order.
    return {"PK": aggregate_pk, "SK": f"{OUTBOX}{version:010d}#{index:02d}"}


def command(command_key: str) -> Key:
    # Hashed: keys are caller-chosen text, the item key stays short and uniform.
    digest = hashlib.sha256(command_key.encode()).hexdigest()
    return {"PK": f"COMMAND#{digest}", "SK": "COMMAND"}


def consumed(consumer: str, event_id: str) -> Key:
    # One claim per consumer and event: two consumers of one event each process it once.
    return {"PK": f"CONSUMED#{consumer}#{event_id}", "SK": "CONSUMED"}


def stats_shard(family: str, shard: int) -> Key:
    return {"PK": f"STATS#{family}#{shard:02d}", "SK": "STATS"}


def index_shard(value: str, shards: int) -> int:
    """The write shard of `value` (an aggregate id) among `shards`: the first 8 bytes of its SHA-256, modulo
    `shards`. Stable across processes and releases (Python's hash() is salted per process), so an item keeps its
    shard for life, and even for ids whose own bits are not random."""
    return int.from_bytes(hashlib.sha256(value.encode()).digest()[:8], "big") % shards


def sharded_partition(partition: str, shard: int) -> str:
    """`<partition>#<shard>`: one of the partition keys an index partition is spread over (queries.IndexQuery
    with `shards` reads them all, merged)."""
    return f"{partition}#{shard}"
