"""DynamoDB faults injected into the service's own client: transaction cancellations, conflicts and
throttling. Whatever fails, no aggregate is half-written (state, history, outbox rows and counters commit
together or not at all), a retried command takes effect once, and stats still equal a recount of the lists.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from moto.core.botocore_stubber import MockRawResponse

from kernel import clients
from kernel.commands import MAX_ATTEMPTS
from tests.reliability.support import (
    Snapshot,
    assert_stats_match_a_recount,
    client_error,
    events_of,
    inject,
    recording,
    transaction_canceled,
)
from tests.support.api import Api

MONTHS = (date.today().strftime("%Y-%m"), (date.today() + timedelta(days=800)).strftime("%Y-%m"))
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


TRANSIENT = {
    "canceled-transaction-conflict": lambda: transaction_canceled("None", "None", "TransactionConflict"),
    "canceled-throttling-error": lambda: transaction_canceled("ThrottlingError", "None"),
    "canceled-version-condition": lambda: transaction_canceled("ConditionalCheckFailed"),
    "transaction-conflict": lambda: client_error("TransactionConflictException", "TransactWriteItems"),
    "throttling": lambda: client_error("ThrottlingException", "TransactWriteItems", "Rate exceeded"),
    "provisioned-throughput": lambda: client_error("ProvisionedThroughputExceededException", "TransactWriteItems"),
}


@pytest.mark.parametrize("fault", sorted(TRANSIENT))
def test_a_transient_write_failure_is_retried_into_exactly_one_write(
    api: Api, deal: dict, no_backoff: list[float], fault: str
) -> None:
    path = f"/sales/deals/{deal['id']}"
    with inject("dynamodb", "TransactWriteItems", TRANSIENT[fault], times=MAX_ATTEMPTS - 1) as injected:
        won = api.post(f"{path}/win", {"note": "after retries"}, headers={"Idempotency-Key": f"win-{fault}"})
    assert won.status == 200, won.body
    assert injected.calls == MAX_ATTEMPTS and len(no_backoff) == MAX_ATTEMPTS - 1
    assert won.data["version"] == 2 and won.data["status"] == "won"
    assert [row["event_type"] for row in events_of(deal["id"])] == ["deal.created", "deal.won"]
    assert_stats_match_a_recount(api, *MONTHS)


@pytest.mark.parametrize("fault", ["canceled-transaction-conflict", "throttling"])
def test_a_write_that_keeps_failing_is_a_409_that_wrote_nothing_and_may_be_retried(
    api: Api, deal: dict, no_backoff: list[float], fault: str
) -> None:
    path = f"/sales/deals/{deal['id']}"
    headers = {"Idempotency-Key": f"keeps-failing-{fault}"}
    before = Snapshot.take()
    with inject("dynamodb", "TransactWriteItems", TRANSIENT[fault], times=MAX_ATTEMPTS):
        refused = api.post(f"{path}/win", {}, headers=headers)
    assert refused.status == 409 and refused.error_code == "CONFLICT", refused.body
    assert Snapshot.take() == before, "nothing written, not even the idempotency record"
    retried = api.post(f"{path}/win", {}, headers=headers)
    assert retried.status == 200 and retried.data["version"] == 2, "the same key runs the command again"
    assert [row["event_type"] for row in events_of(deal["id"])] == ["deal.created", "deal.won"]
    assert_stats_match_a_recount(api, *MONTHS)


def test_an_unexpected_write_failure_is_a_500_that_wrote_nothing_and_may_be_retried(
    api: Api, contact: dict, future: str, no_backoff: list[float]
) -> None:
    body = {
        "customer_id": contact["id"],
        "name": "Faulty",
        "value": 5,
        "currency": "USD",
        "expected_close_date": future,
    }
    headers = {"Idempotency-Key": "server-fault"}
    before = Snapshot.take()
    error = lambda: client_error("InternalServerError", "TransactWriteItems", "boom")  # noqa: E731
    with inject("dynamodb", "TransactWriteItems", error, times=1):
        failed = api.post("/sales/deals", body, headers=headers)
    assert failed.status == 500 and failed.error_code == "INTERNAL_ERROR"
    assert "Traceback" not in json.dumps(failed.body) and "boom" not in json.dumps(failed.body)
    assert Snapshot.take() == before
    created = api.post("/sales/deals", body, headers=headers)
    assert created.status == 201
    assert api.get("/sales/deals").body["pagination"]["total"] == 1
    assert_stats_match_a_recount(api, *MONTHS)


def test_every_command_writes_its_state_events_and_counters_in_one_transaction(
    api: Api, deal: dict, contact: dict, future: str
) -> None:
    """Atomicity comes from DynamoDB: each command's table writes are one TransactWriteItems, no other write."""
    path = f"/sales/deals/{deal['id']}"
    commands: list[Callable[[], Any]] = [
        lambda: api.post("/sales/contacts", {"kind": "person", "display_name": "Solo", "emails": ["solo@x.example"]}),
        lambda: api.post(
            "/sales/deals",
            {"customer_id": contact["id"], "name": "N", "value": 5, "currency": "USD", "expected_close_date": future},
        ),
        lambda: api.put(f"{path}/value", {"value": 9, "currency": "USD"}),
        lambda: api.put(f"{path}/stage", {"stage": "proposal"}),
        lambda: api.put(f"{path}/basic-info", {"name": "Renamed"}),
        lambda: api.post(f"{path}/win", {}),
        lambda: api.delete(path),
        lambda: api.post(f"{path}/restore"),
        lambda: api.patch(f"/sales/contacts/{contact['id']}", {"emails": ["new@acme.example"]}),
    ]
    for command in commands:
        with recording() as recorder:
            reply = command()
        assert reply.status < 300, reply.body
        writes = [op for op in recorder.operations() if op in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")]
        assert recorder.operations().count("TransactWriteItems") == 1 and not writes, recorder.operations()


def test_a_throttled_read_is_retried_by_the_client(api: Api, deal: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Throttling answered on the wire (before-send) goes through botocore's standard retry mode."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    throttled = [0]

    def throttle(request: Any, **_kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        if throttled[0] < 2:
            throttled[0] += 1
            body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow"})
            return AWSResponse(request.url, 400, {"x-amzn-RequestId": "injected"}, MockRawResponse(body))
        return None

    events = clients.dynamodb().meta.events
    events.register_first("before-send.dynamodb.GetItem", throttle, unique_id="throttle-reads")
    try:
        reply = api.get(f"/sales/deals/{deal['id']}")
    finally:
        events.unregister("before-send.dynamodb.GetItem", unique_id="throttle-reads")
    assert reply.status == 200 and reply.data["id"] == deal["id"]
    assert throttled[0] == 2 and len(slept) == 2, "two back-offs, then the third attempt succeeded"
