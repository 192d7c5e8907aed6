"""A moto account with the service's table, a seeded pipeline, and the real handlers invoked in-process.

Seeding writes exactly what the commands write (deal items with their index keys, stage history, stats
shards, owner and customer counters, contacts with their email claims): it runs the real domain methods and
the real repositories, but collects each save's transaction instead of committing it, folds the counter
deltas (ADD) together, and writes the result with BatchWriteItem. Outbox rows are left out: the relay has
long consumed them, and no read path touches them.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.counting import Recorder, Recording
from bench.env import REGION

OWNERS = tuple(f"0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a{index:02x}" for index in range(5))
ACTOR = OWNERS[0]
CURRENCIES = ("USD", "EUR", "JPY")
# Stage mix of every 20 consecutive deals: 8 lead, 4 qualified, 3 proposal, 2 negotiation, 2 won, 1 lost.
STAGE_CYCLE = ("lead",) * 8 + ("qualified",) * 4 + ("proposal",) * 3 + ("negotiation",) * 2 + ("won",) * 2 + ("lost",)
DEALS_PER_CUSTOMER = 10
LIFECYCLES = ("prospect", "active", "dormant", "disqualified")
SEGMENTS = 5  # customers carry one of these tags in turn (segment-0 .. segment-4)


def customer_phone(number: int) -> str:
    """A valid Berlin number of its own for each seeded customer."""
    return f"+49 30 {1_000_000 + number}"


_ADD = re.compile(r"(#\w+) (:\w+)")


@dataclass
class Seeded:
    contacts: list[str] = field(default_factory=list)
    deals: list[str] = field(default_factory=list)
    stage_of: dict[str, str] = field(default_factory=dict)
    customer_of: dict[str, str] = field(default_factory=dict)
    owner_of: dict[str, str] = field(default_factory=dict)

    def deal_in(self, stage: str, index: int = 0) -> str:
        return [deal for deal in self.deals if self.stage_of[deal] == stage][index]


@dataclass
class Invocation:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]
    seconds: float
    recording: Recording

    @property
    def data(self) -> Any:
        assert self.body is not None, f"no body (status {self.status})"
        return self.body["data"]


class World:
    """`with World() as world:` a fresh moto account; `world.seed(n)`; `world.invoke(...)`."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self._mock: Any = None
        self.seeded = Seeded()

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> World:
        from moto import mock_aws

        from kernel import clients
        from kernel.http import idempotency
        from local import moto_fixes
        from tests.support.aws import BILLING_TABLE, create_bus, create_idempotency_table, create_table, use_context

        # Transactions as DynamoDB runs them, with no copy of the table per transaction.
        moto_fixes.install()
        self._mock = mock_aws()
        self._mock.start()
        clients.reset()
        idempotency.reset()
        use_context("sales")
        create_table()
        create_table(BILLING_TABLE, "BillingTable")
        create_idempotency_table()
        create_bus()
        return self

    def __exit__(self, *exc: object) -> None:
        from kernel import clients
        from kernel.http import idempotency

        self._mock.stop()
        clients.reset()
        idempotency.reset()

    # -- requests --------------------------------------------------------------------------------
    def invoke(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        user: str = ACTOR,
        groups: str | None = None,
    ) -> Invocation:
        """One API request through its function's real handler; times the handler call alone."""
        from tests.support.api import LambdaContext, decode, request_event, staff_claims
        from tests.support.events import claims

        # No groups: a sales rep, or an admin on the routes only admins may call.
        principal = claims(user, groups) if groups is not None else staff_claims(method, path, user)
        event, handler = request_event(method, path, query=query, body=body, headers=headers, principal=principal)
        context = LambdaContext()
        with self.recorder.recording() as recording, contextlib.redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            response = handler(event, context)
            seconds = time.perf_counter() - started
        status, headers_out, reply = decode(response)
        return Invocation(status, reply, headers_out, seconds, recording)

    def relay(self, records: list[dict[str, Any]]) -> Invocation:
        from tests.support.api import LambdaContext, function_module

        handler = function_module("sales/outbox_relay").lambda_handler
        with self.recorder.recording() as recording, contextlib.redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            response = handler({"Records": records}, LambdaContext())
            seconds = time.perf_counter() - started
        return Invocation(200, response, {}, seconds, recording)

    # -- seeding ---------------------------------------------------------------------------------
    def seed(self, deals: int, *, today: date | None = None) -> Seeded:
        """`deals` deals over deals/10 customers and 5 owners, in a fixed stage/currency/date mix; each customer
        with a phone of its own, one of SEGMENTS tags and a lifecycle in turn."""
        from kernel.context import Principal, RequestContext
        from kernel.money import Money
        from sales.contact.model import Contact, ContactKind, Lifecycle
        from sales.contact.store import ContactRepository
        from sales.deal.model import Deal, Stage
        from sales.deal.store import DealRepository

        now = datetime.now(UTC)
        today = today or now.date()
        ctx = RequestContext(principal=Principal(ACTOR, frozenset({"sales"})), correlation_id="bench-seed", now=now)
        contacts_repo, deals_repo = ContactRepository(), DealRepository()
        seeded = self.seeded
        start = len(seeded.contacts)
        with _collected() as transactions:
            for index in range(max(1, deals // DEALS_PER_CUSTOMER)):
                number = start + index
                contact = Contact.create(
                    kind=ContactKind.ORGANIZATION,
                    display_name=f"Customer {number:05d} GmbH",
                    owner_id=OWNERS[number % len(OWNERS)],
                    emails=[f"buyer{number}@customer{number}.example"],
                    phones=[customer_phone(number)],
                    lifecycle=Lifecycle(LIFECYCLES[number % len(LIFECYCLES)]),
                    tags=[f"segment-{number % SEGMENTS}"],
                    now=now,
                )
                contacts_repo.save(contact, None, ctx)
                seeded.contacts.append(contact.id)
            customers = seeded.contacts[start:]
            for index in range(deals):
                stage = STAGE_CYCLE[index % len(STAGE_CYCLE)]
                deal = Deal.create(
                    customer_id=customers[index % len(customers)],
                    assigned_to=OWNERS[index % len(OWNERS)],
                    name=f"Deal {len(seeded.deals):05d}",
                    value=Money(100 * (1000 + (index * 37) % 100_000), CURRENCIES[index % len(CURRENCIES)]),
                    expected_close_date=today + timedelta(days=30 + (index * 7) % 540),
                    actor=ACTOR,
                    now=now,
                )
                deals_repo.save(deal, None, ctx, check_customer=True)
                if stage != "lead":
                    before = copy.deepcopy(deal)
                    if stage == "won":
                        deal.win(close_date=today, actor=ACTOR, now=now)
                    elif stage == "lost":
                        deal.lose(close_date=today, actor=ACTOR, now=now, reason="budget")
                    else:
                        deal.move_to_stage(Stage(stage), actor=ACTOR, now=now)
                    deals_repo.save(deal, before, ctx)
                seeded.deals.append(deal.id)
                seeded.stage_of[deal.id] = stage
                seeded.customer_of[deal.id] = deal.customer_id
                seeded.owner_of[deal.id] = deal.assigned_to
        _write(transactions)
        return seeded


@contextlib.contextmanager
def _collected() -> Iterator[list[list[dict[str, Any]]]]:
    """Every Transaction.commit inside the block is recorded instead of sent."""
    from kernel.dynamodb.transaction import Transaction

    transactions: list[list[dict[str, Any]]] = []
    original = Transaction.commit

    def collect(self: Transaction, *, client_token: str | None = None) -> None:
        transactions.append([operation.request for operation in self.operations])

    Transaction.commit = collect  # type: ignore[method-assign]
    try:
        yield transactions
    finally:
        Transaction.commit = original  # type: ignore[method-assign]


def _key(attributes: dict[str, Any]) -> tuple[str, str]:
    return attributes["PK"]["S"], attributes["SK"]["S"]


def _write(transactions: list[list[dict[str, Any]]]) -> None:
    """Apply collected transactions in order: puts and deletes by key, counter ADDs summed."""
    from kernel.settings import settings

    items: dict[tuple[str, str], dict[str, Any]] = {}
    counters: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for operations in transactions:
        for operation in operations:
            if "Put" in operation:
                item = operation["Put"]["Item"]
                if not item["SK"]["S"].startswith("OUTBOX#"):
                    items[_key(item)] = item
            elif "Delete" in operation:
                items.pop(_key(operation["Delete"]["Key"]), None)
            elif "Update" in operation:
                update = operation["Update"]
                assert update["UpdateExpression"].startswith("ADD "), update
                names, values = update["ExpressionAttributeNames"], update["ExpressionAttributeValues"]
                for name, value in _ADD.findall(update["UpdateExpression"]):
                    counters[_key(update["Key"])][names[name]] += int(values[value]["N"])
    for key, totals in counters.items():
        item = items.setdefault(key, {"PK": {"S": key[0]}, "SK": {"S": key[1]}})
        for name, total in totals.items():
            item[name] = {"N": str(total)}
    # Straight into moto's table (its stream included): the AWS request layer adds nothing but minutes here.
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    table = settings().table_name
    with _fast_moto_items():
        for item in items.values():
            backend.put_item(table, item)


@contextlib.contextmanager
def _fast_moto_items() -> Iterator[None]:
    """moto re-adds up every attribute's size on each attribute it stores (to enforce the 400 KB limit), which
    makes seeding 10,000 deals take minutes; the seeded items are a few KB, so skip that check while seeding."""
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    original = LimitedSizeDict.__setitem__
    LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        LimitedSizeDict.__setitem__ = original  # type: ignore[method-assign]
