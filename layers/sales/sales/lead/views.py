"""Edge models of the lead operations: inputs and views."""

from __future__ import annotations

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, LooseId, MoneyInput, MoneyView, Output, ShortText, Text
from sales.lead.model import Lead, LeadSource, LeadStatus


class LeadRef(Input):
    lead_id: Id


class CreateLeadInput(Input):
    contact_id: Id = Field(description="the live contact the lead is raised off")
    source: LeadSource
    campaign_id: Id | None = Field(default=None, description="required for source campaign: an active campaign")
    partner_id: LooseId | None = Field(default=None, description="required for source partner")
    title: ShortText = Field(min_length=1)
    need: Text | None = None
    estimated_value: MoneyInput | None = None
    owner_id: LooseId | None = Field(default=None, description="defaults to the caller")


class UpdateLeadInput(LeadRef):
    title: ShortText | None = Field(default=None, min_length=1)
    need: Text | None = Field(default=None, description="null clears it")
    estimated_value: MoneyInput | None = Field(default=None, description="null clears it")
    owner_id: LooseId | None = None


class DisqualifyInput(LeadRef):
    reason: ShortText = Field(min_length=1)


class ConvertLeadInput(LeadRef):
    opportunity_name: ShortText | None = Field(default=None, min_length=1, description="defaults to the lead's title")


class LeadListQuery(ListQuery):
    status: LeadStatus | None = None
    source: LeadSource | None = None
    owner_id: LooseId | None = None
    campaign_id: Id | None = None
    contact_id: Id | None = None


class ContactLeadsQuery(ListQuery):
    contact_id: Id


class LeadView(Output):
    id: str
    contact_id: str
    source: LeadSource
    campaign_id: str | None
    partner_id: str | None
    title: str
    need: str | None
    estimated_value: MoneyView | None
    owner_id: str
    status: LeadStatus
    disqualify_reason: str | None
    opportunity_id: str | None
    shared_with: list[str] = Field(description="the resellers the lead was shared with")
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, lead: Lead) -> LeadView:
        value = lead.estimated_value
        return cls(
            id=lead.id,
            contact_id=lead.contact_id,
            source=lead.source,
            campaign_id=lead.campaign_id,
            partner_id=lead.partner_id,
            title=lead.title,
            need=lead.need,
            estimated_value=MoneyView(amount=value.amount, currency=value.currency) if value else None,
            owner_id=lead.owner_id,
            status=lead.status,
            disqualify_reason=lead.disqualify_reason,
            opportunity_id=lead.opportunity_id,
            shared_with=list(lead.shared_with),
            version=lead.version,
            created_at=to_rfc3339(lead.created_at),
            updated_at=to_rfc3339(lead.updated_at),
        )


class ShareLeadInput(LeadRef):
    partner_id: Id = Field(description="an active reseller of tier gold or platinum")
