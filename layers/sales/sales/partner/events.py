"""The events a partner profile publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, catalogue

Tier = Literal["authorized", "gold", "platinum"]


@dataclass(frozen=True, kw_only=True)
class PartnerSnapshot(DomainEvent):
    """What the profile looks like after the change."""

    partner_id: str
    contact_id: str
    subtype: Literal["reseller", "distributor"]
    tier: Tier | None
    status: Literal["active", "suspended"]


@dataclass(frozen=True, kw_only=True)
class PartnerCreated(PartnerSnapshot):
    KEY = "partner.created"
    DESCRIPTION = "An organization joined the partner program as a reseller or a distributor."


@dataclass(frozen=True, kw_only=True)
class PartnerTierChanged(DomainEvent):
    KEY = "partner.tier_changed"
    DESCRIPTION = "An admin moved a reseller to another program tier; the quotes made from now on use its discount."

    partner_id: str
    from_tier: Tier | None
    to_tier: Tier
    reason: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class PartnerSuspended(PartnerSnapshot):
    KEY = "partner.suspended"
    DESCRIPTION = "A partner was suspended: it registers no deals and is shared no leads until reinstated."


@dataclass(frozen=True, kw_only=True)
class PartnerReinstated(PartnerSnapshot):
    KEY = "partner.reinstated"
    DESCRIPTION = "A suspended partner is active again."


@dataclass(frozen=True, kw_only=True)
class PartnerConvertedToDistributor(PartnerSnapshot):
    KEY = "partner.converted_to_distributor"
    DESCRIPTION = "A reseller became a distributor; its tier was cleared."


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales", PartnerCreated, PartnerTierChanged, PartnerSuspended, PartnerReinstated, PartnerConvertedToDistributor
)
