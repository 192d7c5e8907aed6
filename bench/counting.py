"""Count what an operation costs: every AWS request the service's clients make, with items read and written.

Hooks the botocore events of the service's own clients (`kernel.clients`), so whatever path a
request takes (use case, idempotency layer, relay) is counted, and nothing else is (fixtures use their own
clients). Items read are what DynamoDB bills reads on: the keys a GetItem/BatchGetItem asks for (a missing
item is billed too) and the items a Query evaluates (ScannedCount, filtered ones included).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]
    items_read: int = 0
    items_written: int = 0
    entries: int = 0  # EventBridge PutEvents entries
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Recording:
    calls: list[Call] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.calls)

    @property
    def by_operation(self) -> Counter[str]:
        return Counter(call.operation for call in self.calls)

    @property
    def items_read(self) -> int:
        return sum(call.items_read for call in self.calls)

    @property
    def items_written(self) -> int:
        return sum(call.items_written for call in self.calls)

    @property
    def entries(self) -> int:
        return sum(call.entries for call in self.calls)

    @property
    def call_seconds(self) -> float:
        return sum(call.seconds for call in self.calls)

    def summary(self) -> str:
        """'GetItem + TransactWriteItems', '3 PutEvents': the request mix, in call order."""
        order: list[str] = []
        for call in self.calls:
            if call.operation not in order:
                order.append(call.operation)
        counts = self.by_operation
        return " + ".join(f"{counts[name]} {name}" if counts[name] > 1 else name for name in order) or "none"


def _items_read(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> int:
    """Keys a GetItem/BatchGetItem asks for (found or not, both are billed) and items a Query evaluates."""
    if operation == "GetItem":
        return 1
    if operation == "BatchGetItem":
        return sum(len(request.get("Keys") or []) for request in (params.get("RequestItems") or {}).values())
    if operation == "TransactGetItems":
        return len(params.get("TransactItems") or [])
    if operation in ("Query", "Scan"):
        return int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    return 0


def _items_written(operation: str, params: dict[str, Any]) -> int:
    if operation == "TransactWriteItems":
        return len(params.get("TransactItems") or [])
    if operation == "BatchWriteItem":
        return sum(len(requests) for requests in (params.get("RequestItems") or {}).values())
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        return 1
    return 0


class Recorder:
    """Attach to clients; `with recorder.recording() as rec:` collects the calls made inside the block."""

    def __init__(self) -> None:
        self._current: Recording | None = None

    def attach(self, client: Any) -> None:
        if getattr(client, "_bench_recorder", None) is self:
            return
        client._bench_recorder = self
        service = client.meta.service_model.service_name
        events = client.meta.events

        def before(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            if self._current is None:
                return
            # Recorded before it is sent: a request refused on the way out (a test's Scan guard) still counts.
            call = Call(service, model.name, dict(params))
            call.items_written = _items_written(call.operation, call.params)
            call.entries = len(call.params.get("Entries") or []) if call.operation == "PutEvents" else 0
            self._current.calls.append(call)
            context["bench_call"] = call
            context["bench_started"] = time.perf_counter()

        def after(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            call: Call | None = context.get("bench_call")
            if call is None:
                return
            call.seconds = time.perf_counter() - context["bench_started"]
            call.items_read = _items_read(call.operation, call.params, parsed)
            call.error = (parsed.get("Error") or {}).get("Code")

        # before-parameter-build sees the API-level arguments (before serialization), after-call the parsed
        # response (errors included: a failed request is a request too).
        events.register_first(f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}", before)
        events.register_last(f"after-call.{client.meta.service_model.service_id.hyphenize()}", after)

    def attach_service_clients(self) -> None:
        from kernel import clients

        self.attach(clients.dynamodb())
        self.attach(clients.eventbridge())

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        self.attach_service_clients()
        recording = Recording()
        self._current = recording
        try:
            yield recording
        finally:
            self._current = None
