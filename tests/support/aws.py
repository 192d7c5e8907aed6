"""Moto-backed AWS resources, created from template.yaml so tests and deployment share one truth."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import boto3

from local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TABLE = "sales-test"
BUS = "sales-test-bus"
IDEMPOTENCY_TABLE = "sales-test-idempotency"


@cache
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def create_table(name: str = TABLE) -> None:
    props = template()["Resources"]["SalesTable"]["Properties"]
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=name,
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in props["GlobalSecondaryIndexes"]
        ],
        StreamSpecification={
            "StreamEnabled": True,
            "StreamViewType": props["StreamSpecification"]["StreamViewType"],
        },
    )


def create_idempotency_table(name: str = IDEMPOTENCY_TABLE) -> None:
    props = template()["Resources"]["IdempotencyTable"]["Properties"]
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
        BillingMode="PAY_PER_REQUEST",
    )


def create_bus(name: str = BUS) -> None:
    boto3.client("events").create_event_bus(Name=name)
