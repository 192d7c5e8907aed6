"""DynamoDB faults injected into the service's own client: transaction cancellations, conflicts and
throttling. Whatever fails, no aggregate is half-written (state, history, outbox rows and counters commit
together or not at all), a retried command takes effect once, and stats still equal a recount of the lists.
Throttling that outlives every retry is a 503 with Retry-After, never a 500 (nor a 409: no race was lost).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from kernel import clients
from kernel.commands import MAX_ATTEMPTS
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.faults import client_error, inject, recording, transaction_canceled
from tests.support.recount import assert_stats_match_a_recount
from tests.support.streams import events_of
from tests.support.table import Snapshot

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


@pytest.mark.parametrize("fault", ["canceled-transaction-conflict", "transaction-conflict"])
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


# Throttling, by every code DynamoDB answers it with: on the call, or as a transaction's cancellation reason.
THROTTLED_WRITES = {
    "throttling": TRANSIENT["throttling"],
    "provisioned-throughput": TRANSIENT["provisioned-throughput"],
    "request-limit": lambda: client_error("RequestLimitExceeded", "TransactWriteItems", "Too many requests"),
    "canceled-throttling-error": TRANSIENT["canceled-throttling-error"],
    "canceled-provisioned-throughput": lambda: transaction_canceled("None", "ProvisionedThroughputExceeded"),
}


def assert_retry_later(reply: Any) -> None:
    """503 SERVICE_UNAVAILABLE in the error envelope, with Retry-After in whole seconds."""
    assert_error(reply, 503, "SERVICE_UNAVAILABLE")
    retry_after = reply.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) >= 1, reply.headers


@pytest.mark.parametrize("fault", sorted(THROTTLED_WRITES))
def test_a_write_that_keeps_being_throttled_is_a_503_that_wrote_nothing_and_may_be_retried(
    api: Api, deal: dict, no_backoff: list[float], fault: str
) -> None:
    """Throttled on every attempt of the command runner is not a lost race: 503 and Retry-After, not 409."""
    path = f"/sales/deals/{deal['id']}"
    headers = {"Idempotency-Key": f"throttled-{fault}"}
    before = Snapshot.take()
    with inject("dynamodb", "TransactWriteItems", THROTTLED_WRITES[fault], times=MAX_ATTEMPTS) as injected:
        refused = api.post(f"{path}/win", {}, headers=headers)
    assert_retry_later(refused)
    assert injected.calls == MAX_ATTEMPTS, "the command runner retried before giving up"
    assert Snapshot.take() == before, "nothing written, not even the idempotency record"
    retried = api.post(f"{path}/win", {}, headers=headers)
    assert retried.status == 200 and retried.data["version"] == 2, "the same key runs the command again"
    assert [row["event_type"] for row in events_of(deal["id"])] == ["deal.created", "deal.won"]
    assert_stats_match_a_recount(api, *MONTHS)


def test_a_keyed_command_whose_idempotency_record_is_throttled_is_a_503_that_wrote_nothing(
    api: Api, deal: dict, no_backoff: list[float]
) -> None:
    """The idempotency record is the first write of a keyed command (a PutItem by Powertools, which wraps
    the client's error in its own): throttled past the client's retries, the command never runs."""
    path = f"/sales/deals/{deal['id']}"
    headers = {"Idempotency-Key": "idempotency-record-throttled"}
    before = Snapshot.take()
    throttled = lambda: client_error("ThrottlingException", "PutItem", "Rate exceeded")  # noqa: E731
    with inject("dynamodb", "PutItem", throttled, times=1), recording() as recorder:
        refused = api.post(f"{path}/win", {}, headers=headers)
    assert_retry_later(refused)
    assert "TransactWriteItems" not in recorder.operations(), "the command did not run"
    assert Snapshot.take() == before
    retried = api.post(f"{path}/win", {}, headers=headers)
    assert retried.status == 200 and retried.data["version"] == 2


Answer = tuple[int, dict[str, str], str]


@contextmanager
def dynamodb_answers(answer: Callable[[str, Any], Answer | None]) -> Iterator[None]:
    """The mocked DynamoDB answers a request with `answer(operation, request)` when that is not None, and then
    applies nothing: what botocore receives on the wire, so its standard retry mode sees every answer. (A
    `before-send` hook would not do for writes: moto's own hook still runs, and applies the write.)"""
    original = BotocoreStubber.process_request

    def process_request(self: BotocoreStubber, request: Any) -> Any:
        target = request.headers.get("X-Amz-Target") or b""
        target = target.decode() if isinstance(target, bytes) else target
        if target.startswith("DynamoDB_20120810."):
            answered = answer(target.rpartition(".")[2], request)
            if answered is not None:
                return answered
        return original(self, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BotocoreStubber, "process_request", process_request)
        yield


@contextmanager
def throttled_on_the_wire(code: str, operations: tuple[str, ...]) -> Iterator[list[str]]:
    """DynamoDB answers every attempt of `operations` with a 400 `code`, as it does over its request rate or
    capacity. Yields the operations answered so, in order."""
    answered: list[str] = []

    def throttle(operation: str, _request: Any) -> Answer | None:
        if operation not in operations:
            return None
        answered.append(operation)
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"})
        return 400, {"x-amzn-RequestId": "injected"}, body

    with dynamodb_answers(throttle):
        yield answered


READ_THROTTLING = ("ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded")
READS = {"get-deal": "/sales/deals/{id}", "list-deals": "/sales/deals", "pipeline-stats": "/sales/deals/stats/pipeline"}


@pytest.mark.parametrize("code", READ_THROTTLING)
@pytest.mark.parametrize("read", sorted(READS))
def test_a_read_throttled_on_every_attempt_is_a_503_with_retry_after(
    api: Api, deal: dict, monkeypatch: pytest.MonkeyPatch, read: str, code: str
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    # botocore reads the retries' `max_attempts` as retries after the first attempt.
    attempts = clients.dynamodb().meta.config.retries["total_max_attempts"]
    with throttled_on_the_wire(code, ("GetItem", "Query", "BatchGetItem")) as answered:
        reply = api.get(READS[read].format(id=deal["id"]))
    assert_retry_later(reply)
    assert answered == [answered[0]] * attempts, "the client's retries ran out on the first read"
    assert len(slept) == attempts - 1, "the client backed off between its attempts"
    assert api.get(READS[read].format(id=deal["id"])).status == 200, "once the throttling stops, the read answers"


def test_a_command_throttled_on_the_wire_is_a_503_that_wrote_nothing(
    api: Api, deal: dict, no_backoff: list[float]
) -> None:
    """DynamoDB itself answers every TransactWriteItems with ThrottlingException: botocore raises its modeled
    exception after its retries, the command runner retries that, and the answer is still a 503."""
    path = f"/sales/deals/{deal['id']}"
    attempts = clients.dynamodb().meta.config.retries["total_max_attempts"]
    before = Snapshot.take()
    with throttled_on_the_wire("ThrottlingException", ("TransactWriteItems",)) as answered:
        refused = api.put(f"{path}/stage", {"stage": "negotiation"})
    assert_retry_later(refused)
    assert len(answered) == MAX_ATTEMPTS * attempts, "every runner attempt went through the client's retries"
    assert Snapshot.take() == before
    assert api.get(path).data["stage"] == deal["stage"]


def test_stats_whose_keys_stay_unprocessed_are_a_503_with_retry_after(api: Api, deal: dict) -> None:
    """BatchGetItem leaves keys unprocessed when the read exceeds the table's capacity: throttling by another
    name. Unprocessed on every round the reader asks again, the stats are a 503, not a 500."""
    rounds = [0]

    def unprocessed(operation: str, request: Any) -> Answer | None:
        if operation != "BatchGetItem":
            return None
        rounds[0] += 1
        body = json.dumps({"Responses": {}, "UnprocessedKeys": json.loads(request.body)["RequestItems"]})
        return 200, {"x-amzn-RequestId": "injected"}, body

    with dynamodb_answers(unprocessed):
        reply = api.get("/sales/deals/stats/pipeline")
    assert_retry_later(reply)
    assert rounds[0] > 1, "the reader asked again for the unprocessed keys before giving up"


def test_every_code_answered_with_503_is_one_the_clients_retry_first() -> None:
    """A 503 means the clients' standard retry mode already backed off on the code: botocore counts each as
    throttling."""
    checker = ThrottledRetryableChecker()
    for code in clients.THROTTLING_CODES:
        context = RetryContext(attempt_number=1, parsed_response={"Error": {"Code": code, "Message": "injected"}})
        assert checker.is_retryable(context), code


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
