"""Event consumers: the Lambda runtime behind every function that reacts to events from the bus.

Binding one
    A context's consumer is one function folder, `functions/<context>/on_<event>/app.py`:

        from kernel.consumer import event_consumer
        from <context>.<aggregate>.consumers import <handle>

        lambda_handler = event_consumer(<handle>, name="<context>.<consumer>")

    `handle(envelope, tx)` receives the parsed event (`Envelope`) and a kernel `Transaction` on the context's
    table (TABLE_NAME). It adds the puts, updates and checks the event calls for and has no other side effect:
    the runtime adds the event's claim to that transaction and commits both together. A handler with nothing
    to write adds nothing, and the claim is committed alone, so the event still counts as consumed.

Idempotency
    Delivery is at least once, so every event is claimed once per consumer: the item
    `CONSUMED#<consumer name>#<detail.metadata.event_id>` / `CONSUMED`, put with `attribute_not_exists(PK)` as the
    first operation of the handler's own transaction. Claim and effect commit or fail together: a handler that
    raises, or a transaction that is cancelled, leaves no claim, and the next delivery runs the handler again.
    A delivery whose claim exists already is acknowledged as a duplicate (logged, metric `DuplicateEvents`)
    without running the handler; the claim is looked up before the handler runs, so a handler never mistakes
    its own earlier effect for a conflict, and the claim's condition settles two deliveries racing each other.
    A claim is kept for `CLAIM_RETENTION` (TTL on `expires_at`): an event delivered again after that runs again.

Wiring, in the context's stack
    An EventBridge rule targets an SQS queue whose RedrivePolicy names a dead-letter queue (maxReceiveCount),
    and the queue is the function's event source. That event source must declare
    `FunctionResponseTypes: [ReportBatchItemFailures]`: the runtime answers
    `{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}`, so only the failed records return to the
    queue; without the setting Lambda ignores the answer and deletes the whole batch, failed records included.
    On a FIFO queue the records after a failed one in the same message group are reported too, unprocessed,
    so a group is never consumed out of order.

    A rule may instead target the function directly (asynchronous invocation, one EventBridge event): a
    duplicate returns normally, every failure raises, so Lambda's own retries and its on-failure destination
    or dead-letter queue apply.

Poison messages
    A record that is not a well-formed event (a body that is no JSON, no `source` or `detail-type`, no
    `detail.metadata.event_id`, a `detail.data` that is no object) is logged, counted (`PoisonEvents`) and
    treated as a failure, never acknowledged: from a queue it is reported in batchItemFailures, so SQS moves it
    to the dead-letter queue after maxReceiveCount receives; invoked directly, `PoisonEvent` is raised, so it
    reaches the function's on-failure destination. Either way it stays where someone can look at it, and it
    never holds up the other records of its batch.

Metrics (dimension `consumer`): `ConsumedEvents`, `DuplicateEvents`, `PoisonEvents`, `FailedEvents`.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kernel.clock import to_rfc3339, utc_now
from kernel.dynamodb import keys
from kernel.dynamodb.codec import Item
from kernel.dynamodb.repository import get_item
from kernel.dynamodb.transaction import Transaction
from kernel.errors import StaleVersion, TransientWriteConflict
from kernel.http.observability import logger, metrics, tracer
from kernel.settings import settings

# Redeliveries come within the source queue's retention (days); a week covers them without keeping claims
# forever. An event redriven from a dead-letter queue after its claim expired runs again.
CLAIM_RETENTION = timedelta(days=7)
# A lost race or a throttled write is retried in place a few times before the record is left to redelivery.
MAX_ATTEMPTS = 3
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


# -- the envelope --------------------------------------------------------------------------------------------
class EventMetadata(BaseModel):
    """`detail.metadata`: only `event_id` is required; the rest is what this service's outbox writes, and any
    other field another publisher adds is kept (read it with `model_extra`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_id: str = Field(min_length=1, max_length=256)
    event_type: str | None = None
    event_version: str | None = None
    occurred_at: str | None = None
    actor: str | None = None
    correlation_id: str | None = None
    aggregate_id: str | None = None
    aggregate_version: int | None = None


class _Detail(BaseModel):
    metadata: EventMetadata
    data: dict[str, Any]


class _BusEvent(BaseModel):
    id: str | None = None
    source: str = Field(min_length=1)
    detail_type: str = Field(alias="detail-type", min_length=1)
    time: str | None = None
    detail: _Detail


@dataclass(frozen=True)
class Envelope:
    """One event as a consumer sees it: who published it, what it is, its metadata and its data."""

    source: str
    detail_type: str
    metadata: EventMetadata
    data: dict[str, Any]
    # EventBridge's own id and time of the put: a republished event gets a new one, so never dedupe on it.
    bus_event_id: str | None = None
    time: str | None = None

    @property
    def event_id(self) -> str:
        return self.metadata.event_id


class PoisonEvent(ValueError):
    """The input is not a well-formed event: no retry can make it one."""


def parse(event: Any) -> Envelope:
    """An EventBridge event (as a rule delivers it, `detail` an object) as an Envelope, or PoisonEvent."""
    if not isinstance(event, Mapping):
        raise PoisonEvent("an event is a JSON object")
    try:
        parsed = _BusEvent.model_validate(event)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'event'}: {issue['msg']}" for issue in error.errors()
        )
        raise PoisonEvent(problems) from None
    return Envelope(
        source=parsed.source,
        detail_type=parsed.detail_type,
        metadata=parsed.detail.metadata,
        data=parsed.detail.data,
        bus_event_id=parsed.id,
        time=parsed.time,
    )


