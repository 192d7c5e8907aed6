"""EventBridge rules and SQS-triggered functions.

The backend (moto or whatever the environment points at) matches events against rules and delivers to
SQS targets by itself. A rule that targets a function gets a private queue as its target instead; a poller
hands each message to the function as the EventBridge event it is (an asynchronous invocation, retried on
failure). A catch-all rule on every bus feeds `/_local/events`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from local.backend import Backend, ensure_queue
from local.filters import matches_any
from local.project import Project, QueueSource, RuleSource

log = logging.getLogger("local.rules")

WAIT_SECONDS = 1
TAP = "local-events-tap"
CATCH_ALL = {"source": [{"prefix": ""}]}
ENVELOPE_KEYS = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")

Deliver = Callable[[list[dict[str, Any]]], set[str]]  # messages -> message ids that failed


def _local_name(project: Project, suffix: str, limit: int) -> str:
    return f"{project.resolver.stack_name}-{suffix}"[:limit]


def _pattern(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _bus_name(value: Any) -> str:
    """Rules take a bus name; templates sometimes give the bus ARN."""
    text = str(value)
    return text.rsplit("/", 1)[-1] if text.startswith("arn:") else text


class QueuePoller(threading.Thread):
    """Long-polls one queue and hands messages to `deliver`; deletes what it reports as done."""

    def __init__(
        self,
        name: str,
        backend: Backend,
        queue_url: str,
        deliver: Deliver,
        stopping: threading.Event,
        batch_size: int = 10,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.sqs = backend.client("sqs")
        self.queue_url = queue_url
        self.deliver = deliver
        self.stopping = stopping
        self.batch_size = min(max(batch_size, 1), 10)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once(WAIT_SECONDS)
            except Exception:
                log.exception("%s: polling %s failed; retrying", self.name, self.queue_url)
                self.stopping.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        failed = self.deliver(messages)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start:][:10])],
            )
        return len(messages)


def _receive_count(message: Mapping[str, Any]) -> int:
    return int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))


@dataclass
class RuleDelivery:
    """EventBridge -> function: one asynchronous invocation per event, retried `max_retries` times."""

    source: RuleSource
    invoke: Callable[[str, Any], Any]
    account_id: str

    def __call__(self, messages: list[dict[str, Any]]) -> set[str]:
        failed = set()
        for message in messages:
            event = json.loads(message["Body"])
            if isinstance(event, dict) and "detail-type" in event:
                event.setdefault("account", self.account_id)
            try:
                self.invoke(self.source.function_id, event)
            except Exception:
                attempt = _receive_count(message)
                if attempt > self.source.max_retries:
                    log.exception(
                        "%s failed on event %s; dropped after %d attempts",
                        self.source.function_id,
                        event.get("id") if isinstance(event, dict) else "?",
                        attempt,
                    )
                else:
                    log.exception("%s failed on an event (attempt %d); will retry", self.source.function_id, attempt)
                    failed.add(message["MessageId"])
        return failed


@dataclass
class QueueDelivery:
    """SQS -> function, in the SQS event format, with partial batch failures when declared."""

    source: QueueSource
    invoke: Callable[[str, Any], Any]
    queue_arn: str
    region: str

    def record(self, message: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: {**value, "stringListValues": [], "binaryListValues": []}
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }

    def __call__(self, messages: list[dict[str, Any]]) -> set[str]:
        records = []
        for message in messages:
            record = self.record(message)
            try:
                body = json.loads(record["body"])
            except ValueError:
                body = record["body"]
            if matches_any(self.source.filters, {**record, "body": body}):
                records.append(record)
        if not records:
            return set()
        ids = {record["messageId"] for record in records}
        try:
            result = self.invoke(self.source.function_id, {"Records": records})
        except Exception:
            log.exception(
                "%s failed on %d SQS message(s); they return after the visibility timeout",
                self.source.function_id,
                len(records),
            )
            return ids
        failures = result.get("batchItemFailures") if isinstance(result, Mapping) else None
        if failures and self.source.report_batch_item_failures:
            return {str(failure.get("itemIdentifier")) for failure in failures} & ids or ids
        return set()


class EventTap:
    """Delivers every event that reached a bus to `record` (the `/_local/events` log)."""

    def __init__(self, record: Callable[[dict[str, Any]], None], account_id: str) -> None:
        self.record = record
        self.account_id = account_id

    def __call__(self, messages: list[dict[str, Any]]) -> set[str]:
        for message in messages:
            event = json.loads(message["Body"])
            event.setdefault("account", self.account_id)
            ordered = {key: event[key] for key in ENVELOPE_KEYS if key in event}
            self.record({**ordered, **event})
        return set()


def bootstrap_rules(
    project: Project,
    backend: Backend,
    invoke: Callable[[str, Any], Any],
    record_event: Callable[[dict[str, Any]], None],
    stopping: threading.Event,
) -> list[QueuePoller]:
    """Create the template's rules (and the local plumbing behind function targets); return the pollers
    to start."""
    _template_rules(project, backend)
    return [
        *_function_rules(project, backend, invoke, stopping),
        *_queue_consumers(project, backend, invoke, stopping),
        _event_tap(project, backend, record_event, stopping),
    ]


def _template_rules(project: Project, backend: Backend) -> None:
    """`AWS::Events::Rule` resources with their SQS targets (the backend delivers to those itself)."""
    events = backend.client("events")
    resolver = project.resolver
    for logical_id, rule in project.resources_of("AWS::Events::Rule").items():
        props = rule.get("Properties") or {}
        if props.get("ScheduleExpression"):
            log.info("rule %s: schedules do not fire locally (POST /_local/schedules/<name> runs one)", logical_id)
            continue
        name = resolver.physical_name(logical_id)
        bus = _bus_name(resolver.resolve(props.get("EventBusName", "default")))
        request: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if props.get("EventPattern") is not None:
            request["EventPattern"] = _pattern(resolver.resolve(props["EventPattern"]))
        events.put_rule(**request)
        targets = []
        for target in props.get("Targets") or []:
            resolved = resolver.resolve(target)
            if ":sqs:" not in str(resolved.get("Arn")):
                continue  # function targets are RuleSources (see _function_rules); others are not emulated
            keep = ("Id", "Arn", "Input", "InputPath", "InputTransformer", "SqsParameters")
            targets.append({key: resolved[key] for key in keep if key in resolved})
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)


def _function_rules(
    project: Project, backend: Backend, invoke: Callable[[str, Any], Any], stopping: threading.Event
) -> list[QueuePoller]:
    """A rule per function target, delivering to a private queue that a poller drains into the function."""
    events = backend.client("events")
    resolver = project.resolver
    pollers = []
    for source in project.rule_sources:
        bus = _bus_name(resolver.resolve(source.bus))
        rule_name = _local_name(project, source.rule_key, 64)
        # A short visibility timeout: a failed invocation is retried about a second later.
        queue_url, queue_arn = ensure_queue(
            backend, _local_name(project, f"local-{source.rule_key}", 80), {"VisibilityTimeout": "1"}
        )
        events.put_rule(Name=rule_name, EventBusName=bus, EventPattern=_pattern(resolver.resolve(source.pattern)))
        target: dict[str, Any] = {"Id": "local-function", "Arn": queue_arn}
        if source.input is not None:
            target["Input"] = _pattern(resolver.resolve(source.input))
        if source.input_path:
            target["InputPath"] = source.input_path
        events.put_targets(Rule=rule_name, EventBusName=bus, Targets=[target])
        delivery = RuleDelivery(source, invoke, resolver.account_id)
        pollers.append(QueuePoller(f"rule-{source.rule_key}", backend, queue_url, delivery, stopping))
    return pollers


def _queue_consumers(
    project: Project, backend: Backend, invoke: Callable[[str, Any], Any], stopping: threading.Event
) -> list[QueuePoller]:
    resolver = project.resolver
    pollers = []
    for source in project.queue_sources:
        queue_arn = str(resolver.resolve(source.queue))
        queue_url = backend.client("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
        delivery = QueueDelivery(source, invoke, queue_arn, resolver.region)
        name = f"sqs-{source.function_id}"
        pollers.append(QueuePoller(name, backend, queue_url, delivery, stopping, source.batch_size))
    return pollers


def _event_tap(
    project: Project, backend: Backend, record_event: Callable[[dict[str, Any]], None], stopping: threading.Event
) -> QueuePoller:
    """A catch-all rule on every bus, into one queue drained into the events log."""
    events = backend.client("events")
    resolver = project.resolver
    tap_url, tap_arn = ensure_queue(backend, _local_name(project, TAP, 80))
    buses = {"default"} | {resolver.physical_name(i) for i in project.resources_of("AWS::Events::EventBus")}
    rule_name = _local_name(project, TAP, 64)
    for bus in sorted(buses):
        events.put_rule(Name=rule_name, EventBusName=bus, EventPattern=json.dumps(CATCH_ALL))
        events.put_targets(Rule=rule_name, EventBusName=bus, Targets=[{"Id": "local-tap", "Arn": tap_arn}])
    return QueuePoller("events-tap", backend, tap_url, EventTap(record_event, resolver.account_id), stopping)
