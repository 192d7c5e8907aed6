"""The events a lead publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, EventValue, catalogue

Source = Literal["web_form", "email", "phone", "campaign", "referral", "partner"]


@dataclass(frozen=True, kw_only=True)
class EstimatedValue(EventValue):
    amount: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class LeadCreated(DomainEvent):
    KEY = "lead.created"
    DESCRIPTION = "A lead was raised off a contact."

    lead_id: str
    contact_id: str
    source: Source
    campaign_id: str | None
    partner_id: str | None
    title: str
    estimated_value: EstimatedValue | None
    owner_id: str


@dataclass(frozen=True, kw_only=True)
class LeadQualified(DomainEvent):
    KEY = "lead.qualified"
    DESCRIPTION = "A lead was judged worth an opportunity."

    lead_id: str
    contact_id: str
    campaign_id: str | None


@dataclass(frozen=True, kw_only=True)
class LeadDisqualified(DomainEvent):
    KEY = "lead.disqualified"
    DESCRIPTION = "A lead was set aside, with the reason."

    lead_id: str
    contact_id: str
    campaign_id: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class LeadReopened(DomainEvent):
    KEY = "lead.reopened"
    DESCRIPTION = "A disqualified lead is worked on again."

    lead_id: str
    contact_id: str
    campaign_id: str | None


@dataclass(frozen=True, kw_only=True)
class LeadConverted(DomainEvent):
    KEY = "lead.converted"
    DESCRIPTION = "A qualified lead became an opportunity, created in the same transaction."

    lead_id: str
    contact_id: str
    campaign_id: str | None
    opportunity_id: str


@dataclass(frozen=True, kw_only=True)
class LeadShared(DomainEvent):
    KEY = "lead.shared"
    DESCRIPTION = "A lead was shared with a gold or platinum reseller, whose principal may read it from now on."

    lead_id: str
    contact_id: str
    partner_id: str


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales", LeadCreated, LeadQualified, LeadDisqualified, LeadReopened, LeadConverted, LeadShared
)