def parse_body(body: Any) -> Envelope:
    """An SQS record's body: the EventBridge event as JSON text."""
    if not isinstance(body, str):
        raise PoisonEvent("the message body is not text")
    try:
        event = json.loads(body)
    except ValueError:
        raise PoisonEvent("the message body is not JSON") from None
    return parse(event)


# -- one event -----------------------------------------------------------------------------------------------
Handle = Callable[[Envelope, Transaction], None]


class AlreadyConsumed(Exception):
    """The event's claim exists: this consumer processed it before."""


def claim(tx: Transaction, consumer: str, envelope: Envelope) -> None:
    """The event's claim as an operation of `tx`; the commit fails with AlreadyConsumed if it exists."""
    now = utc_now()
    item: Item = {
        **keys.consumed(consumer, envelope.event_id),
        "type": "ConsumedEvent",
        "consumer": consumer,
        "event_id": envelope.event_id,
        "source": envelope.source,
        "detail_type": envelope.detail_type,
        "consumed_at": to_rfc3339(now),
        "expires_at": int((now + CLAIM_RETENTION).timestamp()),
    }
    # An existing claim means the event was processed, expired or not: TTL only bounds how long it is kept.
    tx.put(
        item,
        condition="attribute_not_exists(PK)",
        on_condition_failed=lambda _old: AlreadyConsumed(envelope.event_id),
    )


def consumed(consumer: str, event_id: str) -> bool:
    return get_item(keys.consumed(consumer, event_id)) is not None


