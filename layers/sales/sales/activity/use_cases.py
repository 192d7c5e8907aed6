"""Activity use cases: log one, read one, void one, and the timelines of contacts, leads, opportunities and
deals."""

from __future__ import annotations

from typing import Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from sales.activity.model import Activity, ActivityType, RecordKind
from sales.activity.store import ActivityRepository
from sales.activity.views import (
    ActivityRef,
    ActivityView,
    ContactTimelineQuery,
    DealTimelineQuery,
    LeadTimelineQuery,
    LogActivityInput,
    OpportunityTimelineQuery,
    TimelineQuery,
    VoidActivityInput,
)


class ActivityStore(Protocol):
    """What the activity use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Activity | None: ...

    def create(self, activity: Activity, ctx: RequestContext) -> None: ...

    def save(self, activity: Activity, before: Activity | None, ctx: RequestContext) -> None: ...

    def timeline(
        self, kind: RecordKind, record_id: str, type_: ActivityType | None, page_size: int, cursor: str | None
    ) -> tuple[bool, list[Activity], str | None, int]: ...


ACTIVITIES: ActivityStore = ActivityRepository()


def not_found(activity_id: str) -> NotFound:
    return NotFound(f"activity {activity_id} not found", "ACTIVITY_NOT_FOUND")


def _existing(activity: Activity | None, activity_id: str) -> Activity:
    if activity is None:
        raise not_found(activity_id)
    return activity


def log_activity(cmd: LogActivityInput, ctx: RequestContext, activities: ActivityStore = ACTIVITIES) -> ActivityView:
    activity = Activity.log(
        type_=cmd.type,
        subject=cmd.subject,
        body=cmd.body,
        occurred_at=cmd.occurred_at,
        links=cmd.links.links(),
        actor=ctx.actor,
        now=ctx.now,
    )
    stored = create_once(ctx, activity, lambda new: activities.create(new, ctx), activities.get)
    return ActivityView.of(stored)


def get_activity(query: ActivityRef, ctx: RequestContext, activities: ActivityStore = ACTIVITIES) -> ActivityView:
    return ActivityView.of(_existing(activities.get(query.activity_id), query.activity_id))


def void_activity(cmd: VoidActivityInput, ctx: RequestContext, activities: ActivityStore = ACTIVITIES) -> ActivityView:
    changed = apply_once(
        ctx,
        cmd.activity_id,
        lambda: _existing(activities.get(cmd.activity_id), cmd.activity_id),
        lambda activity: activity.void(cmd.reason, actor=ctx.actor, now=ctx.now),
        lambda activity, before: activities.save(activity, before, ctx),
        lambda: activities.get(cmd.activity_id),
    )
    return ActivityView.of(changed)


# The 404 of a timeline whose record is unknown, deleted or merged: the code its own routes answer.
_RECORD_NOT_FOUND = {
    RecordKind.CONTACT: "CONTACT_NOT_FOUND",
    RecordKind.LEAD: "LEAD_NOT_FOUND",
    RecordKind.OPPORTUNITY: "OPPORTUNITY_NOT_FOUND",
    RecordKind.DEAL: "DEAL_NOT_FOUND",
}


def _timeline(
    kind: RecordKind, record_id: str, query: TimelineQuery, activities: ActivityStore
) -> ListResult[ActivityView]:
    live, page, next_cursor, total = activities.timeline(kind, record_id, query.type, query.page_size, query.cursor)
    if not live:
        raise NotFound(f"{kind.value} {record_id} not found", _RECORD_NOT_FOUND[kind])
    return paginate([ActivityView.of(activity) for activity in page], total, query.page_size, next_cursor, None)


def contact_timeline(
    query: ContactTimelineQuery, ctx: RequestContext, activities: ActivityStore = ACTIVITIES
) -> ListResult[ActivityView]:
    return _timeline(RecordKind.CONTACT, query.contact_id, query, activities)


def lead_timeline(
    query: LeadTimelineQuery, ctx: RequestContext, activities: ActivityStore = ACTIVITIES
) -> ListResult[ActivityView]:
    return _timeline(RecordKind.LEAD, query.lead_id, query, activities)


def opportunity_timeline(
    query: OpportunityTimelineQuery, ctx: RequestContext, activities: ActivityStore = ACTIVITIES
) -> ListResult[ActivityView]:
    return _timeline(RecordKind.OPPORTUNITY, query.opportunity_id, query, activities)


def deal_timeline(
    query: DealTimelineQuery, ctx: RequestContext, activities: ActivityStore = ACTIVITIES
) -> ListResult[ActivityView]:
    return _timeline(RecordKind.DEAL, query.deal_id, query, activities)
