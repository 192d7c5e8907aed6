"""Relationships in the Sales table: the relationship item, its (from, to, type) claim, an edge in each end's
edge partition, and each end's relationship counter, all written in the relationship's one transaction."""

from __future__ import annotations

from collections import Counter

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import OnConditionFailed, Transaction
from kernel.errors import Conflict, FieldIssue, ReferenceNotFound, StaleVersion
from kernel.settings import settings
from sales import keys
from sales.contact.store import ContactRepository
from sales.keys import Key
from sales.relationship.model import MAX_PER_CONTACT, Relationship, RelationshipType


def relationship_item(relationship: Relationship) -> Item:
    return {
        **keys.relationship(relationship.id),
        "type": "Relationship",
        **audit_fields(relationship),
        "from_id": relationship.from_id,
        "to_id": relationship.to_id,
        "relationship_type": relationship.type.value,
        "label": relationship.label,
    }


def relationship_from_item(item: Item) -> Relationship:
    return Relationship(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        from_id=item["from_id"],
        to_id=item["to_id"],
        type=RelationshipType(item["relationship_type"]),
        label=item.get("label"),
    )


def _edge(relationship: Relationship, contact_id: str) -> Item:
    return {
        **keys.contact_edge(contact_id, relationship.id),
        "type": "Edge",
        "relationship_id": relationship.id,
        "from_id": relationship.from_id,
        "to_id": relationship.to_id,
        "relationship_type": relationship.type.value,
        "label": relationship.label,
        "created_at": to_rfc3339(relationship.created_at),
    }


def _edge_relationship(edge: Item) -> Relationship:
    created = from_rfc3339(edge["created_at"])
    return Relationship(
        id=edge["relationship_id"],
        from_id=edge["from_id"],
        to_id=edge["to_id"],
        type=RelationshipType(edge["relationship_type"]),
        label=edge.get("label"),
        created_at=created,
        updated_at=created,
    )


def _not_live(contact_id: str, field_name: str) -> OnConditionFailed:
    def error(_old: Item | None) -> Exception:
        return ReferenceNotFound(f"contact {contact_id} is not a live contact", "INVALID_REFERENCE", field_name)

    return error


def _full(contact_id: str) -> OnConditionFailed:
    def error(_old: Item | None) -> Exception:
        return Conflict(f"contact {contact_id} already has {MAX_PER_CONTACT} relationships", "TOO_MANY_RELATIONSHIPS")

    return error


