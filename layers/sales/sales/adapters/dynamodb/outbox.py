"""Outbox rows: a command's events, written in its transaction, relayed later from the stream."""

from __future__ import annotations

import json
from datetime import timedelta

from sales.adapters.dynamodb import keys
from sales.adapters.dynamodb.codec import Item
from sales.application.context import RequestContext
from sales.domain.clock import to_rfc3339
from sales.domain.events import DomainEvent
from sales.domain.ids import new_id

SOURCE = "sales"
# Rows only need to live until the relay has read them from the stream (24 h retention).
RETENTION = timedelta(days=2)


def outbox_items(
    aggregate_pk: str, aggregate_type: str, version: int, events: list[DomainEvent], ctx: RequestContext
) -> list[Item]:
    return [
        {
            **keys.outbox(aggregate_pk, version, index),
            "type": "OutboxEvent",
            "event_id": new_id(),
            "event_type": event.event_type,
            "event_version": event.event_version,
            "source": SOURCE,
            "occurred_at": to_rfc3339(ctx.now),
            "actor": ctx.actor,
            "correlation_id": ctx.correlation_id,
            "aggregate_type": aggregate_type,
            "aggregate_id": event.aggregate_id,
            "aggregate_version": version,
            # A JSON string, not a map: the payload reaches the bus byte for byte as recorded.
            "data": json.dumps(event.data, separators=(",", ":"), sort_keys=True),
            "expires_at": int((ctx.now + RETENTION).timestamp()),
        }
        for index, event in enumerate(events)
    ]
