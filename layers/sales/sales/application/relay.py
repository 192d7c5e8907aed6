"""The outbox relay: stream records of outbox rows -> EventBridge entries (SPEC §4 envelope).

Delivery is at-least-once: an entry that keeps failing is reported as a batch item failure, so
Lambda retries from it (events after it may be published twice; consumers dedupe on event_id).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sales.adapters.dynamodb.codec import from_attributes
from sales.adapters.dynamodb.keys import OUTBOX
from sales.domain.clock import from_rfc3339

Publish = Callable[[list[dict[str, Any]]], list[str | None]]
CHUNK = 10
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
        "Source": row.get("source", "sales"),
        "DetailType": row["event_type"],
        "Detail": json.dumps(detail, separators=(",", ":")),
        "EventBusName": bus_name,
        "Time": from_rfc3339(row["occurred_at"]),
        "Resources": [],
    }


def is_outbox_insert(record: dict[str, Any]) -> bool:
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    sort_key = (keys.get("SK") or {}).get("S", "")
    return record.get("eventName") == "INSERT" and sort_key.startswith(OUTBOX)


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
    for start in range(0, len(pending), CHUNK):
        failed.extend(_publish_chunk(pending[start : start + CHUNK], publish, sleep))
    return failed


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
