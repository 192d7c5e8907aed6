"""Load and save aggregates. A save is one conditional transaction: state + history + outbox + counters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sales.adapters import clients
from sales.adapters.dynamodb import keys
from sales.adapters.dynamodb.codec import (
    Item,
    contact_from_item,
    contact_item,
    deal_from_item,
    deal_item,
    from_attributes,
    to_attributes,
)
from sales.adapters.dynamodb.outbox import outbox_items
from sales.adapters.dynamodb.transaction import Transaction, pick_shard
from sales.application.context import RequestContext
from sales.domain.aggregate import AggregateRoot
from sales.domain.clock import to_rfc3339
from sales.domain.contact import Contact
from sales.domain.deal import Deal
from sales.domain.errors import (
    AlreadyApplied,
    Conflict,
    DomainError,
    FieldIssue,
    ReferenceNotFound,
    StaleVersion,
    TransientWriteConflict,
)
from sales.domain.pipeline import delta, pipeline_counters, scope_counters
from sales.settings import settings

DEAL_STATS = "DEAL"
CONTACT_STATS = "CONTACT"


def get_item(key: keys.Key) -> Item | None:
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


# The same window as the Idempotency-Key records (runtime/idempotency.py): after it, a key is forgotten.
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


def _outbox(tx: Transaction, aggregate: AggregateRoot, pk: str, kind: str, ctx: RequestContext) -> None:
    for row in outbox_items(pk, kind, aggregate.version, aggregate.pending_events, ctx):
        tx.put(row)


def _bump(aggregate: AggregateRoot) -> int | None:
    """Advance the version for the write; return the version the stored item must still have."""
    previous = aggregate.version if aggregate.version > 0 else None
    aggregate.version += 1
    return previous


@contextmanager
def _saving(
    aggregate: AggregateRoot, item_of: Callable[[Any], Item], pk: str, kind: str, ctx: RequestContext
) -> Iterator[Transaction]:
    """What every save shares: the versioned put, the keyed-command record and the outbox rows, then the
    caller's own items, then one commit. The version is advanced for the write and restored on failure."""
    previous_version = _bump(aggregate)
    try:
        tx = Transaction(settings().table_name)
        _versioned_put(tx, item_of(aggregate), previous_version)
        _command_guard(tx, aggregate, ctx)
        _outbox(tx, aggregate, pk, kind, ctx)
        yield tx
        tx.commit()
    except BaseException:
        aggregate.version -= 1
        raise
    aggregate.pending_events.clear()


def _unchanged(aggregate: AggregateRoot, before: AggregateRoot | None) -> bool:
    """A command that changed nothing stores nothing: no new version, no write."""
    return before is not None and not aggregate.pending_events and aggregate == before


class DealRepository:
    def get(self, deal_id: str) -> Deal | None:
        item = get_item(keys.deal(deal_id))
        return deal_from_item(item) if item else None

    def save(self, deal: Deal, before: Deal | None, ctx: RequestContext, *, check_customer: bool = False) -> None:
        """Persist `deal` as changed from `before` (None when new), with everything it implies."""
        if _unchanged(deal, before) and not deal.pending_stage_changes:
            return
        with _saving(deal, deal_item, keys.deal(deal.id)["PK"], "Deal", ctx) as tx:
            for index, change in enumerate(deal.pending_stage_changes):
                tx.put(
                    {
                        **keys.history(deal.id, deal.version, index),
                        "type": "StageChange",
                        "from_stage": change.from_stage.value if change.from_stage else None,
                        "to_stage": change.to_stage.value,
                        "actor": change.actor,
                        "at": to_rfc3339(change.at),
                    }
                )
            if check_customer:
                tx.check(
                    keys.contact(deal.customer_id),
                    "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
                    on_condition_failed=lambda _old: ReferenceNotFound(
                        f"customer {deal.customer_id} is not a live contact",
                        "CUSTOMER_NOT_FOUND",
                        "customer_id",
                    ),
                )
            self._counters(tx, before, deal)
        deal.pending_stage_changes.clear()

    @staticmethod
    def _counters(tx: Transaction, before: Deal | None, after: Deal) -> None:
        tx.add_counters(
            keys.stats_shard(DEAL_STATS, pick_shard(settings().stats_shards)),
            delta(pipeline_counters(before), pipeline_counters(after)),
        )
        # Owner and customer totals: the old owner loses what the new one gains on a reassignment.
        for key_of, attribute in (
            (keys.owner_deal_counter, "assigned_to"),
            (keys.customer_deal_counter, "customer_id"),
        ):
            old_scope = getattr(before, attribute) if before else None
            new_scope = getattr(after, attribute)
            if old_scope == new_scope:
                tx.add_counters(key_of(new_scope), delta(scope_counters(before), scope_counters(after)))
            else:
                if old_scope is not None:
                    tx.add_counters(key_of(old_scope), delta(scope_counters(before), scope_counters(None)))
                tx.add_counters(key_of(new_scope), delta(scope_counters(None), scope_counters(after)))


class ContactRepository:
    def get(self, contact_id: str) -> Contact | None:
        item = get_item(keys.contact(contact_id))
        return contact_from_item(item) if item else None

    def owner_of_email(self, email: str) -> str | None:
        """The live holder of a normalized address (normalize_email), as its claim item names it."""
        item = get_item(keys.email_claim(email))
        return str(item["contact_id"]) if item else None

    def save(self, contact: Contact, before: Contact | None, ctx: RequestContext) -> None:
        if _unchanged(contact, before):
            return
        with _saving(contact, contact_item, keys.contact(contact.id)["PK"], "Contact", ctx) as tx:
            self._email_claims(tx, contact, before)
            if contact.is_deleted and (before is None or not before.is_deleted):
                tx.check(
                    keys.customer_deal_counter(contact.id),
                    "attribute_not_exists(#all) OR #all = :zero",
                    names={"#all": "all"},
                    values={":zero": 0},
                    on_condition_failed=lambda old: Conflict(
                        f"contact {contact.id} still has {int((old or {}).get('all', 0))} live deal(s); "
                        "delete or reassign them first",
                        "CONTACT_HAS_DEALS",
                    ),
                )
            live_before = 0 if before is None or before.is_deleted else 1
            live_after = 0 if contact.is_deleted else 1
            if live_after != live_before:
                tx.add_counters(
                    keys.stats_shard(CONTACT_STATS, pick_shard(settings().stats_shards)),
                    {"all": live_after - live_before},
                )

    @staticmethod
    def _email_claims(tx: Transaction, contact: Contact, before: Contact | None) -> None:
        """One claim item per address of a live contact: uniqueness enforced by the transaction."""
        held = set() if before is None or before.is_deleted else set(before.emails)
        wanted = set() if contact.is_deleted else set(contact.emails)
        for email in sorted(wanted - held):
            tx.put(
                {**keys.email_claim(email), "type": "EmailClaim", "contact_id": contact.id, "email": email},
                condition="attribute_not_exists(PK) OR contact_id = :me",
                values={":me": contact.id},
                on_condition_failed=_duplicate(email),
            )
        for email in sorted(held - wanted):
            tx.delete(keys.email_claim(email))


def _duplicate(email: str) -> Any:
    def build(old: Item | None) -> DomainError:
        existing = (old or {}).get("contact_id")
        if existing is None:  # the store did not return the claim: read it to name the holder
            claim = get_item(keys.email_claim(email))
            existing = claim.get("contact_id") if claim else None
        return Conflict(
            f"a contact with email {email} already exists: {existing}",
            "DUPLICATE_CONTACT",
            [FieldIssue("emails", f"{email} belongs to contact {existing}")],
        )

    return build
