"""The events a deal publishes: the published language of the pipeline, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, EventValue, catalogue


@dataclass(frozen=True, kw_only=True)
class ChannelData(EventValue):
    reseller_id: str | None
    distributor_id: str | None
    route: Literal["direct", "distributor"]


@dataclass(frozen=True, kw_only=True)
class DealCreated(DomainEvent):
    KEY = "deal.created"
    DESCRIPTION = "A deal entered the pipeline."

    deal_id: str
    customer_id: str
    assigned_to: str
    name: str
    value: int
    currency: str
    stage: str
    probability: int
    source: str
    expected_close_date: str | None


@dataclass(frozen=True, kw_only=True)
class DealStageChanged(DomainEvent):
    KEY = "deal.stage_changed"
    DESCRIPTION = "A deal moved between open stages."

    deal_id: str
    from_stage: str
    to_stage: str
    probability: int


@dataclass(frozen=True, kw_only=True)
class DealValueChanged(DomainEvent):
    KEY = "deal.value_changed"
    DESCRIPTION = "A deal's value or currency changed."

    deal_id: str
    previous_value: int
    previous_currency: str
    value: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class DealWon(DomainEvent):
    KEY = "deal.won"
    # 1.1.0 added customer_name (who to bill).
    VERSION = "1.1.0"
    DESCRIPTION = "A deal was won: provisioning and billing start from here."

    deal_id: str
    customer_id: str
    customer_name: Annotated[str | None, Field(description="the customer's display name when the deal was won")]
    bridge: Annotated[
        dict[str, Any] | None, Field(description="the customer's federation reference, null until bridged")
    ]
    name: str
    value: Annotated[int, Field(description="final value in minor units (actual_value when given)")]
    currency: str
    close_date: str | None
    actual_value: int | None
    note: str | None
    assigned_to: str
    opportunity_id: str | None
    variant_id: str | None
    quote_id: str | None
    lines: list[dict[str, Any]]
    channel: ChannelData
    won_at: str


@dataclass(frozen=True, kw_only=True)
class DealLost(DomainEvent):
    KEY = "deal.lost"
    DESCRIPTION = "A deal was lost."

    deal_id: str
    customer_id: str
    value: int
    currency: str
    close_date: str
    reason: str | None
    assigned_to: str


@dataclass(frozen=True, kw_only=True)
class DealDeleted(DomainEvent):
    KEY = "deal.deleted"
    DESCRIPTION = "A deal was soft-deleted."

    deal_id: str
    customer_id: str


@dataclass(frozen=True, kw_only=True)
class DealRestored(DealDeleted):
    KEY = "deal.restored"
    DESCRIPTION = "A soft-deleted deal came back."


Route = Literal["direct", "distributor"]
DirectExceptionState = Literal["requested", "granted", "denied"]


@dataclass(frozen=True, kw_only=True)
class DealRegistered(DomainEvent):
    KEY = "deal.registered"
    DESCRIPTION = (
        "A reseller registered a deal (stage intake, source partner), routed through a distributor or asking for a "
        "direct exception."
    )

    deal_id: str
    customer_id: str
    name: str
    value: int
    currency: str
    reseller_id: Annotated[str, Field(description="partner profile id of the reseller that registered the deal")]
    distributor_id: Annotated[str | None, Field(description="partner profile id of the distributor; null: direct")]
    route: Route
    direct_exception: Annotated[
        DirectExceptionState | None, Field(description="requested on the direct route, null through a distributor")
    ]


@dataclass(frozen=True, kw_only=True)
class DealChannelChanged(DomainEvent):
    KEY = "deal.channel_changed"
    DESCRIPTION = (
        "A partner deal's channel changed: an admin granted or denied its direct exception, or reallocated it "
        "to another distributor."
    )

    deal_id: str
    reseller_id: str | None
    distributor_id: Annotated[str | None, Field(description="the distributor after the change; null: direct")]
    previous_distributor_id: Annotated[
        str | None, Field(description="the distributor before the change; null: there was none")
    ]
    route: Route
    direct_exception: DirectExceptionState | None
    reason: Annotated[str | None, Field(description="why the deal was reallocated; null for a decision")]
    actor: str


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales",
    DealCreated,
    DealStageChanged,
    DealValueChanged,
    DealWon,
    DealLost,
    DealDeleted,
    DealRestored,
    DealRegistered,
    DealChannelChanged,
)
