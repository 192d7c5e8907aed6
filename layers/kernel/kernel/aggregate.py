"""What every aggregate root shares: identity, optimistic version, audit times, pending events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kernel.events import DomainEvent, RecordedEvent


class _Unchanged:
    """A PATCH field that was absent: distinct from an explicit null, which clears it."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


@dataclass(kw_only=True)
class AggregateRoot:
    id: str
    version: int = 0
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    # Facts recorded by the last command, written in the same transaction as the new state.
    pending_events: list[RecordedEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def record(self, event: DomainEvent) -> None:
        self.pending_events.append(RecordedEvent(self.id, event))

    def touch(self, now: datetime) -> None:
        self.updated_at = now
