"""Edge models of the partner operations: inputs and views."""

from __future__ import annotations

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, Output
from sales.partner.model import PartnerProfile, PartnerStatus, Subtype, Tier, TierChange

Reason = Field(min_length=1, max_length=500, description="why; kept in the tier history")


class PartnerRef(Input):
    partner_id: Id


class CreatePartnerInput(Input):
    contact_id: Id = Field(description="a live organization contact without a profile")
    subtype: Subtype
    tier: Tier | None = Field(default=None, description="resellers only; authorized when absent")


class ChangeTierInput(PartnerRef):
    tier: Tier
    reason: str = Reason


class PartnerListQuery(ListQuery):
    subtype: Subtype | None = None
    tier: Tier | None = Field(default=None, description="implies subtype reseller")
    status: PartnerStatus | None = None


class PartnerView(Output):
    id: str
    contact_id: str
    subtype: Subtype
    tier: Tier | None = Field(description="null for distributors")
    status: PartnerStatus
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, partner: PartnerProfile) -> PartnerView:
        return cls(
            id=partner.id,
            contact_id=partner.contact_id,
            subtype=partner.subtype,
            tier=partner.tier,
            status=partner.status,
            version=partner.version,
            created_at=to_rfc3339(partner.created_at),
            updated_at=to_rfc3339(partner.updated_at),
        )


class TierChangeView(Output):
    from_tier: Tier | None = Field(alias="from", description="null for the tier the reseller joined with")
    to_tier: Tier = Field(alias="to")
    reason: str
    actor: str
    at: str

    @classmethod
    def of(cls, change: TierChange) -> TierChangeView:
        return cls.model_validate(
            {
                "from": change.from_tier,
                "to": change.to_tier,
                "reason": change.reason,
                "actor": change.actor,
                "at": to_rfc3339(change.at),
            }
        )


class TierHistoryView(Output):
    partner_id: str
    tier: Tier | None = Field(description="the tier now")
    entries: list[TierChangeView] = Field(description="oldest first")
