"""Tools of the reliability suite: the test's own view of the tables, fault injection, stats recounts.

Everything here looks at AWS through clients the *test* builds (never the service's cached clients), so a
check such as "nothing was written" does not depend on the code under test.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from kernel import clients
from tests.support.api import ROOT, Api, LambdaContext, decode
from tests.support.aws import IDEMPOTENCY_TABLE, TABLE
from tests.support.events import api_event
from tests.support.streams import stream_records

TABLES = (TABLE, IDEMPOTENCY_TABLE)
_deserializer = TypeDeserializer()
_loaded = itertools.count(1)


# -- the test's own view of the tables -------------------------------------------------------------------
def plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB-JSON item as plain Python (numbers as int where integral)."""
    out = {}
    for name, value in item.items():
        decoded = _deserializer.deserialize(value)
        out[name] = _plain_value(decoded)
    return out


def _plain_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_value(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain_value(inner) for inner in value]
    return value


@cache
def own_dynamodb() -> Any:
    """The test's DynamoDB client: not kernel.clients (whose Scan the suite refuses). moto's mock
    hooks every botocore client, so one client serves every mocked account."""
    return boto3.client("dynamodb", region_name="eu-west-1")


def scan(table: str) -> list[dict[str, Any]]:
    """Every item of `table`, read by a paginated Scan through the test's own client."""
    items: list[dict[str, Any]] = []
    for page in own_dynamodb().get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(plain(item) for item in page["Items"])
    return items


@dataclass(frozen=True)
class Snapshot:
    """Every item of both tables, canonically ordered: equal snapshots mean nothing was written."""

    items: dict[str, tuple[str, ...]]

    @classmethod
    def take(cls) -> Snapshot:
        return cls(
            {
                table: tuple(sorted(json.dumps(item, sort_keys=True, default=str) for item in scan(table)))
                for table in TABLES
            }
        )

    def counts(self) -> dict[str, int]:
        return {table: len(items) for table, items in self.items.items()}

    def diff(self, other: Snapshot) -> dict[str, dict[str, list[str]]]:
        result = {}
        for table in TABLES:
            before, after = set(self.items[table]), set(other.items[table])
            if before != after:
                result[table] = {"removed": sorted(before - after), "added": sorted(after - before)}
        return result


def deal_item(deal_id: str) -> dict[str, Any] | None:
    found = own_dynamodb().get_item(
        TableName=TABLE, Key={"PK": {"S": f"DEAL#{deal_id}"}, "SK": {"S": "DEAL"}}, ConsistentRead=True
    )
    return plain(found["Item"]) if "Item" in found else None


def outbox_rows() -> list[dict[str, Any]]:
    """The outbox rows the table stream carried so far (what the relay reads), oldest first."""
    rows = []
    for record in stream_records():
        keys = record["dynamodb"]["Keys"]
        if record["eventName"] == "INSERT" and keys["SK"]["S"].startswith("OUTBOX#"):
            rows.append(plain(record["dynamodb"]["NewImage"]))
    return rows


def events_of(aggregate_id: str, event_type: str | None = None) -> list[dict[str, Any]]:
    return [
        row
        for row in outbox_rows()
        if row["aggregate_id"] == aggregate_id and (event_type is None or row["event_type"] == event_type)
    ]


def assert_error_envelope(status: int, body: Any, code: str) -> None:
    """A refusal in the error envelope (a 4xx, or a 503 asking to retry later; never a 500), with `code`, a
    message, well-formed details and no stack trace."""
    assert 400 <= status < 500 or status == 503, (status, body)
    assert isinstance(body, dict) and set(body) == {"status", "error"}, body
    assert body["status"] == "error"
    error = body["error"]
    assert set(error) <= {"code", "message", "details"} and error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    for detail in error.get("details", []):
        assert set(detail) == {"field", "message"} and all(isinstance(v, str) for v in detail.values()), detail
    text = json.dumps(body)
    assert "Traceback" not in text and 'File "' not in text, "no stack trace in a response"


