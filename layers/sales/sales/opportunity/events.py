"""The events an opportunity publishes: its life from first conversation to a confirmed or declined offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class OpportunityCreated(DomainEvent):
    KEY = "opportunity.created"
    DESCRIPTION = "An opportunity was opened for a customer: variants of an offer are worked out from here."

    opportunity_id: str
    customer_id: str
    name: str
    owner_id: str
    lead_id: str | None
    partner_id: str | None


@dataclass(frozen=True, kw_only=True)
class OpportunityValidated(DomainEvent):
    KEY = "opportunity.validated"
    DESCRIPTION = "One variant of an opportunity was chosen; the variants are frozen from here."

    opportunity_id: str
    variant_id: str
    currency: str
    total: Annotated[int, Field(description="the validated variant's total, in minor units of currency")]


@dataclass(frozen=True, kw_only=True)
class OpportunityConfirmed(DomainEvent):
    KEY = "opportunity.confirmed"
    DESCRIPTION = "The customer confirmed the validated variant; a deal was opened for it."

    opportunity_id: str
    variant_id: str
    deal_id: str
    currency: str
    total: Annotated[int, Field(description="the confirmed variant's total, in minor units of currency")]


@dataclass(frozen=True, kw_only=True)
class OpportunityDeclined(DomainEvent):
    KEY = "opportunity.declined"
    DESCRIPTION = "An open opportunity was declined."

    opportunity_id: str
    reason: str


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales", OpportunityCreated, OpportunityValidated, OpportunityConfirmed, OpportunityDeclined
)
