"""The event-consumer runtime under moto: once per event_id, all or nothing, poison reported, never silent."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from kernel import consumer
from kernel.consumer import CLAIM_RETENTION, Envelope, PoisonEvent, event_consumer, parse
from kernel.dynamodb import keys
from kernel.dynamodb.repository import get_item
from kernel.dynamodb.transaction import Transaction
from kernel.errors import Conflict, TransientWriteConflict
from kernel.http import observability
from tests.support.api import LambdaContext

# Every test builds its own handler on the process's one Metrics instance (disabled, so never flushed).
# Tests that spy on add_metric leave the set empty, which Powertools warns about when it flushes.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dimension 'consumer' has already been added"),
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]

NAME = "test.recorder"
RUNS = {"PK": "TEST#RUNS", "SK": "COUNTER"}


def bus_event(event_id: str | None = None, n: int = 1, **detail: Any) -> dict[str, Any]:
    """An EventBridge event as a rule delivers it (to a queue as the body, to a function as the event)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "thing.happened",
        "source": "upstream",
        "account": "123456789012",
        "time": "2026-01-02T03:04:05Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": {
            "metadata": {
                "event_id": event_id or str(uuid.uuid4()),
                "event_type": "thing.happened",
                "event_version": "1.0.0",
                "occurred_at": "2026-01-02T03:04:05.000Z",
                "actor": "user-1",
                "correlation_id": "corr-1",
                "aggregate_id": "agg-1",
                "aggregate_version": 1,
            },
            "data": {"n": n},
            **detail,
        },
    }


def sqs_record(body: Any, group: str | None = None) -> dict[str, Any]:
    attributes = {"ApproximateReceiveCount": "1", "SentTimestamp": "1767323045000"}
    if group is not None:
        attributes["MessageGroupId"] = group
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "handle",
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:inbox",
        "awsRegion": "eu-west-1",
    }


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def failures(reply: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in reply["batchItemFailures"]]


class Recorder:
    """A handler that writes one item per event and counts its committed runs; fails the events it is told to."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail if fail is not None else set()

    def __call__(self, envelope: Envelope, tx: Transaction) -> None:
        self.calls.append(envelope.event_id)
        tx.put({"PK": f"TEST#{envelope.event_id}", "SK": "EFFECT", "n": envelope.data["n"]})
        tx.add_counters(RUNS, {"runs": 1})
        if envelope.event_id in self.fail:
            raise RuntimeError("the handler broke")


def effect(event_id: str) -> dict[str, Any] | None:
    return get_item({"PK": f"TEST#{event_id}", "SK": "EFFECT"})


def claim_of(event_id: str, name: str = NAME) -> dict[str, Any] | None:
    return get_item(keys.consumed(name, event_id))


def committed_runs() -> int:
    counter = get_item(RUNS)
    return int(counter["runs"]) if counter else 0


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The metrics and log lines the runtime emits (metrics are disabled and the log level is WARNING here)."""
    seen: dict[str, list[Any]] = {"metrics": [], "info": [], "error": []}
    monkeypatch.setattr(
        observability.metrics, "add_metric", lambda name, unit, value, **_: seen["metrics"].append((name, value))
    )
    monkeypatch.setattr(observability.logger, "info", lambda message, *a, **k: seen["info"].append(message))
    monkeypatch.setattr(observability.logger, "error", lambda message, *a, **k: seen["error"].append((message, k)))
    return seen


# -- once per event_id ---------------------------------------------------------------------------------------
def test_an_event_delivered_twice_in_a_batch_and_again_later_runs_once(aws, spy):
    handle = Recorder()
    lambda_handler = event_consumer(handle, name=NAME)
    event = bus_event(n=7)
    other = bus_event(n=8)
    event_id = event["detail"]["metadata"]["event_id"]

    first = lambda_handler(batch(sqs_record(event), sqs_record(other), sqs_record(event)), LambdaContext())
    later = lambda_handler(batch(sqs_record(event)), LambdaContext())

    assert failures(first) == [] and failures(later) == []
    assert handle.calls == [event_id, other["detail"]["metadata"]["event_id"]]
    assert committed_runs() == 2
    assert effect(event_id) == {"PK": f"TEST#{event_id}", "SK": "EFFECT", "n": 7}
    # first batch: two consumed, one duplicate; the later batch: one duplicate
    assert spy["metrics"] == [("ConsumedEvents", 2), ("DuplicateEvents", 1), ("DuplicateEvents", 1)]


