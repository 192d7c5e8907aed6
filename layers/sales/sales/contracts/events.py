"""The published language: every event Sales puts on the bus, versioned (SPEC §4).

These models are the catalogue; docs/events/<key>.v<major>.schema.json is generated from them
(`make docs`) and tests validate the payloads the domain really records against those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="UUIDv7; consumers deduplicate on it (delivery is at-least-once)")
    event_type: str
    event_version: str
    occurred_at: str = Field(description="RFC 3339 UTC")
    actor: str = Field(description="user id of the principal whose command caused the event")
    correlation_id: str
    aggregate_id: str
    aggregate_version: int = Field(description="version of the aggregate after the change; orders its events")


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


class ContactSnapshot(EventData):
    contact_id: str
    kind: Literal["organization", "person"]
    display_name: str
    owner_id: str
    emails: list[str]
    lifecycle: str


class ContactRef(EventData):
    contact_id: str


@dataclass(frozen=True)
class EventSpec:
    key: str
    version: str
    source: str
    data: type[EventData]
    description: str

    @property
    def schema_file(self) -> str:
        return f"{self.key}.v{self.version.split('.')[0]}.schema.json"

    def json_schema(self) -> dict[str, Any]:
        """The full EventBridge `detail`: {metadata, data}."""
        detail = create_model(
            f"{self.data.__name__}Detail",
            __config__=ConfigDict(extra="forbid"),
            metadata=(Metadata, ...),
            data=(self.data, ...),
        )
        schema = detail.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://schemas.sales.example/events/{self.schema_file}"
        schema["title"] = f"{self.key} v{self.version}"
        schema["description"] = self.description
        return schema


CATALOGUE: tuple[EventSpec, ...] = (
    EventSpec("deal.created", "1.0.0", "sales", DealCreated, "A deal entered the pipeline."),
    EventSpec("deal.stage_changed", "1.0.0", "sales", DealStageChanged, "A deal moved between open stages."),
    EventSpec("deal.value_changed", "1.0.0", "sales", DealValueChanged, "A deal's value or currency changed."),
    EventSpec("deal.won", "1.0.0", "sales", DealWon, "A deal was won: provisioning and billing start from here."),
    EventSpec("deal.lost", "1.0.0", "sales", DealLost, "A deal was lost."),
    EventSpec("deal.deleted", "1.0.0", "sales", DealDeleted, "A deal was soft-deleted."),
    EventSpec("deal.restored", "1.0.0", "sales", DealRestored, "A soft-deleted deal came back."),
    EventSpec("contact.created", "1.0.0", "sales", ContactSnapshot, "A contact was created."),
    EventSpec("contact.updated", "1.0.0", "sales", ContactSnapshot, "A contact changed."),
    EventSpec("contact.deleted", "1.0.0", "sales", ContactRef, "A contact was soft-deleted."),
    EventSpec("contact.restored", "1.0.0", "sales", ContactRef, "A soft-deleted contact came back."),
)
BY_KEY: dict[str, EventSpec] = {spec.key: spec for spec in CATALOGUE}
