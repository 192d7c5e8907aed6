"""Domain events and their published form.

Each event is a frozen dataclass subclassing `DomainEvent`: its class names the key, version and meaning, its
fields are the published `data`. An aggregate records instances; the outbox writes them as bus entries whose
`detail` is {metadata, data}. The JSON Schema of every event, the AsyncAPI document and the catalogue pages are
derived from these classes (`make docs`), and tests validate what the domain really records against them, so
the payload is written once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """A past-tense fact. Subclasses set KEY ("deal.won"), VERSION and DESCRIPTION; their fields are the data."""

    KEY: ClassVar[str]
    VERSION: ClassVar[str] = "1.0.0"
    DESCRIPTION: ClassVar[str]
    # The published schema refuses unknown fields, as consumers may rely on the exact shape.
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    def payload(self) -> dict[str, Any]:
        """The `data` of the bus entry: the fields, nested dataclasses as objects."""
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class EventValue:
    """An object nested in an event's data: a fixed shape too, unknown fields refused by its schema."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as its aggregate recorded it: which aggregate, and the fact."""

    aggregate_id: str
    event: DomainEvent

    @property
    def event_type(self) -> str:
        return self.event.KEY

    @property
    def event_version(self) -> str:
        return self.event.VERSION

    @property
    def data(self) -> dict[str, Any]:
        return self.event.payload()


class Metadata(BaseModel):
    # Built on first use: queries import this module with their aggregate and never record an event.
    model_config = ConfigDict(extra="forbid", defer_build=True)

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
    """One published event of a context: the event class and the `Source` it is published under."""

    event: type[DomainEvent]
    source: str

    @property
    def key(self) -> str:
        return self.event.KEY

    @property
    def version(self) -> str:
        return self.event.VERSION

    @property
    def description(self) -> str:
        return self.event.DESCRIPTION

    @property
    def schema_file(self) -> str:
        return f"{self.key}.v{self.version.split('.')[0]}.schema.json"

    def json_schema(self) -> dict[str, Any]:
        """The full EventBridge `detail`: {metadata, data}."""
        detail = create_model(
            f"{self.event.__name__}Detail",
            __config__=ConfigDict(extra="forbid"),
            metadata=(Metadata, ...),
            data=(self.event, ...),
        )
        schema = detail.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://schemas.{self.source}.example/events/{self.schema_file}"
        schema["title"] = f"{self.key} v{self.version}"
        schema["description"] = self.description
        return schema


def catalogue(source: str, *events: type[DomainEvent]) -> tuple[EventSpec, ...]:
    return tuple(EventSpec(event, source) for event in events)
