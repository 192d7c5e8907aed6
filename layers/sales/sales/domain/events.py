"""Domain events: past-tense facts an aggregate records; the outbox turns them into bus entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """`event_type` and `event_version` are a published contract (docs/events/<type>.schema.json)."""

    event_type: str
    event_version: str
    aggregate_id: str
    data: dict[str, Any]