def test_the_claims_condition_settles_deliveries_that_race(aws, spy, monkeypatch):
    """Two deliveries both past the look-up: the second commit fails on the claim and is a duplicate."""
    monkeypatch.setattr(consumer, "consumed", lambda _name, _event_id: False)
    handle = Recorder()
    lambda_handler = event_consumer(handle, name=NAME)
    event = bus_event(n=1)
    event_id = event["detail"]["metadata"]["event_id"]

    reply = lambda_handler(batch(sqs_record(event), sqs_record(event)), LambdaContext())

    assert failures(reply) == []
    assert handle.calls == [event_id, event_id]  # the handler ran twice, its effect committed once
    assert committed_runs() == 1
    assert ("DuplicateEvents", 1) in spy["metrics"]


def test_the_claim_is_the_consumers_and_expires(aws):
    event = bus_event()
    event_id = event["detail"]["metadata"]["event_id"]
    before = datetime.now(UTC)
    event_consumer(Recorder(), name=NAME)(batch(sqs_record(event)), LambdaContext())

    claim = claim_of(event_id)
    assert claim is not None
    assert claim["PK"] == f"CONSUMED#{NAME}#{event_id}" and claim["SK"] == "CONSUMED"
    assert (claim["consumer"], claim["event_id"], claim["source"], claim["detail_type"]) == (
        NAME,
        event_id,
        "upstream",
        "thing.happened",
    )
    expected = (before + CLAIM_RETENTION).timestamp()
    assert expected - 5 <= int(claim["expires_at"]) <= expected + 5


def test_each_consumer_of_an_event_runs_it_once(aws):
    event = bus_event()
    first, second = Recorder(), Recorder()
    event_consumer(first, name="test.first")(batch(sqs_record(event)), LambdaContext())
    event_consumer(second, name="test.second")(batch(sqs_record(event)), LambdaContext())
    event_consumer(second, name="test.second")(batch(sqs_record(event)), LambdaContext())
    assert len(first.calls) == 1 and len(second.calls) == 1


def test_a_handler_with_nothing_to_write_still_consumes_the_event(aws):
    calls: list[str] = []
    lambda_handler = event_consumer(lambda envelope, tx: calls.append(envelope.event_id), name=NAME)
    event = bus_event()
    assert failures(lambda_handler(batch(sqs_record(event), sqs_record(event)), LambdaContext())) == []
    assert len(calls) == 1 and claim_of(event["detail"]["metadata"]["event_id"]) is not None


# -- failures: all or nothing, one record at a time ----------------------------------------------------------
def test_a_failing_handler_is_reported_writes_nothing_and_runs_on_the_next_delivery(aws, spy):
    bad, good = bus_event(n=1), bus_event(n=2)
    bad_id, good_id = bad["detail"]["metadata"]["event_id"], good["detail"]["metadata"]["event_id"]
    handle = Recorder(fail={bad_id})
    lambda_handler = event_consumer(handle, name=NAME)
    bad_record = sqs_record(bad)

    reply = lambda_handler(batch(bad_record, sqs_record(good)), LambdaContext())

    assert failures(reply) == [bad_record["messageId"]]
    assert effect(bad_id) is None and claim_of(bad_id) is None  # the claim went with the failed transaction
    assert effect(good_id) is not None and committed_runs() == 1
    assert ("FailedEvents", 1) in spy["metrics"]

    handle.fail.clear()
    again = lambda_handler(batch(sqs_record(bad)), LambdaContext())
    assert failures(again) == []
    assert effect(bad_id) is not None and claim_of(bad_id) is not None and committed_runs() == 2
    assert handle.calls == [bad_id, good_id, bad_id]


