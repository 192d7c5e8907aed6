"""Read the moto table stream and deliver it the way Lambda's event source mapping would.

moto 5.2 cannot serve DescribeStream to botocore 1.44 clients (the stream API is signed as
`dynamodb` now), so the records are read from moto's backend, where the stream lives anyway.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from kernel.dynamodb.outbox import envelope
from tests.support.aws import TABLE, template
from tests.support.table import plain

REGION = "eu-west-1"


def stream_records(table: str = TABLE) -> list[dict[str, Any]]:
    """Every record on the table stream so far, oldest first, as Lambda receives them."""
    source = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table)
    arn = source.latest_stream_label and f"{source.table_arn}/stream/{source.latest_stream_label}"
    records = []
    for record in source.stream_shard.items:
        event = record.to_json()
        event["eventSource"] = "aws:dynamodb"
        event["eventSourceARN"] = arn
        records.append(event)
    return records


def outbox_rows(table: str = TABLE) -> list[dict[str, Any]]:
    """The outbox rows the table stream carried so far (what the relay reads), oldest first."""
    rows = []
    for record in stream_records(table):
        keys = record["dynamodb"]["Keys"]
        if record["eventName"] == "INSERT" and keys["SK"]["S"].startswith("OUTBOX#"):
            rows.append(plain(record["dynamodb"]["NewImage"]))
    return rows


def events_of(aggregate_id: str, event_type: str | None = None, table: str = TABLE) -> list[dict[str, Any]]:
    """The outbox rows of one aggregate the stream carried so far (of `event_type`, when given)."""
    return [
        row
        for row in outbox_rows(table)
        if row["aggregate_id"] == aggregate_id and (event_type is None or row["event_type"] == event_type)
    ]


@cache
def _relay_filters() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(event names, SK prefix) of each filter of the relay's FilterCriteria in template.yaml."""
    properties = template()["Resources"]["SalesOutboxRelayFunction"]["Properties"]
    stream_event = next(e for e in properties["Events"].values() if e["Type"] == "DynamoDB")
    filters = []
    for item in stream_event["Properties"]["FilterCriteria"]["Filters"]:
        pattern = json.loads(item["Pattern"]) if isinstance(item["Pattern"], str) else item["Pattern"]
        filters.append((tuple(pattern["eventName"]), pattern["dynamodb"]["Keys"]["SK"]["S"][0]["prefix"]))
    return tuple(filters)


def outbox_filter_matches(record: dict[str, Any]) -> bool:
    """The relay's FilterCriteria from template.yaml, applied like Lambda does (INSERT + SK prefix)."""
    return any(
        record.get("eventName") in names and record["dynamodb"]["Keys"]["SK"]["S"].startswith(prefix)
        for names, prefix in _relay_filters()
    )


def relay_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": [record for record in records if outbox_filter_matches(record)]}


def bus_event(row: dict[str, Any]) -> dict[str, Any]:
    """The EventBridge event a rule delivers for an outbox row, as the relay publishes it."""
    return {
        "version": "0",
        "id": f"bus-{row['event_id']}",
        "source": row["source"],
        "detail-type": row["event_type"],
        "time": row["occurred_at"],
        "detail": envelope(row),
    }
