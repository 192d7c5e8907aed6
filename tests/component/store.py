"""Direct reads of the moto table, for assertions only (the product never scans; tests may)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from tests.support.aws import TABLE

_deserializer = TypeDeserializer()


def _plain(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in raw.items()}


def all_items() -> list[dict[str, Any]]:
    """Every item of the table (paginated scan), sorted by key so snapshots compare equal."""
    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
        items.extend(_plain(raw) for raw in page.get("Items", []))
    return sorted(items, key=lambda item: (item["PK"], item["SK"]))


def partition(pk: str, sk_prefix: str | None = None) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    condition = "PK = :pk"
    values: dict[str, Any] = {":pk": {"S": pk}}
    if sk_prefix:
        condition += " AND begins_with(SK, :prefix)"
        values[":prefix"] = {"S": sk_prefix}
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("query").paginate(
        TableName=TABLE, KeyConditionExpression=condition, ExpressionAttributeValues=values, ConsistentRead=True
    ):
        items.extend(_plain(raw) for raw in page.get("Items", []))
    return items


def outbox(pk: str) -> list[dict[str, Any]]:
    """Outbox rows of one aggregate partition, oldest first, with `data` decoded as `payload`."""
    rows = partition(pk, "OUTBOX#")
    for row in rows:
        row["payload"] = json.loads(row["data"])
    return rows


def deal_outbox(deal_id: str) -> list[dict[str, Any]]:
    return outbox(f"DEAL#{deal_id}")


def contact_outbox(contact_id: str) -> list[dict[str, Any]]:
    return outbox(f"CONTACT#{contact_id}")


def event_types(rows: list[dict[str, Any]]) -> list[str]:
    return [row["event_type"] for row in rows]


def all_outbox_rows() -> list[dict[str, Any]]:
    return [item for item in all_items() if str(item["SK"]).startswith("OUTBOX#")]


@contextmanager
def nothing_written() -> Iterator[None]:
    """Assert the block leaves every item of the table exactly as it was (no state, outbox or counter)."""
    before = all_items()
    yield
    after = all_items()
    assert after == before, _difference(before, after)


def _difference(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    keys_before = {(item["PK"], item["SK"]): item for item in before}
    keys_after = {(item["PK"], item["SK"]): item for item in after}
    added = sorted(set(keys_after) - set(keys_before))
    removed = sorted(set(keys_before) - set(keys_after))
    changed = sorted(key for key in set(keys_before) & set(keys_after) if keys_before[key] != keys_after[key])
    return f"table changed: added {added}, removed {removed}, changed {changed}"