# -- handlers ---------------------------------------------------------------------------------------------
def fresh_handler(folder: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """functions/<folder>/app.py loaded once more under a new name: its own resolver, as a second Lambda
    execution environment has. Threads must not share one resolver (it keeps the current event)."""
    path = ROOT / "functions" / folder / "app.py"
    spec = importlib.util.spec_from_file_location(f"reliability_{folder.replace('/', '_')}_{next(_loaded)}", path)
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler  # type: ignore[no-any-return]


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]

    @property
    def error_code(self) -> str | None:
        return ((self.body or {}).get("error") or {}).get("code")


def invoke(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    method: str,
    path: str,
    *,
    resource: str,
    path_params: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    principal: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    raw_body: str | None = None,
    base64: bool = False,
) -> Reply:
    """Call one handler with a hand-made API Gateway event (for routes the Api client cannot express)."""
    event = api_event(
        method,
        path,
        resource=resource,
        path_params=path_params,
        body=body,
        headers=headers,
        principal=principal,
        query=query,
        raw_body=raw_body,
    )
    event["isBase64Encoded"] = base64
    status, headers_out, body_out = decode(handler(event, LambdaContext()))
    return Reply(status, body_out, headers_out)


# -- fault injection on the service's own clients ---------------------------------------------------------
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
    client = clients.dynamodb() if service == "dynamodb" else clients.eventbridge()
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
            service = model.service_model.endpoint_prefix  # dynamodb, events
            self.calls.append((service, model.name, json.loads(json.dumps(params, default=str))))

    def operations(self) -> list[str]:
        return [operation for _service, operation, _params in self.calls]


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    hooks = [
        (clients.dynamodb(), "before-parameter-build.dynamodb"),
        (clients.eventbridge(), "before-parameter-build.eventbridge"),
    ]
    for client, event in hooks:
        client.meta.events.register(event, recorder, unique_id=f"reliability-record-{id(recorder)}")
    try:
        yield recorder
    finally:
        for client, event in hooks:
            client.meta.events.unregister(event, unique_id=f"reliability-record-{id(recorder)}")


