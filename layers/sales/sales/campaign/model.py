"""The Campaign aggregate: a marketing push that raises leads, with its dates, budget and status.

Status runs planned -> active -> completed, or cancelled from planned or active; a campaign lead may only name an
active campaign (the lead's use case checks that in the lead's own transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kernel.aggregate import UNCHANGED, AggregateRoot
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from kernel.money import Money
from sales.campaign.events import (
    BudgetData,
    CampaignActivated,
    CampaignCancelled,
    CampaignCompleted,
    CampaignCreated,
    CampaignSnapshot,
    CampaignUpdated,
)

NAME_MAX = 200


class CampaignType(StrEnum):
    EMAIL = "email"
    EVENT = "event"
    WEBINAR = "webinar"
    ADS = "ads"
    CONTENT = "content"
    PARTNER = "partner"


class CampaignStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# Where each transition may start from.
_FROM: dict[str, tuple[CampaignStatus, ...]] = {
    "activate": (CampaignStatus.PLANNED,),
    "complete": (CampaignStatus.ACTIVE,),
    "cancel": (CampaignStatus.PLANNED, CampaignStatus.ACTIVE),
    "update": (CampaignStatus.PLANNED, CampaignStatus.ACTIVE),
}


def _name(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > NAME_MAX:
        raise ValidationFailed(
            f"name must be 1-{NAME_MAX} characters", [FieldIssue("name", f"must be 1-{NAME_MAX} characters")]
        )
    return cleaned


def _dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("ends_on is before starts_on", [FieldIssue("ends_on", "must be on or after starts_on")])


@dataclass(kw_only=True)
class Campaign(AggregateRoot):
    name: str
    type: CampaignType
    owner_id: str
    status: CampaignStatus = CampaignStatus.PLANNED
    starts_on: date | None = None
    ends_on: date | None = None
    budget: Money | None = None

    @classmethod
    def create(
        cls,
        *,
        name: str,
        type: CampaignType,
        owner_id: str,
        now: datetime,
        starts_on: date | None = None,
        ends_on: date | None = None,
        budget: Money | None = None,
    ) -> Campaign:
        _dates(starts_on, ends_on)
        campaign = cls(
            id=new_id(),
            name=_name(name),
            type=type,
            owner_id=owner_id,
            starts_on=starts_on,
            ends_on=ends_on,
            budget=budget,
            created_at=now,
            updated_at=now,
        )
        campaign.record(campaign._snapshot(CampaignCreated))
        return campaign

    @property
    def is_active(self) -> bool:
        return self.status is CampaignStatus.ACTIVE and not self.is_deleted

    def update(
        self,
        *,
        now: datetime,
        name: str | None = None,
        type: CampaignType | None = None,
        owner_id: str | None = None,
        starts_on: Any = UNCHANGED,
        ends_on: Any = UNCHANGED,
        budget: Any = UNCHANGED,
    ) -> None:
        """Absent fields stay; `starts_on`, `ends_on` or `budget` given as None are cleared. A finished campaign
        (completed or cancelled) is history: it no longer changes."""
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _name(name)
        if type is not None:
            changes["type"] = type
        if owner_id is not None:
            changes["owner_id"] = owner_id
        for field_name, value in (("starts_on", starts_on), ("ends_on", ends_on), ("budget", budget)):
            if value is not UNCHANGED:
                changes[field_name] = value
        changes = {name_: value for name_, value in changes.items() if getattr(self, name_) != value}
        if not changes:
            return
        self._allow("update")
        _dates(changes.get("starts_on", self.starts_on), changes.get("ends_on", self.ends_on))
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        self.touch(now)
        self.record(self._snapshot(CampaignUpdated))

    def activate(self, *, now: datetime) -> None:
        self._move("activate", CampaignStatus.ACTIVE, CampaignActivated, now)

    def complete(self, *, now: datetime) -> None:
        self._move("complete", CampaignStatus.COMPLETED, CampaignCompleted, now)

    def cancel(self, *, now: datetime) -> None:
        self._move("cancel", CampaignStatus.CANCELLED, CampaignCancelled, now)

    def _move(self, action: str, to: CampaignStatus, event: Callable[..., CampaignSnapshot], now: datetime) -> None:
        self._allow(action)
        self.status = to
        self.touch(now)
        self.record(self._snapshot(event))

    def _allow(self, action: str) -> None:
        allowed = _FROM[action]
        if self.status not in allowed:
            names = " or ".join(status.value for status in allowed)
            raise Conflict(
                f"campaign {self.id} is {self.status.value}; {action} needs {names}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )

    def _snapshot(self, event: Callable[..., CampaignSnapshot]) -> CampaignSnapshot:
        return event(
            campaign_id=self.id,
            name=self.name,
            type=self.type.value,
            status=self.status.value,
            starts_on=self.starts_on.isoformat() if self.starts_on else None,
            ends_on=self.ends_on.isoformat() if self.ends_on else None,
            budget=BudgetData(amount=self.budget.amount, currency=self.budget.currency) if self.budget else None,
            owner_id=self.owner_id,
        )


@dataclass(frozen=True, kw_only=True)
class CampaignFilter:
    status: CampaignStatus | None = None
    type: CampaignType | None = None

    def matches(self, campaign: Campaign) -> bool:
        return (self.status is None or campaign.status is self.status) and (
            self.type is None or campaign.type is self.type
        )
