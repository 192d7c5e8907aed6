"""Edge models of the relationship operations."""

from __future__ import annotations

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, Output, ShortText
from sales.relationship.model import Direction, Relationship, RelationshipType


class CreateRelationshipInput(Input):
    contact_id: Id = Field(description="the relationship's `from` end (the path's contact)")
    to_id: Id
    type: RelationshipType
    label: ShortText | None = Field(default=None, description="required when type is other")


class RelationshipsQuery(ListQuery):
    contact_id: Id


class RelationshipRef(Input):
    contact_id: Id
    relationship_id: Id


class RelationshipView(Output):
    id: str
    from_id: str
    to_id: str
    type: RelationshipType
    label: str | None
    created_at: str

    @classmethod
    def of(cls, relationship: Relationship) -> RelationshipView:
        return cls(
            id=relationship.id,
            from_id=relationship.from_id,
            to_id=relationship.to_id,
            type=relationship.type,
            label=relationship.label,
            created_at=to_rfc3339(relationship.created_at),
        )


class ContactRelationshipView(RelationshipView):
    """A relationship as one of its contacts sees it."""

    direction: Direction

    @classmethod
    def seen_from(cls, relationship: Relationship, contact_id: str) -> ContactRelationshipView:
        return cls(**RelationshipView.of(relationship).model_dump(), direction=relationship.direction_from(contact_id))
