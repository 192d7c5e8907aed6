"""Every aggregate whose records name a contact, as the merge worker re-points them (sales.contact.merging).

An aggregate that stores a contact's id (a lead's, an opportunity's, a conversation's, an activity's) joins
by adding its re-pointer here; a test merges a contact with a record of every registered kind and looks for
any record still naming the duplicate."""

from __future__ import annotations

from sales.activity.repoint import ActivityRepointer
from sales.contact.merging import Repointer
from sales.contact.repoint import LinkRepointer
from sales.conversation.repoint import ConversationRepointer
from sales.deal.repoint import DealRepointer
from sales.lead.repoint import LeadRepointer
from sales.opportunity.repoint import OpportunityRepointer
from sales.relationship.repoint import RelationshipRepointer

REPOINTERS: tuple[Repointer, ...] = (
    LinkRepointer(),
    RelationshipRepointer(),
    LeadRepointer(),
    OpportunityRepointer(),
    DealRepointer(),
    ConversationRepointer(),
    ActivityRepointer(),
)
