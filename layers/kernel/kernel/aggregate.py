"""What every aggregate root shares: identity, optimistic version, audit times, pending events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from kernel.events import DomainEvent


@dataclass(kw_only=True)
class AggregateRoot:
    id: str
    version: int = 0
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    # Facts recorded by the last command, written in the same transaction as the new state.
    pending_events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    EVENT_PREFIX: ClassVar[str]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def record(self, name: str, data: dict[str, Any], version: str = "1.0.0") -> None:
        self.pending_events.append(DomainEvent(f"{self.EVENT_PREFIX}.{name}", version, self.id, data))

    def touch(self, now: datetime) -> None:
        self.updated_at = now