def test_a_cancelled_transaction_leaves_no_claim(aws):
    """The handler's own condition fails at commit: claim and effect are refused together."""

    def needs_a_missing_item(envelope: Envelope, tx: Transaction) -> None:
        tx.put({"PK": f"TEST#{envelope.event_id}", "SK": "EFFECT"})
        tx.check(
            {"PK": "TEST#MISSING", "SK": "NOTHING"},
            "attribute_exists(PK)",
            on_condition_failed=lambda _old: Conflict("the item the event needs is not there"),
        )

    event = bus_event()
    event_id = event["detail"]["metadata"]["event_id"]
    record = sqs_record(event)
    reply = event_consumer(needs_a_missing_item, name=NAME)(batch(record), LambdaContext())
    assert failures(reply) == [record["messageId"]]
    assert effect(event_id) is None and claim_of(event_id) is None


def test_a_lost_race_runs_the_handler_again_on_a_new_transaction(aws, monkeypatch):
    monkeypatch.setattr(consumer.time, "sleep", lambda _seconds: None)
    real_commit = Transaction.commit
    commits: list[int] = []

    def loses_the_first_race(tx: Transaction) -> None:
        commits.append(len(tx.operations))
        if len(commits) == 1:
            raise TransientWriteConflict("another writer won")
        real_commit(tx)

    monkeypatch.setattr(Transaction, "commit", loses_the_first_race)
    handle = Recorder()
    event = bus_event()
    assert failures(event_consumer(handle, name=NAME)(batch(sqs_record(event)), LambdaContext())) == []
    assert commits == [3, 3]  # claim, effect, counter: a new transaction each time, nothing carried over
    assert len(handle.calls) == 2 and committed_runs() == 1


def test_a_race_lost_every_time_leaves_the_record_for_redelivery(aws, monkeypatch):
    monkeypatch.setattr(consumer.time, "sleep", lambda _seconds: None)

    attempts: list[str] = []

    def always_loses(envelope: Envelope, tx: Transaction) -> None:
        attempts.append(envelope.event_id)
        raise TransientWriteConflict("another writer won")

    record = sqs_record(bus_event())
    reply = event_consumer(always_loses, name=NAME)(batch(record), LambdaContext())
    assert failures(reply) == [record["messageId"]]
    assert len(attempts) == consumer.MAX_ATTEMPTS


def test_after_a_failure_a_fifo_groups_later_records_wait(aws):
    first, second, elsewhere = bus_event(n=1), bus_event(n=2), bus_event(n=3)
    handle = Recorder(fail={first["detail"]["metadata"]["event_id"]})
    records = [sqs_record(first, group="g1"), sqs_record(second, group="g1"), sqs_record(elsewhere, group="g2")]

    reply = event_consumer(handle, name=NAME)(batch(*records), LambdaContext())

    assert failures(reply) == [records[0]["messageId"], records[1]["messageId"]]
    assert handle.calls == [first["detail"]["metadata"]["event_id"], elsewhere["detail"]["metadata"]["event_id"]]


# -- poison --------------------------------------------------------------------------------------------------
def _without_event_id() -> dict[str, Any]:
    event = bus_event()
    del event["detail"]["metadata"]["event_id"]
    return event


