"""Contacts in the Sales table: the item mapping, the one save path with email claims (uniqueness enforced by
the transaction) and the live-contact counter, and the reads only contacts need."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kernel.clock import from_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, get_item, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import Conflict, DomainError, FieldIssue
from kernel.settings import settings
from sales import keys
from sales.contact.model import Contact, ContactKind, Lifecycle
from sales.keys import Key


def contact_item(contact: Contact) -> Item:
    item: Item = {
        **keys.contact(contact.id),
        "type": "Contact",
        **audit_fields(contact),
        "kind": contact.kind.value,
        "display_name": contact.display_name,
        "owner_id": contact.owner_id,
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "lifecycle": contact.lifecycle.value,
        "tags": list(contact.tags),
        "bridge": contact.bridge,
    }
    if not contact.is_deleted:
        item.update(keys.contact_indexes(contact.id, contact.display_name))
    return item


def contact_from_item(item: Item) -> Contact:
    return Contact(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        kind=ContactKind(item["kind"]),
        display_name=item["display_name"],
        owner_id=item["owner_id"],
        emails=list(item.get("emails") or []),
        phones=list(item.get("phones") or []),
        lifecycle=Lifecycle(item["lifecycle"]),
        tags=list(item.get("tags") or []),
        bridge=item.get("bridge"),
    )


class ContactRepository(Repository[Contact]):
    aggregate_type = "Contact"

    def key(self, aggregate_id: str) -> Key:
        return keys.contact(aggregate_id)

    def to_item(self, aggregate: Contact) -> Item:
        return contact_item(aggregate)

    def from_item(self, item: Item) -> Contact:
        return contact_from_item(item)

    def by_name(self, prefix: str | None, page_size: int, cursor: str | None) -> tuple[list[Contact], str | None, int]:
        """Live contacts in name order, optionally those whose name key starts with `prefix` (name_key), with
        the total: the live-contact counter, or a counting Query of the prefix's range."""
        index = queries.IndexQuery("GSI1", keys.CONTACT, prefix, newest_first=False)
        page = queries.query_page(index, page_size, cursor)
        total = queries.count(index) if prefix else contact_counters()["all"]
        return [contact_from_item(item) for item in page.items], page.next_cursor, total

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]:
        """The contact and how many live deals it has, in one BatchGetItem."""
        item, counter = queries.get_items([keys.contact(contact_id), keys.customer_deal_counter(contact_id)])
        return (contact_from_item(item) if item else None), queries.counters_of(counter)["all"]

    def owner_of_email(self, email: str) -> str | None:
        """The live holder of a normalized address (normalize_email), as its claim item names it."""
        item = get_item(keys.email_claim(email))
        return str(item["contact_id"]) if item else None

    def save(self, contact: Contact, before: Contact | None, ctx: RequestContext) -> None:
        if unchanged(contact, before):
            return
        with self.saving(contact, ctx) as tx:
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
                    keys.stats_shard(keys.CONTACT_STATS, pick_shard(settings().stats_shards)),
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


def contact_counters() -> Counter[str]:
    return queries.read_counters(keys.CONTACT_STATS)
