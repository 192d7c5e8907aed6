"""Domain events and their published form.

An aggregate records `DomainEvent`s; the outbox turns them into bus entries whose `detail` is
{metadata, data}. Each context declares an `EventSpec` per event (key, version, data model); its JSON Schema,
the AsyncAPI document and the catalogue pages are generated from those (`make docs`), and tests validate the
payloads the domain really records against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """A past-tense fact an aggregate recorded; `event_type` and `event_version` are a published contract."""

    event_type: str
    event_version: str
    aggregate_id: str
    data: dict[str, Any]


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
        schema["$id"] = f"https://schemas.{self.source}.example/events/{self.schema_file}"
        schema["title"] = f"{self.key} v{self.version}"
        schema["description"] = self.description
        return schema