def consume(envelope: Envelope, handle: Handle, consumer: str) -> bool:
    """Run `handle` once for this event and consumer: True when it ran and committed, False for a duplicate.

    Whatever `handle` raises passes through with nothing written. A lost race or a throttled write
    (TransientWriteConflict, StaleVersion), from the commit or from the handler, runs the handler again on a
    new transaction, up to MAX_ATTEMPTS times; then it passes through too."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if consumed(consumer, envelope.event_id):
            return False
        tx = Transaction(settings().table_name)
        # First in the transaction, so a duplicate is reported as one even when the handler's own
        # conditions fail for the same reason (its effect is there already).
        claim(tx, consumer, envelope)
        try:
            handle(envelope, tx)
            tx.commit()
        except AlreadyConsumed:
            return False
        except (TransientWriteConflict, StaleVersion):
            if attempt == MAX_ATTEMPTS:
                raise
            # Full jitter, so racing consumers do not collide again; no security need for randomness.
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311
            continue
        return True
    raise AssertionError("unreachable")


# -- the Lambda entry point ----------------------------------------------------------------------------------
class _Outcomes:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def publish(self) -> None:
        for name in ("ConsumedEvents", "DuplicateEvents", "PoisonEvents", "FailedEvents"):
            if self.counts[name]:
                metrics.add_metric(name=name, unit=MetricUnit.Count, value=self.counts[name])


@contextmanager
def _event_log_keys(**keys_: Any) -> Iterator[None]:
    present = {name: value for name, value in keys_.items() if value is not None}
    logger.append_keys(**present)
    try:
        yield
    finally:
        logger.remove_keys(list(present))


def _process(envelope: Envelope, handle: Handle, consumer: str, outcomes: _Outcomes) -> None:
    """One well-formed event: consumed or duplicate return, a failure is logged, counted and raised."""
    with _event_log_keys(
        event_id=envelope.event_id,
        event_source=envelope.source,
        detail_type=envelope.detail_type,
        event_correlation_id=envelope.metadata.correlation_id,
    ):
        try:
            ran = consume(envelope, handle, consumer)
        except Exception:
            outcomes.counts["FailedEvents"] += 1
            logger.exception("event handler failed; the event is left for redelivery")
            raise
        if ran:
            outcomes.counts["ConsumedEvents"] += 1
        else:
            outcomes.counts["DuplicateEvents"] += 1
            logger.info("duplicate event acknowledged: this consumer processed it before")


def _poison(error: PoisonEvent, outcomes: _Outcomes, **where: Any) -> None:
    outcomes.counts["PoisonEvents"] += 1
    logger.error("malformed event refused", extra={**where, "error": str(error)})


def _record_group(record: Mapping[str, Any]) -> str | None:
    group = (record.get("attributes") or {}).get("MessageGroupId")
    return str(group) if group else None


def consume_batch(records: list[Any], handle: Handle, consumer: str, outcomes: _Outcomes) -> list[str]:
    """The messageIds of the SQS records to return to the queue; every other record is done."""
    failed: list[str] = []
    failed_groups: set[str] = set()
    for record in records:
        message_id = record.get("messageId") if isinstance(record, Mapping) else None
        if not message_id:
            # Not an SQS record: no id to report it by, so the whole batch fails and nothing is lost.
            raise ValueError("an SQS record without messageId; is the event source a queue?")
        group = _record_group(record)
        if group is not None and group in failed_groups:
            failed.append(message_id)  # FIFO: a group's later records wait for the failed one
            continue
        try:
            with _event_log_keys(message_id=message_id):
                try:
                    envelope = parse_body(record.get("body"))
                except PoisonEvent as error:
                    _poison(error, outcomes, message_id=message_id)
                    raise
                _process(envelope, handle, consumer, outcomes)
        except Exception:
            failed.append(message_id)
            if group is not None:
                failed_groups.add(group)
    return failed


def dispatch(event: Any, handle: Handle, consumer: str) -> dict[str, Any]:
    """An SQS batch (`Records`) or one EventBridge event; the metrics are added once, at the end."""
    outcomes = _Outcomes()
    try:
        if isinstance(event, Mapping) and "Records" in event:
            records = event.get("Records") or []
            failed = consume_batch(list(records), handle, consumer, outcomes)
            if failed:
                logger.warning("records left for redelivery", extra={"message_ids": failed})
            return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
        try:
            envelope = parse(event)
        except PoisonEvent as error:
            _poison(error, outcomes)
            raise
        _process(envelope, handle, consumer, outcomes)
        return {}
    finally:
        outcomes.publish()


def event_consumer(handle: Handle, *, name: str) -> Handler:
    """The Lambda handler of one consumer. `name` keys its claims and its metrics: give each consumer of an
    event its own, and never rename a deployed consumer (its claims would no longer be found)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"consumer name {name!r}: lowercase letters, digits, '.', '_' or '-', at most 64")

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        metrics.add_dimension(name="consumer", value=name)
        logger.append_keys(consumer=name)
        return dispatch(event, handle, name)

    # Lets tests and tools see which consumer a function module binds.
    lambda_handler.consumer = name
    return cast(Handler, lambda_handler)
