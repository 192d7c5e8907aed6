"""A merge's part for conversations: every thread with the duplicate, in any folder, becomes the survivor's."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.conversation.store import MERGE_BATCH, ConversationRepository


class ConversationRepointer:
    name = "conversations"

    def __init__(self, conversations: ConversationRepository | None = None) -> None:
        self.conversations = conversations or ConversationRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        found = self.conversations.of_contact(merge.duplicate_id, MERGE_BATCH)
        moves = []
        for conversation in found:
            if conversation.contact_id != merge.duplicate_id:
                continue  # the index showed it before its last change
            before = copy.deepcopy(conversation)
            conversation.change_contact(merge.survivor_id, now=merge.ctx.now)
            moves.append((conversation, before))
        self.conversations.save_contact_moves(moves, merge.ctx)
        return Progress(found=len(found), moved=len(moves))
