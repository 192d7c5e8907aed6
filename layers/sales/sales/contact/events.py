"""The events a contact publishes: their data models and specs."""

from __future__ import annotations

from typing import Literal

from kernel.events import EventData, EventSpec


class ContactSnapshot(EventData):
    contact_id: str
    kind: Literal["organization", "person"]
    display_name: str
    owner_id: str
    emails: list[str]
    lifecycle: str


class ContactRef(EventData):
    contact_id: str


EVENTS: tuple[EventSpec, ...] = (
    EventSpec("contact.created", "1.0.0", "sales", ContactSnapshot, "A contact was created."),
    EventSpec("contact.updated", "1.0.0", "sales", ContactSnapshot, "A contact changed."),
    EventSpec("contact.deleted", "1.0.0", "sales", ContactRef, "A contact was soft-deleted."),
    EventSpec("contact.restored", "1.0.0", "sales", ContactRef, "A soft-deleted contact came back."),
)
