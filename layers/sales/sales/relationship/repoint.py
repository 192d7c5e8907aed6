"""A merge's part for relationships: each of the duplicate's relationships links the survivor instead, unless
the survivor has the same one already or it linked the two merged contacts; then it is deleted (and
`relationship.deleted` emitted), as one relationship per (from, to, type) requires."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.relationship.model import Relationship, RelationshipType
from sales.relationship.store import RelationshipRepository

# Relationships per transaction: at most 6 items each (the relationship, two claims, three edges) plus the
# counters of the contacts they touch, under DynamoDB's 100.
BATCH = 12


class RelationshipRepointer:
    name = "relationships"

    def __init__(self, relationships: RelationshipRepository | None = None) -> None:
        self.relationships = relationships or RelationshipRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        duplicate, survivor, now = merge.duplicate_id, merge.survivor_id, merge.ctx.now
        edge_ids = self.relationships.edge_ids(duplicate, BATCH)
        if not edge_ids:
            return Progress(0, 0)
        found = self.relationships.many(edge_ids)
        stray = [
            relationship_id
            for relationship_id in edge_ids
            if relationship_id not in found
            or found[relationship_id].is_deleted
            or not found[relationship_id].links(duplicate)
        ]
        pending = [found[relationship_id] for relationship_id in edge_ids if relationship_id not in stray]
        afterwards = {relationship.id: _ends_after(relationship, duplicate, survivor) for relationship in pending}
        taken = self.relationships.claimed([ends for ends in afterwards.values() if ends[0] != ends[1]])
        moves: list[tuple[Relationship, Relationship]] = []
        dropped: list[tuple[Relationship, Relationship]] = []
        for relationship in pending:
            before = copy.deepcopy(relationship)
            ends = afterwards[relationship.id]
            if ends[0] == ends[1] or ends in taken:
                relationship.delete(now=now)
                dropped.append((relationship, before))
            else:
                relationship.replace_end(duplicate, survivor, now=now)
                moves.append((relationship, before))
        self.relationships.save_end_moves(duplicate, survivor, moves, dropped, stray, merge.ctx)
        return Progress(found=len(edge_ids), moved=len(edge_ids))


def _ends_after(relationship: Relationship, duplicate: str, survivor: str) -> tuple[str, str, RelationshipType]:
    def moved(end: str) -> str:
        return survivor if end == duplicate else end

    return moved(relationship.from_id), moved(relationship.to_id), relationship.type