class RelationshipRepository(Repository[Relationship]):
    aggregate_type = "Relationship"

    def key(self, aggregate_id: str) -> Key:
        return keys.relationship(aggregate_id)

    def to_item(self, aggregate: Relationship) -> Item:
        return relationship_item(aggregate)

    def from_item(self, item: Item) -> Relationship:
        return relationship_from_item(item)

    def of_contact(self, contact_id: str) -> list[Relationship]:
        """Every live relationship `contact_id` is an end of, oldest first: one Query of its edge partition, which
        holds at most MAX_PER_CONTACT edges."""
        edges = queries.partition_items(keys.contact_edges(contact_id), keys.EDGE)
        return [_edge_relationship(edge) for edge in edges]

    def live_contacts(self, contact_ids: list[str]) -> set[str]:
        """Which of `contact_ids` are live contacts (BatchGetItem, 100 keys a request)."""
        return {contact.id for contact in ContactRepository().live(contact_ids)}

    def list_position(self, contact_id: str, cursor: str | None) -> str | None:
        """Where a page of the contact's relationship list starts: after the relationship id its cursor holds."""
        return queries.position_of(cursor, keys.contact_edges(contact_id)) if cursor else None

    def list_cursor(self, contact_id: str, after: str) -> str:
        return queries.position_cursor(after, keys.contact_edges(contact_id))

    def edge_ids(self, contact_id: str, most: int) -> list[str]:
        """The ids of up to `most` relationships in `contact_id`'s edge partition (one Query)."""
        edges = queries.partition_items(keys.contact_edges(contact_id), keys.EDGE, limit=most)
        return [str(edge["relationship_id"]) for edge in edges]

    def many(self, relationship_ids: list[str]) -> dict[str, Relationship]:
        """The relationships stored under these ids, by id (one consistent BatchGetItem, at most 100 ids)."""
        items = queries.get_items([keys.relationship(relationship_id) for relationship_id in relationship_ids])
        return {item["id"]: relationship_from_item(item) for item in items if item}

    def claimed(self, ends: list[tuple[str, str, RelationshipType]]) -> set[tuple[str, str, RelationshipType]]:
        """Which (from, to, type) already have a live relationship (one consistent BatchGetItem)."""
        unique = list(dict.fromkeys(ends))
        items = queries.get_items([keys.relationship_claim(a, b, kind.value) for a, b, kind in unique])
        return {end for end, item in zip(unique, items, strict=True) if item}

    def save_end_moves(
        self,
        moved_from: str,
        moved_to: str,
        moves: list[tuple[Relationship, Relationship]],
        dropped: list[tuple[Relationship, Relationship]],
        stray_edges: list[str],
        ctx: RequestContext,
    ) -> None:
        """One transaction for a merge's batch of the relationships of `moved_from`, each with its state before:
        `moves` now link `moved_to` instead (claim and edges follow), `dropped` were deleted because the
        survivor has the same relationship already (or they linked the two merged contacts), and
        `stray_edges` are edges of `moved_from` whose relationship no longer links it."""
        tx = Transaction(settings().table_name)
        counts: Counter[str] = Counter()
        for relationship, before in moves:
            with self.saving(relationship, ctx, joining=tx):
                tx.delete(keys.relationship_claim(before.from_id, before.to_id, before.type.value))
                tx.put(
                    {
                        **keys.relationship_claim(relationship.from_id, relationship.to_id, relationship.type.value),
                        "type": "RelationshipClaim",
                        "relationship_id": relationship.id,
                    },
                    condition="attribute_not_exists(PK)",
                    # Claimed since the batch looked: decide again on what is there now.
                    on_condition_failed=lambda _old: StaleVersion(),
                )
                tx.delete(keys.contact_edge(moved_from, relationship.id))
                for end in (relationship.from_id, relationship.to_id):
                    tx.put(_edge(relationship, end))
            counts[moved_from] -= 1
            counts[moved_to] += 1
        for relationship, before in dropped:
            with self.saving(relationship, ctx, joining=tx):
                tx.delete(keys.relationship_claim(before.from_id, before.to_id, before.type.value))
                for end in (before.from_id, before.to_id):
                    tx.delete(keys.contact_edge(end, relationship.id))
                    counts[end] -= 1
        for relationship_id in stray_edges:
            tx.delete(keys.contact_edge(moved_from, relationship_id))
        for contact_id, change in sorted(counts.items()):
            if change:
                tx.add_counters(keys.relationship_counter(contact_id), {"all": change})
        tx.commit()

    def save(self, relationship: Relationship, before: Relationship | None, ctx: RequestContext) -> None:
        if unchanged(relationship, before):
            return
        claim = keys.relationship_claim(relationship.from_id, relationship.to_id, relationship.type.value)
        ends = (relationship.from_id, relationship.to_id)
        with self.saving(relationship, ctx) as tx:
            if before is None:
                tx.put(
                    {**claim, "type": "RelationshipClaim", "relationship_id": relationship.id},
                    condition="attribute_not_exists(PK)",
                    on_condition_failed=lambda old: Conflict(
                        f"these contacts already have a {relationship.type.value} relationship: "
                        f"{(old or {}).get('relationship_id')}",
                        "DUPLICATE_RELATIONSHIP",
                        [FieldIssue("to_id", "already related this way")],
                    ),
                )
                for end, field_name in zip(ends, ("contact_id", "to_id"), strict=True):
                    tx.check(
                        keys.contact(end),
                        "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
                        on_condition_failed=_not_live(end, field_name),
                    )
                    tx.put(_edge(relationship, end))
                    tx.add_below(keys.relationship_counter(end), "all", MAX_PER_CONTACT, on_limit=_full(end))
            elif relationship.is_deleted and not before.is_deleted:
                tx.delete(claim)
                for end in ends:
                    tx.delete(keys.contact_edge(end, relationship.id))
                    tx.add_counters(keys.relationship_counter(end), {"all": -1})
