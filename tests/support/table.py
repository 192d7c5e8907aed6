"""The test's own view of the tables: direct reads of the moto tables, for assertions only (the product never
scans; tests may).

Everything here goes through a client the *test* builds (never the service's cached clients, whose Scan the
suite refuses), so a check such as "nothing was written" does not depend on the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from tests.support.aws import BILLING_TABLE, IDEMPOTENCY_TABLE, TABLE

TABLES = (TABLE, BILLING_TABLE, IDEMPOTENCY_TABLE)
_deserializer = TypeDeserializer()


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB-JSON item as plain Python (numbers as int where integral)."""
    return {name: _plain_value(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_value(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain_value(inner) for inner in value]
    return value


@cache
def own_dynamodb() -> Any:
    """The test's DynamoDB client: not kernel.clients (whose Scan the suite refuses). moto's mock
    hooks every botocore client, so one client serves every mocked account."""
    return boto3.client("dynamodb", region_name="eu-west-1")


def scan(table: str = TABLE) -> list[dict[str, Any]]:
    """Every item of `table`, read by a paginated Scan through the test's own client."""
    items: list[dict[str, Any]] = []
    for page in own_dynamodb().get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(plain(item) for item in page["Items"])
    return items


def partition(pk: str, sk_prefix: str | None = None) -> list[dict[str, Any]]:
    condition = "PK = :pk"
    values: dict[str, Any] = {":pk": {"S": pk}}
    if sk_prefix:
        condition += " AND begins_with(SK, :prefix)"
        values[":prefix"] = {"S": sk_prefix}
    items: list[dict[str, Any]] = []
    for page in (
        own_dynamodb()
        .get_paginator("query")
        .paginate(
            TableName=TABLE, KeyConditionExpression=condition, ExpressionAttributeValues=values, ConsistentRead=True
        )
    ):
        items.extend(plain(raw) for raw in page.get("Items", []))
    return items


def deal_item(deal_id: str) -> dict[str, Any] | None:
    found = own_dynamodb().get_item(
        TableName=TABLE, Key={"PK": {"S": f"DEAL#{deal_id}"}, "SK": {"S": "DEAL"}}, ConsistentRead=True
    )
    return plain(found["Item"]) if "Item" in found else None


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


def _canonical_items(table: str) -> list[str]:
    """Every item of `table` as canonical JSON. Read from moto's in-memory table when the test runs under the
    mock (the same items a Scan returns, without serializing every page through botocore: the hostile-input and
    authorization suites take two snapshots per request), else by a Scan through the test's own client."""
    stored = _moto_table(table)
    if stored is None:
        return [json.dumps(item, sort_keys=True, default=str) for item in scan(table)]
    return [json.dumps(item.to_json(), sort_keys=True, default=str) for item in stored.all_items()]


def _moto_table(table: str) -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    region = own_dynamodb().meta.region_name
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
    return backend.tables.get(table)


@dataclass(frozen=True)
class Snapshot:
    """Every item of every table, canonically ordered: equal snapshots mean nothing was written."""

    items: dict[str, tuple[str, ...]]

    @classmethod
    def take(cls) -> Snapshot:
        return cls({table: tuple(sorted(_canonical_items(table))) for table in TABLES})

    def counts(self) -> dict[str, int]:
        return {table: len(items) for table, items in self.items.items()}

    def diff(self, other: Snapshot) -> dict[str, dict[str, list[str]]]:
        result = {}
        for table in TABLES:
            before, after = set(self.items[table]), set(other.items[table])
            if before != after:
                result[table] = {"removed": sorted(before - after), "added": sorted(after - before)}
        return result


@contextmanager
def nothing_written() -> Iterator[None]:
    """Assert the block leaves every item of every table exactly as it was (no state, outbox row, counter or
    idempotency record)."""
    before = Snapshot.take()
    yield
    after = Snapshot.take()
    assert after == before, f"tables changed: {before.diff(after)}"


def wipe() -> None:
    """Delete every item of every table (the test's own client): a clean account without re-creating it."""
    client = own_dynamodb()
    for table in TABLES:
        key_names = [key["AttributeName"] for key in client.describe_table(TableName=table)["Table"]["KeySchema"]]
        for page in client.get_paginator("scan").paginate(
            TableName=table,
            ProjectionExpression=", ".join(f"#k{index}" for index in range(len(key_names))),
            ExpressionAttributeNames={f"#k{index}": name for index, name in enumerate(key_names)},
        ):
            for start in range(0, len(page["Items"]), 25):
                chunk = page["Items"][start : start + 25]
                client.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": item}} for item in chunk]})
