"""Moto-backed AWS resources, created from template.yaml and its nested stacks (read as one) so tests and
deployment share one truth."""

from __future__ import annotations

import copy
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import boto3

from local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TABLE = "sales-test"
BILLING_TABLE = "billing-test"
BUS = "sales-test-bus"
IDEMPOTENCY_TABLE = "sales-test-idempotency"
# What a function of each context sees beyond the shared test variables (tests/conftest.py): its own table and
# event source, as its stack's Globals give it. Both contexts share the test idempotency table.
CONTEXT_ENVIRONMENTS: dict[str, dict[str, str]] = {
    "sales": {"TABLE_NAME": TABLE, "EVENT_SOURCE": "sales", "POWERTOOLS_SERVICE_NAME": "sales"},
    "billing": {"TABLE_NAME": BILLING_TABLE, "EVENT_SOURCE": "billing", "POWERTOOLS_SERVICE_NAME": "billing"},
}


_switch = threading.Lock()
_active: dict[str, int] = {}


def use_context(folder: str) -> None:
    """Switch the process to the environment of the context a function folder belongs to ("billing/job_get")."""
    os.environ.update(CONTEXT_ENVIRONMENTS[folder.split("/")[0]])


@contextmanager
def context_of(folder: str) -> Iterator[None]:
    """Run a function of `folder`'s context in its environment, then return to Sales (what the tests' own helpers
    read). Threads may run one context's functions together; both contexts at once is refused, as they would
    change the environment under each other."""
    context = folder.split("/")[0]
    with _switch:
        busy = [name for name, count in _active.items() if count and name != context]
        assert not busy, f"a {context} function runs while {busy} functions do: one context at a time"
        _active[context] = _active.get(context, 0) + 1
        use_context(context)
    try:
        yield
    finally:
        with _switch:
            _active[context] -= 1
            if not _active[context]:
                use_context("sales")


def template() -> dict[str, Any]:
    """template.yaml with its nested stacks inlined: a fresh copy of one parse (parsing the stacks' YAML takes
    a fifth of a second, and the tests ask for it a few thousand times)."""
    return copy.deepcopy(_parsed_template())


@cache
def _parsed_template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def create_table(name: str = TABLE, resource: str = "SalesTable") -> None:
    props = template()["Resources"][resource]["Properties"]
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
        use_context("sales")
        create_table()
        create_table(BILLING_TABLE, "BillingTable")
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
