"""In-memory stores for unit-testing use cases without AWS: the rules use cases rely on the store for (one
version per save, lost races refused, unique emails, no delete of a contact with live deals, no deal for a
customer that is not live), the lists in their order and the totals and counters the reads ask for, nothing
more."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kernel.context import RequestContext
from kernel.errors import Conflict, FieldIssue, ReferenceNotFound, StaleVersion
from kernel.events import RecordedEvent
from sales.contact.model import Contact, ContactFilter
from sales.contact.names import name_key
from sales.contact.store import Guard
from sales.deal import stats
from sales.deal.model import Deal, DealFilter, StageChange
from sales.relationship.model import Relationship


class FakeContacts:
    def __init__(self, deal_counts: dict[str, int] | None = None) -> None:
        self.stored: dict[str, Contact] = {}
        self.deal_counts = deal_counts or {}
        self.published: list[RecordedEvent] = []
        self.saves = 0
        self.guarded: list[list[str]] = []  # the contacts each save relied on
        self.relationship_counts: dict[str, int] = {}

    def get(self, aggregate_id: str) -> Contact | None:
        found = self.stored.get(aggregate_id)
        return copy.deepcopy(found) if found else None

    def save(self, contact: Contact, before: Contact | None, ctx: RequestContext, guards: Sequence[Guard] = ()) -> None:
        if before is not None and not contact.pending_events and contact == before:
            return
        current = self.stored.get(contact.id)
        if (current.version if current else 0) != contact.version:
            raise StaleVersion()
        for guard in guards:
            relied_on = self.stored.get(guard.contact_id)
            if relied_on is None or relied_on.version != guard.version or (guard.live and relied_on.is_deleted):
                raise StaleVersion()
        self.guarded.append([guard.contact_id for guard in guards])
        if not contact.is_deleted:
            for email in contact.emails:
                holder = self.owner_of_email(email)
                if holder not in (None, contact.id):
                    raise Conflict(
                        f"a contact with email {email} already exists: {holder}",
                        "DUPLICATE_CONTACT",
                        [FieldIssue("emails", f"{email} belongs to contact {holder}")],
                    )
        if contact.is_deleted and (before is None or not before.is_deleted) and self.deal_counts.get(contact.id):
            raise Conflict(f"contact {contact.id} still has live deals", "CONTACT_HAS_DEALS")
        contact.version += 1
        self.published.extend(contact.pending_events)
        contact.pending_events.clear()
        self.stored[contact.id] = copy.deepcopy(contact)
        self.saves += 1

    def owner_of_email(self, email: str) -> str | None:
        return next((c.id for c in self.stored.values() if not c.is_deleted and email in c.emails), None)

    def merge_pair(self, survivor_id: str, duplicate_id: str) -> tuple[Contact | None, Contact | None, int]:
        return (
            self.get(survivor_id),
            self.get(duplicate_id),
            self.relationship_counts.get(survivor_id, 0) + self.relationship_counts.get(duplicate_id, 0),
        )

    def merge(
        self,
        survivor: Contact,
        survivor_before: Contact,
        duplicate: Contact,
        duplicate_before: Contact,
        ctx: RequestContext,
        guards: Sequence[Guard] = (),
    ) -> None:
        # The duplicate lets go of its emails first, as the claims change hands in the one transaction.
        for contact in (duplicate, survivor):
            current = self.stored.get(contact.id)
            if (current.version if current else 0) != contact.version:
                raise StaleVersion()
        self.save(duplicate, duplicate_before, ctx)
        self.save(survivor, survivor_before, ctx, guards)

    def page(self, filters: ContactFilter, page_size: int, cursor: str | None) -> tuple[list[Contact], str | None, int]:
        live = sorted(
            (c for c in self.stored.values() if not c.is_deleted and filters.matches(c)),
            key=lambda c: (name_key(c.display_name), c.id),
        )
        start = int(cursor or 0)
        page = live[start : start + page_size]
        more = start + page_size < len(live)
        return [copy.deepcopy(c) for c in page], str(start + page_size) if more else None, len(live)

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]:
        return self.get(contact_id), self.deal_counts.get(contact_id, 0)

    def is_live(self, contact_id: str) -> bool:
        contact = self.stored.get(contact_id)
        return contact is not None and not contact.is_deleted

    def event_types(self) -> list[str]:
        return [event.event_type for event in self.published]


class FakeDeals:
    """Deals in memory. A save keeps the customer's live-deal count on `contacts` (what refuses deleting a
    contact with live deals), and with `check_customer` refuses a customer that is not a live contact there."""

    def __init__(self, contacts: FakeContacts | None = None) -> None:
        self.contacts = contacts if contacts is not None else FakeContacts()
        self.stored: dict[str, Deal] = {}
        self.history: dict[str, list[StageChange]] = {}
        self.published: list[RecordedEvent] = []
        self.saves = 0

    def get(self, aggregate_id: str) -> Deal | None:
        found = self.stored.get(aggregate_id)
        return copy.deepcopy(found) if found else None

    def save(
        self,
        deal: Deal,
        before: Deal | None,
        ctx: RequestContext,
        *,
        check_customer: bool = False,
        also: Any = None,
    ) -> None:
        if before is not None and not deal.pending_events and not deal.pending_stage_changes and deal == before:
            return
        current = self.stored.get(deal.id)
        if (current.version if current else 0) != deal.version:
            raise StaleVersion()
        if check_customer and not self.contacts.is_live(deal.customer_id):
            raise ReferenceNotFound(
                f"customer {deal.customer_id} is not a live contact", "CUSTOMER_NOT_FOUND", "customer_id"
            )
        deal.version += 1
        self.history.setdefault(deal.id, []).extend(deal.pending_stage_changes)
        deal.pending_stage_changes.clear()
        self.published.extend(deal.pending_events)
        deal.pending_events.clear()
        self.stored[deal.id] = copy.deepcopy(deal)
        self.contacts.deal_counts[deal.customer_id] = self.total(DealFilter(customer_id=deal.customer_id))
        self.saves += 1

    def page(
        self, filters: DealFilter, page_size: int, cursor: str | None, page: int | None
    ) -> tuple[list[Deal], str | None]:
        """Newest first in the order of the index the table answers the filters with: by status and stage
        within a customer's or an owner's deals, by stage within a status, else by id (ids grow with time)."""

        def order(deal: Deal) -> tuple[str, ...]:
            if filters.customer_id is not None or filters.assigned_to is not None:
                return deal.status.value, deal.stage.value, deal.id
            if filters.implied_status is not None:
                return deal.stage.value, deal.id
            return (deal.id,)

        found = sorted(self._selected(filters), key=order, reverse=True)
        start = int(cursor or 0) + ((page or 1) - 1) * page_size
        more = start + page_size < len(found)
        return [copy.deepcopy(deal) for deal in found[start : start + page_size]], str(
            start + page_size
        ) if more else None

    def total(self, filters: DealFilter) -> int:
        return len(self._selected(filters))

    def pipeline_counters(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for deal in self.stored.values():
            totals.update(stats.pipeline_counters(deal))
        return totals

    def forecast(self, months: list[str]) -> stats.MonthCounters:
        totals: stats.MonthCounters = {month: Counter() for month in months}
        for deal in self.stored.values():
            for month, counters in stats.forecast_counters(deal).items():
                if month in totals:
                    totals[month].update(counters)
        return totals

    def with_history(self, deal_id: str) -> tuple[Deal | None, list[StageChange]]:
        return self.get(deal_id), list(self.history.get(deal_id, []))

    def event_types(self) -> list[str]:
        return [event.event_type for event in self.published]

    def _selected(self, filters: DealFilter) -> list[Deal]:
        return [
            deal
            for deal in self.stored.values()
            if not deal.is_deleted
            and filters.stage in (None, deal.stage)
            and filters.status in (None, deal.status)
            and filters.assigned_to in (None, deal.assigned_to)
            and filters.customer_id in (None, deal.customer_id)
        ]


class FakeRelationships:
    """Relationships in memory: one live relationship per (from, to, type), both ends live at save, the bound per
    contact; liveness of contacts is read from `contacts`."""

    def __init__(self, contacts: FakeContacts) -> None:
        self.contacts = contacts
        self.stored: dict[str, Relationship] = {}
        self.published: list[RecordedEvent] = []

    def get(self, aggregate_id: str) -> Relationship | None:
        found = self.stored.get(aggregate_id)
        return copy.deepcopy(found) if found else None

    def save(self, relationship: Relationship, before: Relationship | None, ctx: RequestContext) -> None:
        current = self.stored.get(relationship.id)
        if (current.version if current else 0) != relationship.version:
            raise StaleVersion()
        if before is None:
            for other in self.stored.values():
                same = (other.from_id, other.to_id, other.type) == (
                    relationship.from_id,
                    relationship.to_id,
                    relationship.type,
                )
                if same and not other.is_deleted:
                    raise Conflict("duplicate", "DUPLICATE_RELATIONSHIP")
            for end, field_name in ((relationship.from_id, "contact_id"), (relationship.to_id, "to_id")):
                if not self.contacts.is_live(end):
                    raise ReferenceNotFound(f"contact {end} is not live", "INVALID_REFERENCE", field_name)
        relationship.version += 1
        self.published.extend(relationship.pending_events)
        relationship.pending_events.clear()
        self.stored[relationship.id] = copy.deepcopy(relationship)

    def of_contact(self, contact_id: str) -> list[Relationship]:
        found = [r for r in self.stored.values() if not r.is_deleted and r.links(contact_id)]
        return [copy.deepcopy(r) for r in sorted(found, key=lambda r: r.id)]

    def live_contacts(self, contact_ids: list[str]) -> set[str]:
        return {contact_id for contact_id in contact_ids if self.contacts.is_live(contact_id)}

    def list_position(self, contact_id: str, cursor: str | None) -> str | None:
        return cursor.removeprefix(f"{contact_id}:") if cursor else None

    def list_cursor(self, contact_id: str, after: str) -> str:
        return f"{contact_id}:{after}"
