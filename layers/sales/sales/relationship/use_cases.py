"""Relationship use cases: link two contacts, list a contact's relationships both ways, remove one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kernel.commands import apply_once, check_precondition, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from sales.contact.store import ContactRepository
from sales.relationship.model import Relationship
from sales.relationship.store import RelationshipRepository
from sales.relationship.views import (
    ContactRelationshipView,
    CreateRelationshipInput,
    RelationshipRef,
    RelationshipsQuery,
    RelationshipView,
)

if TYPE_CHECKING:
    from sales.contact.model import Contact
    from sales.contact.use_cases import ContactStore


class RelationshipStore(Protocol):
    """What the relationship use cases need of storage: the DynamoDB repository, or an in-memory fake."""

    def get(self, aggregate_id: str) -> Relationship | None: ...

    def save(self, relationship: Relationship, before: Relationship | None, ctx: RequestContext) -> None: ...

    def of_contact(self, contact_id: str) -> list[Relationship]: ...

    def live_contacts(self, contact_ids: list[str]) -> set[str]: ...

    def list_position(self, contact_id: str, cursor: str | None) -> str | None: ...

    def list_cursor(self, contact_id: str, after: str) -> str: ...


RELATIONSHIPS: RelationshipStore = RelationshipRepository()
CONTACTS: ContactStore = ContactRepository()


def _live_contact(contacts: ContactStore, contact_id: str) -> Contact:
    contact = contacts.get(contact_id)
    if contact is None or contact.is_deleted:
        raise NotFound(f"contact {contact_id} not found", "CONTACT_NOT_FOUND")
    return contact


def create_relationship(
    cmd: CreateRelationshipInput,
    ctx: RequestContext,
    relationships: RelationshipStore = RELATIONSHIPS,
    contacts: ContactStore = CONTACTS,
) -> RelationshipView:
    # An If-Match names the version of the contact the relationship is created under.
    check_precondition(_live_contact(contacts, cmd.contact_id), ctx)
    relationship = Relationship.create(
        from_id=cmd.contact_id, to_id=cmd.to_id, type=cmd.type, label=cmd.label, now=ctx.now
    )
    # The save checks that both ends are live contacts, in the relationship's transaction: an unknown or deleted
    # `to_id` is refused there (422 INVALID_REFERENCE), with no read of its own.
    stored = create_once(ctx, relationship, lambda new: relationships.save(new, None, ctx), relationships.get)
    return RelationshipView.of(stored)


def list_relationships(
    query: RelationshipsQuery,
    ctx: RequestContext,
    relationships: RelationshipStore = RELATIONSHIPS,
    contacts: ContactStore = CONTACTS,
) -> ListResult[ContactRelationshipView]:
    """Both directions, oldest first. A relationship whose other contact is deleted is hidden, and shows again
    when that contact is restored."""
    _live_contact(contacts, query.contact_id)
    after = relationships.list_position(query.contact_id, query.cursor)
    every = relationships.of_contact(query.contact_id)
    live = relationships.live_contacts([r.other_end(query.contact_id) for r in every])
    visible = [r for r in every if r.other_end(query.contact_id) in live]
    rest = [r for r in visible if after is None or r.id > after]
    page = rest[: query.page_size]
    more = len(rest) > len(page)
    next_cursor = relationships.list_cursor(query.contact_id, page[-1].id) if more and page else None
    views = [ContactRelationshipView.seen_from(r, query.contact_id) for r in page]
    return paginate(views, len(visible), query.page_size, next_cursor, None)


def delete_relationship(
    cmd: RelationshipRef, ctx: RequestContext, relationships: RelationshipStore = RELATIONSHIPS
) -> None:
    def load() -> Relationship:
        found = relationships.get(cmd.relationship_id)
        if found is None or found.is_deleted or not found.links(cmd.contact_id):
            raise NotFound(
                f"contact {cmd.contact_id} has no relationship {cmd.relationship_id}", "RELATIONSHIP_NOT_FOUND"
            )
        return found

    apply_once(
        ctx,
        cmd.relationship_id,
        load,
        lambda relationship: relationship.delete(now=ctx.now),
        lambda relationship, before: relationships.save(relationship, before, ctx),
        lambda: relationships.get(cmd.relationship_id),
    )
