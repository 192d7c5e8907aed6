"""Contacts in the Sales table: the item mapping, the one save path with email claims (uniqueness enforced by
the transaction) and the live-contact counter, and the reads only contacts need."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kernel.clock import from_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, get_item, unchanged
from kernel.dynamodb.transaction import MAX_ITEMS, Transaction, pick_shard
from kernel.errors import Conflict, DomainError, FieldIssue, StaleVersion
from kernel.settings import settings
from sales import keys
from sales.contact.model import Contact, ContactFilter, ContactKind, Lifecycle
from sales.contact.names import name_key
from sales.contact.network import Link
from sales.contact.places import Address, business_domains
from sales.keys import Key
from sales.relationship.model import MAX_PER_CONTACT


def _under(contact: Contact) -> str | None:
    return contact.parent_id or contact.employer_id


@dataclass(frozen=True)
class Guard:
    """Another contact a command relied on: still at `version` (and, if `live`, not deleted) at commit."""

    contact_id: str
    version: int
    live: bool = True


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
        "website": contact.website,
        "country": contact.country,
        "address": contact.address.as_dict() if contact.address else None,
        "parent_id": contact.parent_id,
        "employer_id": contact.employer_id,
        "manager_id": contact.manager_id,
        "conversion": contact.conversion,
        "bridge": contact.bridge,
        "merged_into": contact.merged_into,
        "pending_merges": list(contact.pending_merges),
        "merged_from": list(contact.merged_from),
    }
    if not contact.is_deleted:
        item.update(
            keys.contact_indexes(
                contact.id,
                contact.display_name,
                contact.kind.value,
                contact.lifecycle.value,
                contact.owner_id,
                _under(contact),
            )
        )
    return item


def contact_from_item(item: Item) -> Contact:
    address = item.get("address")
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
        website=item.get("website"),
        country=item.get("country"),
        address=Address(**address) if address else None,
        parent_id=item.get("parent_id"),
        employer_id=item.get("employer_id"),
        manager_id=item.get("manager_id"),
        conversion=item.get("conversion"),
        bridge=item.get("bridge"),
        merged_into=item.get("merged_into"),
        pending_merges=list(item.get("pending_merges") or []),
        merged_from=list(item.get("merged_from") or []),
    )


def _members(contact: Contact | None) -> dict[tuple[str, str], Item]:
    """The entry items of a live contact's tags and phones, each carrying the attributes the lists filter on,
    by (family, value)."""
    if contact is None or contact.is_deleted:
        return {}
    shared: Item = {
        "type": "ContactEntry",
        "contact_id": contact.id,
        "kind": contact.kind.value,
        "lifecycle": contact.lifecycle.value,
        "owner_id": contact.owner_id,
        "parent_id": contact.parent_id,
        "employer_id": contact.employer_id,
        "tags": list(contact.tags),
    }
    found: dict[tuple[str, str], Item] = {}
    domains = business_domains(contact.emails, contact.website)
    for family, values in (
        (keys.TAG_MEMBER, contact.tags),
        (keys.PHONE_MEMBER, contact.phones),
        (keys.DOMAIN_MEMBER, domains),
    ):
        for value in values:
            found[(family, value)] = {
                **keys.contact_member(contact.id, family, value),
                **shared,
                **keys.contact_member_indexes(family, value, contact.id, contact.display_name),
            }
    return found


# How a hierarchy link is named as a network edge (from the contact to the one above it).
_LINK_NAMES = {"parent_id": "parent", "employer_id": "employer", "manager_id": "manager"}
# The filters every index entry of a contact (its own item or a tag or phone entry) carries as attributes.
_EQUAL_FILTERS = ("kind", "lifecycle", "owner_id", "parent_id", "employer_id")


def list_query(filters: ContactFilter) -> tuple[queries.IndexQuery, bool]:
    """The index that answers `filters`, the others as post-filters, and whether its entries are tag or phone
    entries (the contacts are then read with one BatchGetItem). The most selective filter picks the index:
    a phone, then the organization a contact is under, a tag, an owner, kind and lifecycle, else every contact."""
    prefix = name_key(filters.q) if filters.q else None
    wanted = {
        "kind": filters.kind.value if filters.kind else None,
        "lifecycle": filters.lifecycle.value if filters.lifecycle else None,
        "owner_id": filters.owner_id,
        "parent_id": filters.parent_id,
        "employer_id": filters.employer_id,
    }
    contains: tuple[tuple[str, str], ...] = ()
    entries = False
    if filters.phone is not None:
        index, partition, entries = "GSI1", keys.contact_member_list(keys.PHONE_MEMBER, filters.phone), True
        if filters.tag is not None:
            contains = (("tags", filters.tag),)
    elif filters.parent_id is not None or filters.employer_id is not None:
        under = filters.parent_id or filters.employer_id
        index, partition = "GSI4", keys.contact_under_list(str(under))
    elif filters.tag is not None:
        index, partition, entries = "GSI1", keys.contact_member_list(keys.TAG_MEMBER, filters.tag), True
    elif filters.owner_id is not None:
        index, partition = "GSI3", keys.contact_owner_list(filters.owner_id)
        wanted["owner_id"] = None  # the partition is the owner's
    elif filters.kind is not None or filters.lifecycle is not None:
        kinds = [filters.kind] if filters.kind else list(ContactKind)
        stages = [filters.lifecycle] if filters.lifecycle else list(Lifecycle)
        parts = tuple(keys.contact_kind_list(kind.value, stage.value) for kind in kinds for stage in stages)
        query = queries.IndexQuery(
            "GSI2",
            parts[0] if len(parts) == 1 else "CONTACT#KIND",
            prefix,
            newest_first=False,
            partitions=parts if len(parts) > 1 else (),
        )
        return query, False
    else:
        index, partition = "GSI1", keys.CONTACT
    post = tuple((name, value) for name, value in wanted.items() if value is not None and name in _EQUAL_FILTERS)
    query = queries.IndexQuery(index, partition, prefix, newest_first=False, filters=post, contains=contains)
    return query, entries


class ContactRepository(Repository[Contact]):
    aggregate_type = "Contact"

    def key(self, aggregate_id: str) -> Key:
        return keys.contact(aggregate_id)

    def to_item(self, aggregate: Contact) -> Item:
        return contact_item(aggregate)

    def from_item(self, item: Item) -> Contact:
        return contact_from_item(item)

    def page(self, filters: ContactFilter, page_size: int, cursor: str | None) -> tuple[list[Contact], str | None, int]:
        """Live contacts matching `filters` in name order, one page, with how many match in all: the
        live-contact counter for an unfiltered list, else a counting Query of the index partition(s) read."""
        query, entries = list_query(filters)
        page = queries.query_page(query, page_size, cursor)
        if entries:
            found = queries.get_items([keys.contact(entry["contact_id"]) for entry in page.items])
            contacts = [contact_from_item(item) for item in found if item is not None]
        else:
            contacts = [contact_from_item(item) for item in page.items]
        unfiltered = query.partition == keys.CONTACT and not query.prefix and not query.filters
        total = contact_counters()["all"] if unfiltered else queries.count(query)
        return contacts, page.next_cursor, total

    def links_of(self, contact: Contact, most: int) -> list[Link]:
        """`contact`'s relationships (every one: at most MAX_PER_CONTACT), its own hierarchy links up, and up to
        `most` hierarchy links of contacts under it: one Query of its edge partition, whatever the table holds."""
        entries = queries.partition_items(keys.contact_edges(contact.id), limit=MAX_PER_CONTACT + most)
        found = [Link(contact.id, above, _LINK_NAMES[link]) for link, above in contact.links().items()]
        for entry in entries:
            if entry["SK"].startswith(keys.EDGE):
                found.append(Link(entry["from_id"], entry["to_id"], entry["relationship_type"], entry.get("label")))
            elif entry["SK"].startswith(keys.SUBORDINATE):
                found.append(Link(entry["contact_id"], contact.id, _LINK_NAMES[entry["link"]]))
        return found

    def live(self, contact_ids: Iterable[str]) -> list[Contact]:
        """The live contacts among `contact_ids`, one BatchGetItem per 100."""
        unique = list(dict.fromkeys(contact_ids))
        found: list[Contact] = []
        for start in range(0, len(unique), keys.BATCH_GET_MAX_KEYS):
            chunk = unique[start : start + keys.BATCH_GET_MAX_KEYS]
            for item in queries.get_items([keys.contact(contact_id) for contact_id in chunk]):
                if item is not None and not item.get("deleted_at"):
                    found.append(contact_from_item(item))
        return found

    def look_alikes(self, contact: Contact, most: int) -> dict[str, set[str]]:
        """Other contacts sharing one of `contact`'s phones, business domains or its casefolded name, with the
        reasons, at most `most` per phone, domain and name: one Query each, bounded by `contact`'s own data."""
        found: dict[str, set[str]] = {}

        def collect(query: queries.IndexQuery, reason: str) -> None:
            for entry in queries.query_page(query, most).items:
                other = str(entry.get("contact_id") or entry["id"])
                if other != contact.id:
                    found.setdefault(other, set()).add(reason)

        for phone in contact.phones:
            collect(
                queries.IndexQuery("GSI1", keys.contact_member_list(keys.PHONE_MEMBER, phone), newest_first=False),
                "same_phone",
            )
        for domain in business_domains(contact.emails, contact.website):
            collect(
                queries.IndexQuery("GSI1", keys.contact_member_list(keys.DOMAIN_MEMBER, domain), newest_first=False),
                "same_domain",
            )
        same_name = f"{name_key(contact.display_name)}#"
        collect(queries.IndexQuery("GSI1", keys.CONTACT, same_name, newest_first=False), "same_name")
        return found

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]:
        """The contact and how many live deals it has, in one BatchGetItem."""
        item, counter = queries.get_items([keys.contact(contact_id), keys.customer_deal_counter(contact_id)])
        return (contact_from_item(item) if item else None), queries.counters_of(counter)["all"]

    def many(self, contact_ids: list[str]) -> dict[str, Contact]:
        """The contacts stored under these ids, deleted or not, by id (one consistent BatchGetItem, at most 100)."""
        items = queries.get_items([keys.contact(contact_id) for contact_id in contact_ids])
        return {item["id"]: contact_from_item(item) for item in items if item}

    def linked_under(self, contact_id: str, most: int) -> list[tuple[str, str]]:
        """Up to `most` (contact, link) pairs of contacts whose hierarchy link names `contact_id`, from its
        subordinate entries (one Query)."""
        entries = queries.partition_items(keys.contact_edges(contact_id), keys.SUBORDINATE, limit=most)
        return [(str(entry["contact_id"]), str(entry["link"])) for entry in entries]

    def save_link_moves(
        self, moves: list[tuple[Contact, Contact]], stray: list[tuple[str, str, str]], ctx: RequestContext
    ) -> int:
        """As many of `moves` (contacts whose link changed, each with its state before) as one transaction
        holds, in order, with the subordinate entries in `stray` ((above, link, contact) naming a link that is
        no longer there) deleted: how many moves were written. Each contact is written at the version read."""
        tx = Transaction(settings().table_name)
        for above, link, contact_id in stray:
            tx.delete(keys.subordinate(above, link, contact_id))
        written = 0
        for contact, before in moves:
            size = tx.size
            with self.saving(contact, ctx, joining=tx):
                self._write(tx, contact, before, ())
            if tx.size > MAX_ITEMS:
                tx.truncate(size)
                contact.version -= 1
                break
            written += 1
        tx.commit()
        return written

    def merge_pair(self, survivor_id: str, duplicate_id: str) -> tuple[Contact | None, Contact | None, int]:
        """Both contacts of a merge and how many live relationships they have together, in one BatchGetItem."""
        survivor, duplicate, *counters = queries.get_items(
            [
                keys.contact(survivor_id),
                keys.contact(duplicate_id),
                keys.relationship_counter(survivor_id),
                keys.relationship_counter(duplicate_id),
            ]
        )
        relationships = sum(queries.counters_of(counter)["all"] for counter in counters)
        return (
            contact_from_item(survivor) if survivor else None,
            contact_from_item(duplicate) if duplicate else None,
            relationships,
        )

    def owner_of_email(self, email: str) -> str | None:
        """The live holder of a normalized address (normalize_email), as its claim item names it."""
        item = get_item(keys.email_claim(email))
        return str(item["contact_id"]) if item else None

    def save(
        self,
        contact: Contact,
        before: Contact | None,
        ctx: RequestContext,
        guards: Sequence[Guard] = (),
        joining: Transaction | None = None,
    ) -> None:
        """`guards`: other contacts the command read and relied on (a link's target, the ancestors its cycle
        check walked), each still live at the version read, or the transaction fails as a lost race and the
        command runs again on what they are now. `joining`: a transaction to add to, committed by its owner
        (an event consumer's)."""
        if unchanged(contact, before):
            return
        with self.saving(contact, ctx, joining) as tx:
            self._write(tx, contact, before, guards)

    def merge(
        self,
        survivor: Contact,
        survivor_before: Contact,
        duplicate: Contact,
        duplicate_before: Contact,
        ctx: RequestContext,
        guards: Sequence[Guard] = (),
    ) -> None:
        """Both contacts of a merge in one transaction: each at the version read, the duplicate's email claims
        handed to the survivor (never released in between, so no one else can take an address meanwhile)."""
        handed = frozenset(duplicate_before.emails)
        with self.saving(survivor, ctx) as tx:
            self._write(tx, survivor, survivor_before, guards, taken_from=duplicate.id, handed=handed)
            with self.saving(duplicate, ctx, joining=tx):
                self._write(tx, duplicate, duplicate_before, (), handed=handed)

    def _write(
        self,
        tx: Transaction,
        contact: Contact,
        before: Contact | None,
        guards: Sequence[Guard],
        *,
        taken_from: str | None = None,
        handed: frozenset[str] = frozenset(),
    ) -> None:
        self._email_claims(tx, contact, before, taken_from, handed)
        self._entries(tx, contact, before)
        self._subordinates(tx, contact, before)
        for guard in guards:
            live = " AND attribute_not_exists(deleted_at)" if guard.live else ""
            tx.check(
                keys.contact(guard.contact_id),
                "#version = :version" + live,
                names={"#version": "version"},
                values={":version": guard.version},
                on_condition_failed=lambda _old: StaleVersion(),
            )
        if contact.is_deleted and not contact.is_merged and (before is None or not before.is_deleted):
            # A merged contact's deals are the survivor's now (the merge worker re-points them).
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
    def _subordinates(tx: Transaction, contact: Contact, before: Contact | None) -> None:
        """Each hierarchy link also has an entry under the contact it points to, for the network's step down.
        Kept while the contact is deleted (the network leaves deleted contacts out), moved with the link."""
        old = before.links() if before is not None else {}
        new = contact.links()
        for link, above in new.items():
            if old.get(link) != above:
                tx.put(
                    {
                        **keys.subordinate(above, link, contact.id),
                        "type": "Subordinate",
                        "contact_id": contact.id,
                        "link": link,
                    }
                )
        for link, above in old.items():
            if new.get(link) != above:
                tx.delete(keys.subordinate(above, link, contact.id))

    @staticmethod
    def _entries(tx: Transaction, contact: Contact, before: Contact | None) -> None:
        """Tag and phone entries follow the contact: written when new or changed, deleted when gone."""
        old, new = _members(before), _members(contact)
        for member, item in sorted(new.items()):
            if old.get(member) != item:
                tx.put(item)
        for family, value in sorted(set(old) - set(new)):
            tx.delete(keys.contact_member(contact.id, family, value))

    @staticmethod
    def _email_claims(
        tx: Transaction, contact: Contact, before: Contact | None, taken_from: str | None, handed: frozenset[str]
    ) -> None:
        """One claim item per address of a live contact: uniqueness enforced by the transaction. In a merge, the
        `handed` addresses change hands: the survivor takes over the claims the duplicate (`taken_from`) holds,
        and the duplicate leaves them alone."""
        held = set() if before is None or before.is_deleted else set(before.emails)
        wanted = set() if contact.is_deleted else set(contact.emails)
        for email in sorted(wanted - held):
            condition, values = "attribute_not_exists(PK) OR contact_id = :me", {":me": contact.id}
            failed: Any = _duplicate(email)
            if taken_from is not None and email in handed:
                # The duplicate let go of it since it was read: a lost race, run again on what is there now.
                condition, values, failed = "contact_id = :them", {":them": taken_from}, lambda _old: StaleVersion()
            tx.put(
                {**keys.email_claim(email), "type": "EmailClaim", "contact_id": contact.id, "email": email},
                condition=condition,
                values=values,
                on_condition_failed=failed,
            )
        for email in sorted(held - wanted - handed):
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
