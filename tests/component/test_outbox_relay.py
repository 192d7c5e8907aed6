"""The relay under EventBridge faults: batches of 10, retried entries, partial batch failures."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from kernel import clients
from kernel.bus import put_events
from kernel.dynamodb.outbox import relay
from tests.support.api import LambdaContext, function_module
from tests.support.streams import relay_event, stream_records


def _outbox_records(api, contact, future, deals: int) -> list[dict]:
    for number in range(deals):
        reply = api.post(
            "/sales/deals",
            {
                "customer_id": contact["id"],
                "name": f"Deal {number}",
                "value": 1000 + number,
                "currency": "USD",
                "expected_close_date": future,
            },
        )
        assert reply.status == 201
    return relay_event(stream_records())["Records"]


class FlakyBus:
    """Publishes through `put_events` but fails chosen entries a number of times first."""

    def __init__(self, failures: Callable[[dict], int]) -> None:
        self.failures = failures
        self.calls: list[int] = []
        self.attempts: dict[str, int] = {}
        self.published: list[dict] = []

    def __call__(self, entries: list[dict]) -> list[str | None]:
        self.calls.append(len(entries))
        outcome: list[str | None] = []
        for entry in entries:
            event_id = json.loads(entry["Detail"])["metadata"]["event_id"]
            self.attempts[event_id] = self.attempts.get(event_id, 0) + 1
            if self.attempts[event_id] <= self.failures(entry):
                outcome.append("ThrottlingException")
            else:
                self.published.append(entry)
                outcome.append(None)
        return outcome


def _no_malformed(record, error):
    raise AssertionError(f"unexpected malformed record: {error}")


def test_twenty_three_events_go_out_in_chunks_of_ten(api, contact, future):
    records = _outbox_records(api, contact, future, 22)  # + contact.created = 23 outbox rows
    bus = FlakyBus(lambda entry: 0)
    failed = relay(records, bus_name="b", publish=bus, on_malformed=_no_malformed, sleep=lambda _s: None)
    assert failed == []
    assert bus.calls == [10, 10, 3]
    assert len({json.loads(e["Detail"])["metadata"]["event_id"] for e in bus.published}) == 23


def test_failed_entries_are_retried_until_published(api, contact, future):
    records = _outbox_records(api, contact, future, 4)
    bus = FlakyBus(lambda entry: 2 if entry["DetailType"] == "deal.created" else 0)
    failed = relay(records, bus_name="b", publish=bus, on_malformed=_no_malformed, sleep=lambda _s: None)
    assert failed == []
    assert bus.calls == [5, 4, 4]  # first try all, then only the failing deal.created entries
    assert sorted(e["DetailType"] for e in bus.published) == ["contact.created"] + ["deal.created"] * 4


def test_entries_that_keep_failing_are_reported_as_batch_item_failures(api, contact, future):
    records = _outbox_records(api, contact, future, 3)
    doomed = {records[2]["dynamodb"]["SequenceNumber"]}

    def failures(entry: dict) -> int:
        return 99 if json.loads(entry["Detail"])["data"].get("name") == "Deal 1" else 0

    bus = FlakyBus(failures)
    failed = relay(records, bus_name="b", publish=bus, on_malformed=_no_malformed, sleep=lambda _s: None)
    assert set(failed) == doomed
    assert len(bus.published) == 3


def test_records_that_are_not_outbox_inserts_are_ignored():
    records = [
        {"eventName": "MODIFY", "dynamodb": {"Keys": {"SK": {"S": "OUTBOX#1"}}, "SequenceNumber": "1"}},
        {"eventName": "INSERT", "dynamodb": {"Keys": {"SK": {"S": "DEAL"}}, "SequenceNumber": "2"}},
    ]
    bus = FlakyBus(lambda entry: 0)
    assert relay(records, bus_name="b", publish=bus, on_malformed=_no_malformed) == []
    assert bus.calls == []


def test_a_malformed_row_is_reported_not_swallowed():
    record = {
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"SK": {"S": "OUTBOX#0000000001#00"}},
            "SequenceNumber": "7",
            "NewImage": {"PK": {"S": "x"}},
        },
    }
    seen = []
    failed = relay([record], bus_name="b", publish=FlakyBus(lambda e: 0), on_malformed=lambda r, e: seen.append(r))
    assert failed == ["7"] and seen == [record]


@pytest.fixture
def stubbed_bus(aws):
    client = clients.eventbridge()
    with Stubber(client) as stubber:
        yield stubber


def test_partial_failed_entry_count_from_eventbridge(stubbed_bus):
    entries = [{"Source": "sales", "DetailType": "deal.created", "Detail": "{}", "EventBusName": "b"}] * 3
    stubbed_bus.add_response(
        "put_events",
        {
            "FailedEntryCount": 1,
            "Entries": [{"EventId": "1"}, {"ErrorCode": "InternalFailure", "ErrorMessage": "x"}, {"EventId": "3"}],
        },
    )
    stubbed_bus.add_client_error("put_events", service_error_code="ThrottlingException", http_status_code=400)
    assert put_events(entries) == [None, "InternalFailure", None]
    assert put_events(entries) == ["ThrottlingException"] * 3


def test_handler_reports_failures_and_a_retry_publishes_them(api, contact, future, monkeypatch):
    records = _outbox_records(api, contact, future, 1)
    handler = function_module("sales/outbox_relay").lambda_handler
    calls = {"n": 0}
    real_put_events = clients.eventbridge().put_events

    def throttled(**kwargs):
        calls["n"] += 1
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents")

    monkeypatch.setattr("kernel.dynamodb.outbox.time.sleep", lambda _s: None)
    monkeypatch.setattr(clients.eventbridge(), "put_events", throttled)
    first = handler({"Records": records}, LambdaContext())
    assert {f["itemIdentifier"] for f in first["batchItemFailures"]} == {
        r["dynamodb"]["SequenceNumber"] for r in records
    }
    assert calls["n"] == 3  # bounded retries inside one invocation

    monkeypatch.setattr(clients.eventbridge(), "put_events", real_put_events)
    assert handler({"Records": records}, LambdaContext()) == {"batchItemFailures": []}
