"""The transactional outbox, both ends: the rows a command writes with its state, and the relay that turns
their stream records into EventBridge entries.

Delivery is at-least-once: an entry that keeps failing is reported as a batch item failure, so Lambda retries
from it (events after it may be published twice; consumers dedupe on event_id).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import keys
from kernel.dynamodb.codec import Item, from_attributes
from kernel.events import RecordedEvent
from kernel.ids import new_id
from kernel.settings import settings

# Rows only need to live until the relay has read them from the stream (24 h retention).
RETENTION = timedelta(days=2)


def outbox_items(
    aggregate_pk: str, aggregate_type: str, version: int, events: list[RecordedEvent], ctx: RequestContext
) -> list[Item]:
    """A command's events as rows of its own transaction; `source` is the context that owns the table."""
    return [
        {
            **keys.outbox(aggregate_pk, version, index),
            "type": "OutboxEvent",
            "event_id": new_id(),
            "event_type": event.event_type,
            "event_version": event.event_version,
            "source": settings().event_source,
            "occurred_at": to_rfc3339(ctx.now),
            "actor": ctx.actor,
            "correlation_id": ctx.correlation_id,
            "aggregate_type": aggregate_type,
            "aggregate_id": event.aggregate_id,
            "aggregate_version": version,
            # A JSON string, not a map: the payload reaches the bus byte for byte as recorded.
            # UTF-8 as is (ensure_ascii off): a non-Latin message body takes its bytes, not six per character.
            "data": json.dumps(event.data, separators=(",", ":"), sort_keys=True, ensure_ascii=False),
            "expires_at": int((ctx.now + RETENTION).timestamp()),
        }
        for index, event in enumerate(events)
    ]


# -- relay -----------------------------------------------------------------------------------------------
Publish = Callable[[list[dict[str, Any]]], list[str | None]]
CHUNK = 10  # PutEvents takes at most 10 entries
# ...and 256 KB in all, counted as EventBridge does (Source, DetailType, Detail, Resources in UTF-8, plus 14
# bytes of Time): a few large events (a long message body) go in a call of their own.
CHUNK_BYTES = 256 * 1024
ATTEMPTS = 3
METADATA_FIELDS = (
    "event_id",
    "event_type",
    "event_version",
    "occurred_at",
    "actor",
    "correlation_id",
    "aggregate_id",
    "aggregate_version",
)


class MalformedOutboxRow(ValueError):
    pass


@dataclass(frozen=True)
class Pending:
    sequence_number: str
    entry: dict[str, Any]


def envelope(row: dict[str, Any]) -> dict[str, Any]:
    """The bus `detail`: metadata for routing, dedupe and tracing; data exactly as recorded."""
    try:
        metadata = {name: row[name] for name in METADATA_FIELDS}
        data = json.loads(row["data"])
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedOutboxRow(str(error)) from error
    return {"metadata": metadata, "data": data}


def to_entry(row: dict[str, Any], bus_name: str) -> dict[str, Any]:
    detail = envelope(row)
    return {
        "Source": row["source"],
        "DetailType": row["event_type"],
        "Detail": json.dumps(detail, separators=(",", ":"), ensure_ascii=False),
        "EventBusName": bus_name,
        "Time": from_rfc3339(row["occurred_at"]),
        "Resources": [],
    }


def is_outbox_insert(record: dict[str, Any]) -> bool:
    record_keys = (record.get("dynamodb") or {}).get("Keys") or {}
    sort_key = (record_keys.get("SK") or {}).get("S", "")
    return record.get("eventName") == "INSERT" and sort_key.startswith(keys.OUTBOX)


def relay(
    records: list[dict[str, Any]],
    *,
    bus_name: str,
    publish: Publish,
    on_malformed: Callable[[dict[str, Any], Exception], None],
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Publish every outbox insert in `records`; return the sequence numbers that failed."""
    pending: list[Pending] = []
    failed: list[str] = []
    for record in records:
        if not is_outbox_insert(record):
            continue
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            row = from_attributes(record["dynamodb"]["NewImage"])
            pending.append(Pending(sequence_number, to_entry(row, bus_name)))
        except (KeyError, MalformedOutboxRow) as error:
            on_malformed(record, error)
            failed.append(sequence_number)
    for chunk in _chunks(pending):
        failed.extend(_publish_chunk(chunk, publish, sleep))
    return failed


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as PutEvents counts it against its 256 KB limit."""
    text = (entry.get("Source", ""), entry.get("DetailType", ""), entry.get("Detail", ""), *entry.get("Resources", []))
    return 14 + sum(len(part.encode("utf-8")) for part in text)


def _chunks(pending: list[Pending]) -> list[list[Pending]]:
    """In order, at most CHUNK entries and CHUNK_BYTES a call."""
    chunks: list[list[Pending]] = []
    size = 0
    for item in pending:
        item_size = entry_size(item.entry)
        if not chunks or len(chunks[-1]) == CHUNK or size + item_size > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return chunks


def _publish_chunk(chunk: list[Pending], publish: Publish, sleep: Callable[[float], None]) -> list[str]:
    remaining = chunk
    for attempt in range(ATTEMPTS):
        if attempt:
            sleep(0.1 * 2**attempt)
        outcome = publish([item.entry for item in remaining])
        remaining = [item for item, error in zip(remaining, outcome, strict=True) if error is not None]
        if not remaining:
            return []
    return [item.sequence_number for item in remaining]
