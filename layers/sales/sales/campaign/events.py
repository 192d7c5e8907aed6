"""The events a campaign publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, EventValue, catalogue


@dataclass(frozen=True, kw_only=True)
class BudgetData(EventValue):
    amount: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class CampaignSnapshot(DomainEvent):
    """What a campaign looks like after the change."""

    campaign_id: str
    name: str
    type: Literal["email", "event", "webinar", "ads", "content", "partner"]
    status: Literal["planned", "active", "completed", "cancelled"]
    starts_on: str | None
    ends_on: str | None
    budget: BudgetData | None
    owner_id: str


@dataclass(frozen=True, kw_only=True)
class CampaignCreated(CampaignSnapshot):
    KEY = "campaign.created"
    DESCRIPTION = "A campaign was planned."


@dataclass(frozen=True, kw_only=True)
class CampaignUpdated(CampaignSnapshot):
    KEY = "campaign.updated"
    DESCRIPTION = "A campaign's name, type, dates, budget or owner changed."


@dataclass(frozen=True, kw_only=True)
class CampaignActivated(CampaignSnapshot):
    KEY = "campaign.activated"
    DESCRIPTION = "A campaign started: campaign leads may name it from now on."


@dataclass(frozen=True, kw_only=True)
class CampaignCompleted(CampaignSnapshot):
    KEY = "campaign.completed"
    DESCRIPTION = "A campaign ran its course; it takes no new leads."


@dataclass(frozen=True, kw_only=True)
class CampaignCancelled(CampaignSnapshot):
    KEY = "campaign.cancelled"
    DESCRIPTION = "A campaign was called off before completing; it takes no new leads."


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales", CampaignCreated, CampaignUpdated, CampaignActivated, CampaignCompleted, CampaignCancelled
)
