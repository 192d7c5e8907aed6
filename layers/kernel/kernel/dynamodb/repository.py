"""Load and save aggregates. A save is one conditional transaction: the new state, the keyed-command record,
the outbox rows, then whatever the aggregate's own store adds (history, claims, counters), committed together.

A context's store subclasses `Repository` with its keys and item mapping; the use cases receive the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, ClassVar, Generic, TypeVar

from kernel import clients
from kernel.aggregate import AggregateRoot
from kernel.clock import to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import keys
from kernel.dynamodb.codec import Item, from_attributes, to_attributes
from kernel.dynamodb.outbox import outbox_items
from kernel.dynamodb.transaction import Transaction
from kernel.errors import AlreadyApplied, StaleVersion, TransientWriteConflict
from kernel.settings import settings

A = TypeVar("A", bound=AggregateRoot)


def get_item(key: keys.Key) -> Item | None:
    with clients.unavailable_when_throttled():
        response = clients.dynamodb().get_item(
            TableName=settings().table_name, Key=to_attributes(dict(key)), ConsistentRead=True
        )
    found = response.get("Item")
    return from_attributes(found) if found else None


def _versioned_put(tx: Transaction, item: Item, previous_version: int | None) -> None:
    if previous_version is None:
        tx.put(item, condition="attribute_not_exists(PK)", on_condition_failed=lambda _old: StaleVersion())
    else:
        tx.put(
            item,
            condition="#version = :version",
            names={"#version": "version"},
            values={":version": previous_version},
            on_condition_failed=lambda _old: StaleVersion(),
        )


# The same window as the Idempotency-Key records (kernel/http/idempotency.py): after it, a key is forgotten.
COMMAND_RETENTION = timedelta(hours=24)


def _command_guard(tx: Transaction, aggregate: AggregateRoot, ctx: RequestContext) -> None:
    """Record the keyed command in its own transaction; a second commit of the same command fails here."""
    if ctx.command_key is None:
        return
    key = keys.command(ctx.command_key)

    def already_applied(old: Item | None) -> Exception:
        found = old or get_item(key)
        if not found:  # the record vanished in between (expired and reaped): nothing applied, try again
            return TransientWriteConflict("command record changed under the transaction")
        return AlreadyApplied(str(found["aggregate_id"]))

    tx.put(
        {
            **key,
            "type": "AppliedCommand",
            "aggregate_id": aggregate.id,
            "applied_at": to_rfc3339(ctx.now),
            "expires_at": int((ctx.now + COMMAND_RETENTION).timestamp()),
        },
        # TTL deletes expired items lazily, so the window is enforced here, not by the reaper.
        condition="attribute_not_exists(PK) OR expires_at < :now",
        values={":now": int(ctx.now.timestamp())},
        on_condition_failed=already_applied,
    )


def command_applied(ctx: RequestContext) -> str | None:
    """The aggregate a keyed command already wrote, if it committed before (one GetItem)."""
    if ctx.command_key is None:
        return None
    found = get_item(keys.command(ctx.command_key))
    if not found or int(found.get("expires_at", 0)) < int(ctx.now.timestamp()):
        return None
    return str(found["aggregate_id"])


def _bump(aggregate: AggregateRoot) -> int | None:
    """Advance the version for the write; return the version the stored item must still have."""
    previous = aggregate.version if aggregate.version > 0 else None
    aggregate.version += 1
    return previous


@contextmanager
def saving(
    aggregate: AggregateRoot,
    item_of: Callable[[Any], Item],
    pk: str,
    kind: str,
    ctx: RequestContext,
    joining: Transaction | None = None,
) -> Iterator[Transaction]:
    """What every save shares: the versioned put, the keyed-command record and the outbox rows, then the
    caller's own items, then one commit. The version is advanced for the write and restored on failure.

    `joining`: add all of it to a transaction someone else commits (an event consumer's, which holds the
    event's claim): nothing is committed here, and whoever commits retries with a freshly loaded aggregate."""
    previous_version = _bump(aggregate)
    try:
        tx = joining if joining is not None else Transaction(settings().table_name)
        _versioned_put(tx, item_of(aggregate), previous_version)
        if joining is None:
            # A keyed command is recorded once, by the transaction's owner: an aggregate joining another's
            # command (the opportunity a lead's conversion creates) is part of that one command.
            _command_guard(tx, aggregate, ctx)
        for row in outbox_items(pk, kind, aggregate.version, aggregate.pending_events, ctx):
            tx.put(row)
        yield tx
        if joining is None:
            tx.commit()
    except BaseException:
        aggregate.version -= 1
        raise
    if joining is None:
        aggregate.pending_events.clear()


def unchanged(aggregate: AggregateRoot, before: AggregateRoot | None) -> bool:
    """A command that changed nothing stores nothing: no new version, no write."""
    return before is not None and not aggregate.pending_events and aggregate == before


class Repository(Generic[A]):
    """One aggregate type in the table: its key, its item mapping, and the one save path."""

    aggregate_type: ClassVar[str]

    def key(self, aggregate_id: str) -> keys.Key:
        raise NotImplementedError

    def to_item(self, aggregate: A) -> Item:
        raise NotImplementedError

    def from_item(self, item: Item) -> A:
        raise NotImplementedError

    def get(self, aggregate_id: str) -> A | None:
        item = get_item(self.key(aggregate_id))
        return self.from_item(item) if item else None

    @contextmanager
    def saving(self, aggregate: A, ctx: RequestContext, joining: Transaction | None = None) -> Iterator[Transaction]:
        pk = self.key(aggregate.id)["PK"]
        with saving(aggregate, self.to_item, pk, self.aggregate_type, ctx, joining) as tx:
            yield tx
