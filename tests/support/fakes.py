"""In-memory stores for unit-testing use cases without AWS: the rules use cases rely on the store for (one
version per save, lost races refused, unique emails, no delete of a contact with live deals), nothing more."""

from __future__ import annotations

import copy

from kernel.context import RequestContext
from kernel.errors import Conflict, FieldIssue, StaleVersion
from kernel.events import RecordedEvent
from sales.contact.model import Contact, name_key


class FakeContacts:
    def __init__(self, deal_counts: dict[str, int] | None = None) -> None:
        self.stored: dict[str, Contact] = {}
        self.deal_counts = deal_counts or {}
        self.published: list[RecordedEvent] = []
        self.saves = 0

    def get(self, aggregate_id: str) -> Contact | None:
        found = self.stored.get(aggregate_id)
        return copy.deepcopy(found) if found else None

    def save(self, contact: Contact, before: Contact | None, ctx: RequestContext) -> None:
        if before is not None and not contact.pending_events and contact == before:
            return
        current = self.stored.get(contact.id)
        if (current.version if current else 0) != contact.version:
            raise StaleVersion()
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

    def by_name(self, prefix: str | None, page_size: int, cursor: str | None) -> tuple[list[Contact], str | None, int]:
        live = sorted(
            (c for c in self.stored.values() if not c.is_deleted and name_key(c.display_name).startswith(prefix or "")),
            key=lambda c: (name_key(c.display_name), c.id),
        )
        start = int(cursor or 0)
        page = live[start : start + page_size]
        more = start + page_size < len(live)
        return [copy.deepcopy(c) for c in page], str(start + page_size) if more else None, len(live)

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]:
        return self.get(contact_id), self.deal_counts.get(contact_id, 0)

    def event_types(self) -> list[str]:
        return [event.event_type for event in self.published]
