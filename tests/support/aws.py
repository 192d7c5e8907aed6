"""Moto-backed AWS resources, created from template.yaml and its nested stacks (read as one) so tests and
deployment share one truth."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
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


def queue_behind_rule(rule_name: str, pattern: dict[str, Any], queue_name: str) -> str:
    """A new SQS queue, the target of a new rule on the bus matching `pattern`; returns the queue URL."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = boto3.client("events")
    events.put_rule(Name=rule_name, EventBusName=BUS, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule_name, EventBusName=BUS, Targets=[{"Id": "queue", "Arn": arn}])
    return str(url)


def drain(url: str) -> list[dict[str, Any]]:
    """Every message waiting on the queue, as the JSON of its body; each is deleted once read."""
    sqs = boto3.client("sqs")
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def _no_scan(**_kwargs: object) -> None:
    raise AssertionError("the service issued a DynamoDB Scan: request paths must query an index or a key")


@contextmanager
def sales_world() -> Iterator[None]:
    """A fresh moto account with the template's table, idempotency table and bus, and fresh clients.

    Every test in it doubles as a check that no request path scans the table."""
    from moto import mock_aws

    from kernel import clients
    from kernel.http import idempotency
    from local import moto_fixes

    moto_fixes.install()
    moto_fixes.forget_tokens()
    with mock_aws():
        clients.reset()
        idempotency.reset()
        create_table()
        create_idempotency_table()
        create_bus()
        # The sender address outgoing email leaves from, verified (moto verifies an identity on creation).
        boto3.client("sesv2").create_email_identity(EmailIdentity=os.environ["EMAIL_SENDER"])
        clients.dynamodb().meta.events.register("before-call.dynamodb.Scan", _no_scan)
        try:
            yield
        finally:
            clients.reset()
            idempotency.reset()
