"""Edge models of the activity operations: inputs and views."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, Instant, Line, ListQuery, Output, no_control
from sales.activity.model import BODY_MAX, REASON_MAX, Activity, ActivityStatus, ActivityType, Links

Body = Annotated[str, Field(max_length=BODY_MAX), AfterValidator(no_control)]
Reason = Annotated[str, Field(min_length=1, max_length=REASON_MAX), AfterValidator(no_control)]


class LinksInput(Input):
    contact_id: Id | None = None
    lead_id: Id | None = None
    opportunity_id: Id | None = None
    deal_id: Id | None = None
    conversation_id: Id | None = None

    def links(self) -> Links:
        return Links(
            contact_id=self.contact_id,
            lead_id=self.lead_id,
            opportunity_id=self.opportunity_id,
            deal_id=self.deal_id,
            conversation_id=self.conversation_id,
        )


class LogActivityInput(Input):
    type: ActivityType
    subject: Line = Field(description="one line of 1-200 characters, the timeline's headline")
    body: Body | None = Field(default=None, description="up to 10,000 characters, kept verbatim")
    occurred_at: Instant | None = Field(default=None, description="RFC 3339; now when absent")
    links: LinksInput = Field(description="at least one; every record named must exist and be live")


class ActivityRef(Input):
    activity_id: Id


class VoidActivityInput(ActivityRef):
    reason: Reason = Field(description="why it is void, 1-500 characters; kept on the activity")


class TimelineQuery(ListQuery):
    type: ActivityType | None = Field(default=None, description="only activities of this type")


class ContactTimelineQuery(TimelineQuery):
    contact_id: Id


class LeadTimelineQuery(TimelineQuery):
    lead_id: Id


class OpportunityTimelineQuery(TimelineQuery):
    opportunity_id: Id


class DealTimelineQuery(TimelineQuery):
    deal_id: Id


class LinksView(Output):
    contact_id: str | None
    lead_id: str | None
    opportunity_id: str | None
    deal_id: str | None
    conversation_id: str | None


class ActivityView(Output):
    id: str
    type: ActivityType
    subject: str
    body: str | None
    occurred_at: str
    actor: str
    links: LinksView
    status: ActivityStatus = Field(description="logged, or void (still shown on its timelines)")
    message_id: str | None = Field(description="the conversation message a `message` activity stands for")
    void_reason: str | None
    voided_at: str | None
    voided_by: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, activity: Activity) -> ActivityView:
        links = activity.links
        return cls(
            id=activity.id,
            type=activity.type,
            subject=activity.subject,
            body=activity.body,
            occurred_at=to_rfc3339(activity.occurred_at),
            actor=activity.actor,
            links=LinksView(
                contact_id=links.contact_id,
                lead_id=links.lead_id,
                opportunity_id=links.opportunity_id,
                deal_id=links.deal_id,
                conversation_id=links.conversation_id,
            ),
            status=activity.status,
            message_id=activity.message_id,
            void_reason=activity.void_reason,
            voided_at=to_rfc3339(activity.voided_at) if activity.voided_at else None,
            voided_by=activity.voided_by,
            version=activity.version,
            created_at=to_rfc3339(activity.created_at),
            updated_at=to_rfc3339(activity.updated_at),
        )
