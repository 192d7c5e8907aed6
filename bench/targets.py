"""The issue's targets as checks over measured figures: each returns (met, what was measured)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bench.counting import Recording

COLD_START_MAX_RATIO = 1.3
WARM_MAX_RATIO = 1.5
# `make dev` after 1,000 writes: as fast as at the start (within noise) and not much bigger (the table, its
# outbox rows and their stream records are all it should keep).
GROWTH_MAX_LATENCY_RATIO = 1.5
GROWTH_MAX_RSS_MB = 300
# An item (partition) absorbs at most 1,000 write units a second; the load the issue names.
PARTITION_WCU_PER_SECOND = 1000
DEAL_WRITES_PER_SECOND = 1000
IDEMPOTENCY_WRITES = Counter({"PutItem": 1, "UpdateItem": 1})
READ_OPERATIONS = {"GetItem", "BatchGetItem", "Query"}


@dataclass(frozen=True)
class Verdict:
    met: bool
    detail: str


def _only(recording: Recording, allowed: Counter[str]) -> list[str]:
    """What exceeds `allowed` (operation -> at most how many)."""
    problems = []
    for operation, count in recording.by_operation.items():
        if count > allowed.get(operation, 0):
            problems.append(f"{count} {operation}")
    return problems


def request_budget(kind: str, recording: Recording, events: int = 0) -> Verdict:
    """The per-operation request budget of `kind` (see bench/operations.py)."""
    ops = recording.by_operation
    reads = sum(count for name, count in ops.items() if name in READ_OPERATIONS)
    if ops.get("Scan"):
        return Verdict(False, "issues a Scan")
    if kind == "command":
        extra = _only(recording, Counter({"GetItem": 1, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}))
        ok = not extra and reads <= 1 and ops.get("TransactWriteItems", 0) <= 1
        return Verdict(ok, "<= 1 read + 1 TransactWriteItems")
    if kind == "win":
        # A win also reads the customer: deal.won carries the customer's bridge as it is at that moment.
        extra = _only(recording, Counter({"GetItem": 2, "TransactWriteItems": 1}))
        ok = not extra and reads <= 2 and ops.get("TransactWriteItems", 0) <= 1
        return Verdict(ok, "the deal + its customer (2 GetItem) + 1 TransactWriteItems")
    if kind == "quote":
        # A quote reads the deal with the year's number sequence (one BatchGetItem), then the customer's name
        # with the reseller's tier (another), and writes once; a lost race for a number reads the sequence again.
        extra = _only(recording, Counter({"BatchGetItem": 2, "TransactWriteItems": 1}))
        ok = not extra and ops.get("TransactWriteItems", 0) <= 1
        return Verdict(ok, "2 BatchGetItem + 1 TransactWriteItems")
    if kind == "invoice":
        # An invoice reads its job with the year's number sequence (one BatchGetItem) and writes once (the
        # invoice, the sequence step, the job, the counters); a lost race for a number reads both again.
        extra = _only(recording, Counter({"BatchGetItem": 1, "TransactWriteItems": 1}))
        return Verdict(not extra and ops.get("TransactWriteItems", 0) == 1, "1 BatchGetItem + 1 TransactWriteItems")
    if kind == "void":
        # The invoice, then the job it releases, in one write.
        extra = _only(recording, Counter({"GetItem": 2, "TransactWriteItems": 1}))
        return Verdict(not extra and ops.get("TransactWriteItems", 0) == 1, "2 GetItem + 1 TransactWriteItems")
    if kind == "keyed":
        allowed = Counter({"GetItem": 1, "BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}) + IDEMPOTENCY_WRITES
        ok = not _only(recording, allowed) and reads <= 1
        return Verdict(ok, "<= 1 read + 1 TransactWriteItems + idempotency PutItem, UpdateItem")
    if kind == "get":
        return Verdict(ops == Counter({"GetItem": 1}), "1 GetItem")
    if kind == "timeline":
        # The record with its timeline counter (one BatchGetItem), then one Query of the timeline's own index
        # partition: the same whatever the table or the timeline holds.
        return Verdict(ops == Counter({"BatchGetItem": 1, "Query": 1}), "1 BatchGetItem + 1 Query")
    if kind == "forward":
        # The conversation, one Query of its messages (the latest, or the thread), one write.
        extra = _only(recording, Counter({"GetItem": 1, "Query": 1, "TransactWriteItems": 1}))
        return Verdict(not extra, "1 GetItem + 1 Query + 1 TransactWriteItems")
    if kind == "list":
        # The all-deals and status/stage lists are write-sharded (sales.keys.DEAL_INDEX_SHARDS), so that no index
        # partition key takes every deal write: their page is one Query per shard, merged in memory. A fixed
        # number still, whatever the table holds; other lists read one partition (one page read).
        from sales.keys import DEAL_INDEX_SHARDS

        page_reads, total_reads = DEAL_INDEX_SHARDS, 1
        ok = (
            reads == recording.requests
            and recording.requests <= page_reads + total_reads
            and ops.get("Query", 0) <= page_reads + total_reads
        )
        return Verdict(ok, f"<= {page_reads} page reads + <= {total_reads} total read")
    if kind == "graph":
        # The network: the root, one Query per contact it expands and one BatchGetItem per level and 100
        # contacts it adds (docs/data-model.md, Network request budget): it follows the contacts returned,
        # bounded by their limit (at most 500) and the depth (at most 3), never by the table.
        from sales.contact.network import MAX_DEPTH, MAX_LIMIT

        batches = MAX_DEPTH + MAX_LIMIT // 100
        ok = (
            reads == recording.requests
            and ops.get("GetItem", 0) == 1
            and ops.get("Query", 0) <= MAX_LIMIT
            and ops.get("BatchGetItem", 0) <= batches
        )
        return Verdict(ok, f"1 GetItem + <= 1 Query per contact shown + <= {batches} BatchGetItem")
    if kind == "duplicates":
        # The contact, one Query per phone (at most 10), business domain (at most 11) and its name, then the
        # look-alikes (at most 25 each) in BatchGetItems of 100: bounded by the contact's own data.
        ok = (
            reads == recording.requests
            and ops.get("GetItem", 0) == 1
            and ops.get("Query", 0) <= 22
            and ops.get("BatchGetItem", 0) <= 6
        )
        return Verdict(ok, "1 GetItem + <= 22 Query + <= 6 BatchGetItem")
    if kind == "stats":
        # Two, not one: the forecast reads 4 small items per month of its window, and its longest window
        # (36 months, 144 keys) needs two BatchGetItems of at most 100 keys. Still set by the window alone,
        # never by the number of deals; pipeline and won stats stay one BatchGetItem (pinned per operation).
        ok = reads == recording.requests and recording.requests <= 2
        return Verdict(ok, "<= 2 reads (constant: 1 for pipeline/won, 1-2 for a forecast window)")
    if kind == "history":
        return Verdict(ops == Counter({"Query": 1}), "1 Query")
    if kind == "relay":
        expected = math.ceil(events / 10)
        return Verdict(ops == Counter({"PutEvents": expected}), f"{expected} PutEvents for {events} events")
    return Verdict(True, "no budget (reported)")


def same_cost(small: Recording, large: Recording) -> Verdict:
    same = small.by_operation == large.by_operation and small.items_read == large.items_read
    return Verdict(same, f"{small.summary()} / {small.items_read} items at both sizes")