MALFORMED = {
    "not json": "{this is not json",
    "json, not an object": "[1, 2, 3]",
    "no detail": json.dumps({k: v for k, v in bus_event().items() if k != "detail"}),
    "no detail-type": json.dumps({k: v for k, v in bus_event().items() if k != "detail-type"}),
    "no event_id": json.dumps(_without_event_id()),
    "empty event_id": json.dumps(
        {**bus_event(), "detail": {**bus_event()["detail"], "metadata": {"event_id": ""}, "data": {}}}
    ),
    "data not an object": json.dumps({**bus_event(), "detail": {**bus_event()["detail"], "data": [1]}}),
    "event_id not text": json.dumps(
        {**bus_event(), "detail": {**bus_event()["detail"], "metadata": {"event_id": 42}, "data": {}}}
    ),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_is_reported_without_failing_the_others(aws, spy, body):
    handle = Recorder()
    good = bus_event()
    poison, fine = sqs_record(body), sqs_record(good)

    reply = event_consumer(handle, name=NAME)(batch(poison, fine), LambdaContext())

    assert failures(reply) == [poison["messageId"]]
    assert handle.calls == [good["detail"]["metadata"]["event_id"]]
    assert ("PoisonEvents", 1) in spy["metrics"] and ("ConsumedEvents", 1) in spy["metrics"]
    [(message, extra)] = spy["error"]
    assert message == "malformed event refused" and extra["extra"]["message_id"] == poison["messageId"]


def test_a_record_that_is_not_from_a_queue_fails_the_whole_batch(aws):
    with pytest.raises(ValueError, match="messageId"):
        event_consumer(Recorder(), name=NAME)({"Records": [{"body": "{}"}]}, LambdaContext())


# -- a rule targeting the function directly ------------------------------------------------------------------
def test_a_direct_eventbridge_invocation_runs_once(aws, spy):
    handle = Recorder()
    lambda_handler = event_consumer(handle, name=NAME)
    event = bus_event(n=5)
    event_id = event["detail"]["metadata"]["event_id"]

    assert lambda_handler(event, LambdaContext()) == {}
    assert lambda_handler(event, LambdaContext()) == {}

    assert handle.calls == [event_id]
    assert effect(event_id) is not None and claim_of(event_id) is not None
    assert ("DuplicateEvents", 1) in spy["metrics"]


def test_a_direct_invocation_raises_on_failure_so_lambda_retries(aws, spy):
    event = bus_event()
    event_id = event["detail"]["metadata"]["event_id"]
    lambda_handler = event_consumer(Recorder(fail={event_id}), name=NAME)
    with pytest.raises(RuntimeError, match="the handler broke"):
        lambda_handler(event, LambdaContext())
    assert effect(event_id) is None and claim_of(event_id) is None
    assert ("FailedEvents", 1) in spy["metrics"]

    with pytest.raises(PoisonEvent):
        lambda_handler(_without_event_id(), LambdaContext())
    assert ("PoisonEvents", 1) in spy["metrics"]


# -- observability -------------------------------------------------------------------------------------------
def test_a_duplicate_is_logged_and_counted(aws, spy):
    lambda_handler = event_consumer(Recorder(), name=NAME)
    event = bus_event()
    lambda_handler(batch(sqs_record(event)), LambdaContext())
    assert spy["info"] == [] and ("DuplicateEvents", 1) not in spy["metrics"]

    lambda_handler(batch(sqs_record(event), sqs_record(event)), LambdaContext())

    assert spy["info"] == ["duplicate event acknowledged: this consumer processed it before"] * 2
    assert ("DuplicateEvents", 2) in spy["metrics"]


def test_the_runtime_counts_under_the_consumers_dimension(aws, monkeypatch):
    dimensions: list[tuple[str, str]] = []
    monkeypatch.setattr(observability.metrics, "add_dimension", lambda name, value: dimensions.append((name, value)))
    event_consumer(Recorder(), name=NAME)(batch(sqs_record(bus_event())), LambdaContext())
    assert dimensions == [("consumer", NAME)]


# -- the envelope and the binding ----------------------------------------------------------------------------
def test_the_envelope_keeps_what_the_publisher_sent():
    event = bus_event(n=3)
    event["detail"]["metadata"]["tenant"] = "t-1"  # a field another publisher adds
    envelope = parse(event)
    assert (envelope.source, envelope.detail_type, envelope.data) == ("upstream", "thing.happened", {"n": 3})
    assert envelope.event_id == event["detail"]["metadata"]["event_id"]
    assert envelope.bus_event_id == event["id"] and envelope.time == event["time"]
    assert envelope.metadata.correlation_id == "corr-1" and envelope.metadata.aggregate_version == 1
    assert envelope.metadata.model_extra == {"tenant": "t-1"}


@pytest.mark.parametrize("name", ["", "Has-Capitals", "with#hash", "x" * 65])
def test_a_consumer_name_is_checked_when_bound(name):
    with pytest.raises(ValueError, match="consumer name"):
        event_consumer(Recorder(), name=name)


def test_the_binding_names_its_consumer():
    assert event_consumer(Recorder(), name=NAME).consumer == NAME  # type: ignore[attr-defined]
