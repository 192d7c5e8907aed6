"""Fault injection on the service's own boto3 clients, and a record of every call they make.

Hooks go on `kernel.clients` (the clients the code under test uses), never on the code itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from kernel import clients


def client_error(code: str, operation: str, message: str = "injected", **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, **extra}, operation)  # type: ignore[arg-type]


def transaction_canceled(*codes: str) -> ClientError:
    reasons = [{"Code": code, "Message": "injected"} for code in codes]
    return client_error("TransactionCanceledException", "TransactWriteItems", CancellationReasons=reasons)


@dataclass
class Injector:
    """Raise `error` from a `before-call` hook on the service's client for the first `times` calls of
    `operation`; later calls reach moto. `calls` counts every call of the operation."""

    operation: str
    error: Callable[[], BaseException]
    times: int
    calls: int = 0
    raised: int = 0

    def __call__(self, **_kwargs: Any) -> None:
        self.calls += 1
        if self.raised < self.times:
            self.raised += 1
            raise self.error()


@contextmanager
def inject(service: str, operation: str, error: Callable[[], BaseException], times: int) -> Iterator[Injector]:
    client = {"dynamodb": clients.dynamodb, "events": clients.eventbridge, "sesv2": clients.sesv2}[service]()
    injector = Injector(operation, error, times)
    event = f"before-call.{service}.{operation}"
    client.meta.events.register(event, injector, unique_id=f"reliability-inject-{id(injector)}")
    try:
        yield injector
    finally:
        client.meta.events.unregister(event, unique_id=f"reliability-inject-{id(injector)}")


@dataclass
class Recorder:
    """Every API call the service's clients make: (service, operation, parameters)."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    active: bool = True

    def __call__(self, params: dict[str, Any], model: Any, **_kwargs: Any) -> None:
        if self.active:
            service = model.service_model.endpoint_prefix  # dynamodb, events, email (SES v2)
            self.calls.append((service, model.name, json.loads(json.dumps(params, default=str))))

    def operations(self) -> list[str]:
        return [operation for _service, operation, _params in self.calls]


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    hooks = [
        (clients.dynamodb(), "before-parameter-build.dynamodb"),
        (clients.eventbridge(), "before-parameter-build.eventbridge"),
        (clients.sesv2(), "before-parameter-build.sesv2"),
    ]
    for client, event in hooks:
        client.meta.events.register(event, recorder, unique_id=f"reliability-record-{id(recorder)}")
    try:
        yield recorder
    finally:
        for client, event in hooks:
            client.meta.events.unregister(event, unique_id=f"reliability-record-{id(recorder)}")
