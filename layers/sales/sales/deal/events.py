"""The events a deal publishes: their data models and specs (the published language of the pipeline)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kernel.events import EventData, EventSpec


class ChannelData(EventData):
    reseller_id: str | None
    distributor_id: str | None
    route: Literal["direct", "distributor"]


class DealCreated(EventData):
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


class DealStageChanged(EventData):
    deal_id: str
    from_stage: str
    to_stage: str
    probability: int


class DealValueChanged(EventData):
    deal_id: str
    previous_value: int
    previous_currency: str
    value: int
    currency: str


class DealWon(EventData):
    deal_id: str
    customer_id: str
    bridge: dict[str, Any] | None = Field(description="the customer's federation reference, null until bridged")
    name: str
    value: int = Field(description="final value in minor units (actual_value when given)")
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


class DealLost(EventData):
    deal_id: str
    customer_id: str
    value: int
    currency: str
    close_date: str
    reason: str | None
    assigned_to: str


class DealDeleted(EventData):
    deal_id: str
    customer_id: str


class DealRestored(DealDeleted):
    pass


EVENTS: tuple[EventSpec, ...] = (
    EventSpec("deal.created", "1.0.0", "sales", DealCreated, "A deal entered the pipeline."),
    EventSpec("deal.stage_changed", "1.0.0", "sales", DealStageChanged, "A deal moved between open stages."),
    EventSpec("deal.value_changed", "1.0.0", "sales", DealValueChanged, "A deal's value or currency changed."),
    EventSpec("deal.won", "1.0.0", "sales", DealWon, "A deal was won: provisioning and billing start from here."),
    EventSpec("deal.lost", "1.0.0", "sales", DealLost, "A deal was lost."),
    EventSpec("deal.deleted", "1.0.0", "sales", DealDeleted, "A deal was soft-deleted."),
    EventSpec("deal.restored", "1.0.0", "sales", DealRestored, "A soft-deleted deal came back."),
)
