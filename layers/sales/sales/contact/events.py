"""The events a contact publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, EventValue, catalogue


@dataclass(frozen=True, kw_only=True)
class ContactSnapshot(DomainEvent):
    """What a contact looks like after the change."""

    contact_id: str
    kind: Literal["organization", "person"]
    display_name: str
    owner_id: str
    emails: list[str]
    lifecycle: str


@dataclass(frozen=True, kw_only=True)
class ContactCreated(ContactSnapshot):
    KEY = "contact.created"
    DESCRIPTION = "A contact was created."


@dataclass(frozen=True, kw_only=True)
class ContactUpdated(ContactSnapshot):
    KEY = "contact.updated"
    DESCRIPTION = "A contact changed."


@dataclass(frozen=True, kw_only=True)
class ContactDeleted(DomainEvent):
    KEY = "contact.deleted"
    DESCRIPTION = "A contact was soft-deleted."

    contact_id: str


@dataclass(frozen=True, kw_only=True)
class ContactRestored(DomainEvent):
    KEY = "contact.restored"
    DESCRIPTION = "A soft-deleted contact came back."

    contact_id: str


@dataclass(frozen=True, kw_only=True)
class ContactMerged(ContactSnapshot):
    KEY = "contact.merged"
    DESCRIPTION = (
        "A duplicate contact was merged into this one, which absorbed its emails, phones, tags and empty fields; "
        "the duplicate's records are re-pointed to this contact next, in the background."
    )

    duplicate_id: str


@dataclass(frozen=True, kw_only=True)
class ContactConversionRequested(DomainEvent):
    KEY = "contact.conversion_requested"
    DESCRIPTION = "Sales asked for a contact to become a tenant or an application user (Federation acts on it)."

    contact_id: str
    kind: Literal["organization", "person"]
    display_name: str
    emails: list[str]
    target: Literal["tenant", "application_user"]


@dataclass(frozen=True, kw_only=True)
class Bridge(EventValue):
    """The contact's reference on the other side of the conversion bridge."""

    kind: Literal["tenant", "application_user"]
    id: str
    bridged_at: str


@dataclass(frozen=True, kw_only=True)
class ContactBridged(DomainEvent):
    KEY = "contact.bridged"
    DESCRIPTION = "A contact was linked to the tenant or application user created for it."

    contact_id: str
    bridge: Bridge


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales",
    ContactCreated,
    ContactUpdated,
    ContactDeleted,
    ContactRestored,
    ContactMerged,
    ContactConversionRequested,
    ContactBridged,
)
