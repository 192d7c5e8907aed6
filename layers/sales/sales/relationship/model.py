"""The Relationship aggregate: a typed, directed edge between two contacts of the buying network
("Ada influences Acme", "Acme is a customer of Bolt"), besides the hierarchy links contacts carry themselves.

One relationship per (from, to, type): the store enforces that with a claim item, so the aggregate checks only
what it can see alone (two distinct contacts, a label where the type needs one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kernel.aggregate import AggregateRoot
from kernel.errors import FieldIssue, ValidationFailed
from kernel.ids import new_id
from sales.relationship.events import RelationshipCreated, RelationshipDeleted

LABEL_MAX = 200
# A contact is an end of at most this many live relationships: its relationship list and its step of the network
# read all of its edges in one Query (about 300 bytes each, well under a Query's 1 MB page).
MAX_PER_CONTACT = 200


class RelationshipType(StrEnum):
    COLLEAGUE = "colleague"
    REPORTS_TO = "reports_to"
    INFLUENCES = "influences"
    DECISION_MAKER_FOR = "decision_maker_for"
    PARTNER_OF = "partner_of"
    SUPPLIER_OF = "supplier_of"
    CUSTOMER_OF = "customer_of"
    OTHER = "other"


class Direction(StrEnum):
    """How a relationship is seen from one of its contacts."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"


@dataclass(kw_only=True)
class Relationship(AggregateRoot):
    from_id: str
    to_id: str
    type: RelationshipType
    label: str | None = None

    @classmethod
    def create(
        cls, *, from_id: str, to_id: str, type: RelationshipType, label: str | None, now: datetime
    ) -> Relationship:
        if from_id == to_id:
            raise ValidationFailed(
                "a relationship links two different contacts", [FieldIssue("to_id", "must not be the contact itself")]
            )
        text = label.strip() if label is not None else None
        if type is RelationshipType.OTHER and not text:
            raise ValidationFailed("type other needs a label", [FieldIssue("label", "required when type is other")])
        if text is not None and len(text) > LABEL_MAX:
            raise ValidationFailed(f"label is at most {LABEL_MAX} characters", [FieldIssue("label", "too long")])
        relationship = cls(
            id=new_id(), from_id=from_id, to_id=to_id, type=type, label=text or None, created_at=now, updated_at=now
        )
        relationship.record(
            RelationshipCreated(
                relationship_id=relationship.id,
                from_id=from_id,
                to_id=to_id,
                type=type.value,
                label=relationship.label,
            )
        )
        return relationship

    def links(self, contact_id: str) -> bool:
        return contact_id in (self.from_id, self.to_id)

    def direction_from(self, contact_id: str) -> Direction:
        return Direction.OUTGOING if contact_id == self.from_id else Direction.INCOMING

    def other_end(self, contact_id: str) -> str:
        return self.to_id if contact_id == self.from_id else self.from_id

    def replace_end(self, old_id: str, new_id: str, *, now: datetime) -> None:
        """A contact it links was merged into `new_id`: that end is `new_id` now. No event: `contact.merged`
        tells subscribers which contact absorbed which."""
        self.from_id = new_id if self.from_id == old_id else self.from_id
        self.to_id = new_id if self.to_id == old_id else self.to_id
        self.touch(now)

    def delete(self, *, now: datetime) -> None:
        self.deleted_at = now
        self.touch(now)
        self.record(
            RelationshipDeleted(relationship_id=self.id, from_id=self.from_id, to_id=self.to_id, type=self.type.value)
        )
