"""A merge's part for deals: every deal of the duplicate, live or soft-deleted, becomes the survivor's."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.deal.store import DealRepository

# Deals per transaction: one item each plus the two customers' counters, well under DynamoDB's 100.
BATCH = 40


class DealRepointer:
    name = "deals"

    def __init__(self, deals: DealRepository | None = None) -> None:
        self.deals = deals or DealRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        found = self.deals.of_customer(merge.duplicate_id, BATCH)
        moves = []
        for deal in found:
            if deal.customer_id != merge.duplicate_id:
                continue  # the index showed it before its last change
            before = copy.deepcopy(deal)
            deal.change_customer(merge.survivor_id, merge.survivor.bridge, now=merge.ctx.now)
            moves.append((deal, before))
        self.deals.save_customer_moves(moves, merge.ctx)
        return Progress(found=len(found), moved=len(moves))
