"""A merge's part for leads: every lead raised off the duplicate becomes the survivor's."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.lead.store import LeadRepository

# Leads per transaction: the lead and its campaign entry each, under DynamoDB's 100.
BATCH = 40


class LeadRepointer:
    name = "leads"

    def __init__(self, leads: LeadRepository | None = None) -> None:
        self.leads = leads or LeadRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        found = self.leads.of_contact(merge.duplicate_id, BATCH)
        moves = []
        for lead in found:
            if lead.contact_id != merge.duplicate_id:
                continue  # the index showed it before its last change
            before = copy.deepcopy(lead)
            lead.change_contact(merge.survivor_id, now=merge.ctx.now)
            moves.append((lead, before))
        self.leads.save_contact_moves(moves, merge.ctx)
        return Progress(found=len(found), moved=len(moves))