# -- stats, recounted from the lists ---------------------------------------------------------------------
def all_pages(api: Api, path: str, **query: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list endpoint (following next_cursor) and the total it reports."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(1000):
        params = {"page_size": 100, **query, **({"cursor": cursor} if cursor else {})}
        reply = api.get(path, query=params)
        assert reply.status == 200, reply.body
        items.extend(reply.data)
        cursor = reply.body["pagination"]["next_cursor"]
        if not cursor:
            return items, reply.body["pagination"]["total"]
    raise AssertionError("the list never ended")


PROBABILITY = {
    "intake": 0,
    "lead": 10,
    "qualified": 25,
    "proposal": 50,
    "negotiation": 75,
    "closed_won": 100,
    "closed_lost": 0,
}
STATUS = {"closed_won": "won", "closed_lost": "lost"}


def _half_even_hundredth(amount: int) -> int:
    quotient, remainder = divmod(amount, 100)
    if remainder > 50 or (remainder == 50 and quotient % 2):
        quotient += 1
    return quotient


def expected_stats(deals: list[dict[str, Any]], first_month: str, last_month: str) -> dict[str, Any]:
    """Pipeline, won and forecast stats as a recount of `deals` (the live deals, from the lists)."""
    stages: Counter[str] = Counter({stage: 0 for stage in PROBABILITY})
    open_value: dict[str, dict[str, int]] = defaultdict(dict)
    won: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    forecast: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for deal in deals:
        stage, currency, value = deal["stage"], deal["currency"], deal["value"]
        stages[stage] += 1
        if deal["status"] == "open":
            open_value[stage][currency] = open_value[stage].get(currency, 0) + value
        if deal["status"] == "won":
            won[currency][0] += 1
            won[currency][1] += value
        month = (deal["expected_close_date"] or "")[:7]
        if deal["status"] == "open" and stage != "intake" and first_month <= month <= last_month:
            row = forecast[(month, currency)]
            row[0] += 1
            row[1] += value
            row[2] += value * PROBABILITY[stage]
    by_currency = [
        {"currency": currency, "count": count, "total_value": total} for currency, (count, total) in sorted(won.items())
    ]
    single = by_currency[0] if len(by_currency) == 1 else None
    return {
        "pipeline": {"stats": dict(stages), "open_value": {stage: dict(v) for stage, v in open_value.items()}},
        "won": {
            "count": sum(row["count"] for row in by_currency),
            "total_value": single["total_value"] if single else (0 if not by_currency else None),
            "currency": single["currency"] if single else None,
            "by_currency": by_currency,
        },
        "forecast": {
            "from": first_month,
            "to": last_month,
            "months": [
                {
                    "month": month,
                    "currency": currency,
                    "count": count,
                    "value": value,
                    "weighted_value": _half_even_hundredth(weighted),
                }
                for (month, currency), (count, value, weighted) in sorted(forecast.items())
            ],
        },
    }


def assert_stats_match_a_recount(api: Api, first_month: str, last_month: str) -> list[dict[str, Any]]:
    """Stats endpoints and every list total equal a recount of the deals the lists return.

    Returns the live deals, for further checks."""
    deals, total = all_pages(api, "/sales/deals")
    assert total == len(deals) == len({deal["id"] for deal in deals}), "list total and items disagree"
    for deal in deals:
        assert deal["probability"] == PROBABILITY[deal["stage"]], deal
        assert deal["status"] == STATUS.get(deal["stage"], "open"), deal
    expected = expected_stats(deals, first_month, last_month)
    assert api.get("/sales/deals/stats/pipeline").data == expected["pipeline"]
    assert api.get("/sales/deals/stats/won").data == expected["won"]
    forecast = api.get("/sales/deals/stats/forecast", query={"from": first_month, "to": last_month}).data
    assert forecast == expected["forecast"]
    for status in ("open", "won", "lost"):
        listed, listed_total = all_pages(api, "/sales/deals", status=status)
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["status"] == status), status
    for stage in PROBABILITY:
        listed, listed_total = all_pages(api, f"/sales/deals/stage/{stage}")
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["stage"] == stage), stage
    for owner in {deal["assigned_to"] for deal in deals}:
        listed, listed_total = all_pages(api, "/sales/deals", assigned_to=owner)
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["assigned_to"] == owner), owner
    for customer in {deal["customer_id"] for deal in deals}:
        listed, listed_total = all_pages(api, f"/sales/contacts/{customer}/deals")
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["customer_id"] == customer), customer
    return deals


class Lambdas:
    """Requests routed like `Api`, each operation served by its own freshly loaded handler: a second
    execution environment, safe to call from another thread or from inside a running request."""

    def __init__(self, principal: dict[str, str] | None = None) -> None:
        from tests.support.events import claims

        self.principal = principal if principal is not None else claims()
        self._handlers: dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]] = {}

    def call(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None) -> Reply:
        from tests.support.api import route

        found = route(method, path)
        assert found, f"no contract routes {method} {path}"
        contract, params = found
        folder = contract.function_folder
        if folder not in self._handlers:
            self._handlers[folder] = fresh_handler(folder)
        return invoke(
            self._handlers[folder],
            method,
            path,
            resource=contract.http.path,
            path_params=params,
            body=body,
            headers=headers,
            principal=self.principal,
        )


def wipe() -> None:
    """Delete every item of both tables (the test's own client): a clean account without re-creating it."""
    client = own_dynamodb()
    for table in TABLES:
        key_names = [key["AttributeName"] for key in client.describe_table(TableName=table)["Table"]["KeySchema"]]
        for page in client.get_paginator("scan").paginate(
            TableName=table,
            ProjectionExpression=", ".join(f"#k{index}" for index in range(len(key_names))),
            ExpressionAttributeNames={f"#k{index}": name for index, name in enumerate(key_names)},
        ):
            for start in range(0, len(page["Items"]), 25):
                chunk = page["Items"][start : start + 25]
                client.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": item}} for item in chunk]})
