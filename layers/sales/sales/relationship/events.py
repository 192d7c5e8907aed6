"""The events a relationship publishes."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class RelationshipCreated(DomainEvent):
    KEY = "relationship.created"
    DESCRIPTION = "Two contacts were linked by a typed relationship."

    relationship_id: str
    from_id: str
    to_id: str
    type: str
    label: str | None


@dataclass(frozen=True, kw_only=True)
class RelationshipDeleted(DomainEvent):
    KEY = "relationship.deleted"
    DESCRIPTION = "A relationship between two contacts was removed."

    relationship_id: str
    from_id: str
    to_id: str
    type: str


EVENTS: tuple[EventSpec, ...] = catalogue("sales", RelationshipCreated, RelationshipDeleted)
