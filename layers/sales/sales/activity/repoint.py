"""A merge's part for activities: every activity linking the duplicate links the survivor, and its entry moves
from the duplicate's timeline to the survivor's."""

from __future__ import annotations

import copy

from sales.activity.store import MERGE_BATCH, ActivityRepository
from sales.contact.merging import Merge, Progress


class ActivityRepointer:
    name = "activities"

    def __init__(self, activities: ActivityRepository | None = None) -> None:
        self.activities = activities or ActivityRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        found = self.activities.on_contact_timeline(merge.duplicate_id, MERGE_BATCH)
        moves = []
        for activity in found:
            if activity.links.contact_id != merge.duplicate_id:
                continue  # the index showed it before its last change
            before = copy.deepcopy(activity)
            activity.change_contact(merge.survivor_id, now=merge.ctx.now)
            moves.append((activity, before))
        self.activities.save_contact_moves(moves, merge.ctx)
        return Progress(found=len(found), moved=len(moves))
