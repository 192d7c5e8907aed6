"""EventBridge faults on the outbox relay: throttling, partial FailedEntryCount, a crash mid-batch.

Whatever fails, no event is lost and an event is published again only as an identical copy with the same
event_id (at-least-once; consumers dedupe on event_id and order by aggregate_version). One module-scoped
account holds 23 outbox rows; each test relays them to its own consumer queue through the real (moto) bus.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from kernel import clients
from tests.support.api import Api, LambdaContext, function_module
from tests.support.aws import drain, queue_behind_rule
from tests.support.faults import client_error
from tests.support.samples import days_ahead
from tests.support.streams import outbox_rows, relay_event, stream_records

_queues = itertools.count(1)


@pytest.fixture(scope="module")
def records(shared_api: Api) -> list[dict[str, Any]]:
    """23 outbox rows (contact.created, then 11 deals created and qualified) as stream records."""
    api = shared_api
    future = days_ahead(60)
    contact = api.post("/sales/contacts", {"kind": "organization", "display_name": "Relay Customer"}).data
    for number in range(11):
        body = {"customer_id": contact["id"], "value": 100 + number, "currency": "USD", "expected_close_date": future}
        created = api.post("/sales/deals", {**body, "name": f"Deal {number}"}).data
        assert api.put(f"/sales/deals/{created['id']}/stage", {"stage": "qualified"}).status == 200
    found = relay_event(stream_records())["Records"]
    assert len(found) == 23
    return found


# -- the bus side: a catch-all consumer queue behind the real (moto) bus ----------------------------------
@pytest.fixture
def consumer(records: list[dict[str, Any]]) -> Callable[[], list[dict[str, Any]]]:
    """A new queue subscribed to every sales event on the bus; returns a function draining it."""
    name = f"every-sales-event-{next(_queues)}"
    url = queue_behind_rule(name, {"source": ["sales"]}, name)
    return lambda: drain(url)


class FlakyBus:
    """Replaces the service's PutEvents: each call follows the next step of `script`, then plain success.

    Steps: "ok"; "throttle" (the whole call fails with ThrottlingException); "partial" (every other entry
    fails with InternalFailure, the rest reach the real bus); "crash" (the connection drops: not a
    ClientError, so the relay invocation itself fails, as on a timeout)."""

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.real = clients.eventbridge().put_events
        self.calls: list[tuple[str, int]] = []

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        step = self.script.pop(0) if self.script else "ok"
        entries = kwargs["Entries"]
        self.calls.append((step, len(entries)))
        if step == "throttle":
            raise client_error("ThrottlingException", "PutEvents", "Rate exceeded")
        if step == "crash":
            raise EndpointConnectionError(endpoint_url="https://events.eu-west-1.amazonaws.com")
        if step == "partial":
            passing = [entry for index, entry in enumerate(entries) if index % 2 == 0]
            published = iter(self.real(Entries=passing)["Entries"])
            results = [
                next(published) if index % 2 == 0 else {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}
                for index in range(len(entries))
            ]
            return {"FailedEntryCount": len(entries) // 2, "Entries": results}
        return self.real(**kwargs)  # type: ignore[no-any-return]


def run_event_source_mapping(records: list[dict[str, Any]], max_invocations: int = 10) -> int:
    """Deliver `records` to the relay like Lambda's stream mapping: a failed invocation is retried with the
    same batch; reported item failures are retried from the first failed record on. Returns invocations."""
    relay = function_module("sales/outbox_relay").lambda_handler
    batch = records
    for invocation in range(1, max_invocations + 1):
        try:
            result = relay({"Records": batch}, LambdaContext())
        except Exception:  # the invocation failed: Lambda retries the whole batch
            continue
        failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
        if not failed:
            return invocation
        first = next(index for index, record in enumerate(batch) if record["dynamodb"]["SequenceNumber"] in failed)
        batch = batch[first:]
    raise AssertionError(f"the relay did not drain the batch in {max_invocations} invocations")


def _assert_at_least_once(delivered: list[dict[str, Any]]) -> Counter[str]:
    """Every outbox row reached the bus; every copy of an event is identical; returns copies per event_id."""
    rows = {row["event_id"]: row for row in outbox_rows()}
    copies = Counter(event["detail"]["metadata"]["event_id"] for event in delivered)
    assert set(copies) == set(rows), "no event lost, none invented"
    first: dict[str, Any] = {}
    for event in delivered:
        metadata = event["detail"]["metadata"]
        row = rows[metadata["event_id"]]
        assert event["detail-type"] == row["event_type"] and metadata["aggregate_version"] == row["aggregate_version"]
        assert event["detail"]["data"] == json.loads(row["data"]), "data exactly as recorded"
        assert first.setdefault(metadata["event_id"], event["detail"]) == event["detail"], "a copy is identical"
    # Order: each aggregate's versions are gap-free, so a consumer can order (and dedupe) by aggregate_version.
    versions: dict[str, set[int]] = {}
    for detail in first.values():
        versions.setdefault(detail["metadata"]["aggregate_id"], set()).add(detail["metadata"]["aggregate_version"])
    assert all(found == set(range(1, max(found) + 1)) for found in versions.values()), versions
    return copies


@pytest.mark.parametrize(
    ("script", "invocations"),
    [
        pytest.param([], 1, id="no-fault"),
        pytest.param(["throttle", "throttle"], 1, id="throttled-twice-retried-in-one-invocation"),
        pytest.param(["throttle"] * 3, 2, id="throttled-past-the-relay-retries-redelivered-by-lambda"),
        pytest.param(["partial", "partial"], 1, id="partial-failed-entry-count"),
        pytest.param(["ok", "partial", "throttle", "throttle"], 2, id="partial-then-throttled-in-a-later-chunk"),
    ],
)
def test_eventbridge_failures_lose_and_duplicate_nothing(
    records: list[dict[str, Any]],
    consumer: Callable[[], list[dict[str, Any]]],
    no_backoff: list[float],
    monkeypatch: pytest.MonkeyPatch,
    script: list[str],
    invocations: int,
) -> None:
    bus = FlakyBus(script)
    monkeypatch.setattr(clients.eventbridge(), "put_events", bus)
    assert run_event_source_mapping(records) == invocations
    delivered = consumer()
    copies = _assert_at_least_once(delivered)
    assert len(copies) == 23
    if not script:
        # Without faults the relay publishes in stream order, which is commit order per aggregate.
        seen: dict[str, list[int]] = {}
        for event in delivered:
            metadata = event["detail"]["metadata"]
            seen.setdefault(metadata["aggregate_id"], []).append(metadata["aggregate_version"])
        assert all(versions == sorted(versions) for versions in seen.values()), seen
    if invocations == 1:
        assert set(copies.values()) == {1}, "retried entries only: each event published exactly once"
    else:
        # Lambda redelivers from the first failed record on, so the chunks after it go out twice.
        assert max(copies.values()) <= 2


def test_a_relay_crash_mid_batch_republishes_copies_with_the_same_event_id(
    records: list[dict[str, Any]],
    consumer: Callable[[], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bus = FlakyBus(["ok", "crash"])  # the first chunk of 10 is out when the invocation dies
    monkeypatch.setattr(clients.eventbridge(), "put_events", bus)
    assert run_event_source_mapping(records) == 2
    assert bus.calls == [("ok", 10), ("crash", 10), ("ok", 10), ("ok", 10), ("ok", 3)]
    copies = _assert_at_least_once(consumer())
    assert sorted(copies.values()) == [1] * 13 + [2] * 10, "only the chunk published before the crash is repeated"
