"""The PartnerProfile aggregate: an organization in the partner program, reseller or distributor.

Resellers carry a program tier (authorized, gold, platinum) that only an admin changes, each change kept with
its reason; distributors have none. A profile is active or suspended. A reseller may become a distributor
(its tier is cleared), never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kernel.aggregate import AggregateRoot
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from sales.partner.events import (
    PartnerConvertedToDistributor,
    PartnerCreated,
    PartnerReinstated,
    PartnerSnapshot,
    PartnerSuspended,
    PartnerTierChanged,
)

REASON_MAX = 500


class Subtype(StrEnum):
    RESELLER = "reseller"
    DISTRIBUTOR = "distributor"


class Tier(StrEnum):
    AUTHORIZED = "authorized"
    GOLD = "gold"
    PLATINUM = "platinum"


class PartnerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


# The tiers a reseller must hold to be shared leads.
LEAD_SHARING_TIERS = frozenset({Tier.GOLD, Tier.PLATINUM})


@dataclass(frozen=True, slots=True)
class TierChange:
    """One entry of the tier history; `from_tier` is None for the tier a reseller started with."""

    from_tier: Tier | None
    to_tier: Tier
    reason: str
    actor: str
    at: datetime


def _reason(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > REASON_MAX:
        raise ValidationFailed(
            f"reason must be 1-{REASON_MAX} characters", [FieldIssue("reason", f"must be 1-{REASON_MAX} characters")]
        )
    return cleaned


@dataclass(kw_only=True)
class PartnerProfile(AggregateRoot):
    contact_id: str
    subtype: Subtype
    tier: Tier | None = None
    status: PartnerStatus = PartnerStatus.ACTIVE
    # Tier changes of the last command, stored as history items in its transaction.
    pending_tier_changes: list[TierChange] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls, *, contact_id: str, subtype: Subtype, tier: Tier | None, actor: str, now: datetime
    ) -> PartnerProfile:
        """A reseller starts at `authorized` unless given another tier; a distributor has no tier."""
        if subtype is Subtype.DISTRIBUTOR and tier is not None:
            raise ValidationFailed("a distributor has no tier", [FieldIssue("tier", "only resellers have a tier")])
        if subtype is Subtype.RESELLER and tier is None:
            tier = Tier.AUTHORIZED
        partner = cls(id=new_id(), contact_id=contact_id, subtype=subtype, tier=tier, created_at=now, updated_at=now)
        if tier is not None:
            partner.pending_tier_changes.append(TierChange(None, tier, "joined the program", actor, now))
        partner.record(partner._snapshot(PartnerCreated))
        return partner

    @property
    def is_active(self) -> bool:
        return self.status is PartnerStatus.ACTIVE

    @property
    def may_be_shared_leads(self) -> bool:
        return self.is_active and self.subtype is Subtype.RESELLER and self.tier in LEAD_SHARING_TIERS

    def change_tier(self, tier: Tier, reason: str, *, actor: str, now: datetime) -> None:
        """The same tier again changes nothing (no history entry, no event)."""
        cleaned = _reason(reason)
        if self.subtype is not Subtype.RESELLER:
            raise Conflict(
                f"partner {self.id} is a {self.subtype.value}; only resellers have a tier",
                "INVALID_TRANSITION",
                [FieldIssue("subtype", self.subtype.value)],
            )
        if tier is self.tier:
            return
        previous = self.tier
        self.tier = tier
        self.touch(now)
        self.pending_tier_changes.append(TierChange(previous, tier, cleaned, actor, now))
        self.record(
            PartnerTierChanged(
                partner_id=self.id,
                from_tier=previous.value if previous else None,
                to_tier=tier.value,
                reason=cleaned,
                actor=actor,
            )
        )

    def suspend(self, *, now: datetime) -> None:
        self._move(PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED, "suspend", PartnerSuspended, now)

    def reinstate(self, *, now: datetime) -> None:
        self._move(PartnerStatus.SUSPENDED, PartnerStatus.ACTIVE, "reinstate", PartnerReinstated, now)

    def convert_to_distributor(self, *, now: datetime) -> None:
        """Only a reseller converts. Whether it still has open direct deals is the store's check, made in the
        conversion's own transaction."""
        if self.subtype is not Subtype.RESELLER:
            raise Conflict(
                f"partner {self.id} is already a distributor",
                "INVALID_TRANSITION",
                [FieldIssue("subtype", self.subtype.value)],
            )
        self.subtype = Subtype.DISTRIBUTOR
        self.tier = None
        self.touch(now)
        self.record(self._snapshot(PartnerConvertedToDistributor))

    def _move(
        self,
        start: PartnerStatus,
        to: PartnerStatus,
        action: str,
        event: Callable[..., PartnerSnapshot],
        now: datetime,
    ) -> None:
        if self.status is not start:
            raise Conflict(
                f"partner {self.id} is {self.status.value}; {action} needs {start.value}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )
        self.status = to
        self.touch(now)
        self.record(self._snapshot(event))

    def _snapshot(self, event: Callable[..., PartnerSnapshot]) -> PartnerSnapshot:
        return event(
            partner_id=self.id,
            contact_id=self.contact_id,
            subtype=self.subtype.value,
            tier=self.tier.value if self.tier else None,
            status=self.status.value,
        )


@dataclass(frozen=True, kw_only=True)
class PartnerFilter:
    subtype: Subtype | None = None
    tier: Tier | None = None
    status: PartnerStatus | None = None

    @property
    def implied_subtype(self) -> Subtype | None:
        """A tier is a reseller's: asking for one asks for resellers."""
        return Subtype.RESELLER if self.tier is not None and self.subtype is None else self.subtype

    @property
    def selects_nothing(self) -> bool:
        return self.tier is not None and self.subtype is Subtype.DISTRIBUTOR
