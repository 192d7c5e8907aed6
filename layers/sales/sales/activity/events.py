"""The events an activity publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, EventValue, catalogue

ActivityType = Literal["call", "email", "meeting", "note", "task", "message"]


@dataclass(frozen=True, kw_only=True)
class LinksData(EventValue):
    contact_id: str | None
    lead_id: str | None
    opportunity_id: str | None
    deal_id: str | None
    conversation_id: str | None


@dataclass(frozen=True, kw_only=True)
class ActivityLogged(DomainEvent):
    KEY = "activity.logged"
    DESCRIPTION = (
        "An activity joined the timelines of the records it links: logged by a user, or written by a conversation "
        "for each message and forward."
    )

    activity_id: str
    type: ActivityType
    subject: str
    occurred_at: str
    actor: str
    links: LinksData
    message_id: str | None


@dataclass(frozen=True, kw_only=True)
class ActivityVoided(DomainEvent):
    KEY = "activity.voided"
    DESCRIPTION = "An activity was voided with a reason: it stays on its timelines, shown as void."

    activity_id: str
    reason: str
    actor: str
    links: LinksData


EVENTS: tuple[EventSpec, ...] = catalogue("sales", ActivityLogged, ActivityVoided)
