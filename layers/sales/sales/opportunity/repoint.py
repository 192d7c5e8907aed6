"""A merge's part for opportunities: every opportunity of the duplicate becomes the survivor's."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.opportunity.store import OpportunityRepository

# Opportunities per transaction: one item each (variants inside it), under DynamoDB's 100.
BATCH = 40


class OpportunityRepointer:
    name = "opportunities"

    def __init__(self, opportunities: OpportunityRepository | None = None) -> None:
        self.opportunities = opportunities or OpportunityRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        found = self.opportunities.of_customer(merge.duplicate_id, BATCH)
        moves = []
        for opportunity in found:
            if opportunity.customer_id != merge.duplicate_id:
                continue  # the index showed it before its last change
            before = copy.deepcopy(opportunity)
            opportunity.change_customer(merge.survivor_id, now=merge.ctx.now)
            moves.append((opportunity, before))
        self.opportunities.save_customer_moves(moves, merge.ctx)
        return Progress(found=len(found), moved=len(moves))
