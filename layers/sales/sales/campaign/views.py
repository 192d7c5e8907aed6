"""Edge models of the campaign operations: inputs and views."""

from __future__ import annotations

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.money import Money
from kernel.types import BusinessDate, Id, Input, ListQuery, LooseId, MoneyInput, MoneyView, Output, ShortText
from sales.campaign.model import Campaign, CampaignStatus, CampaignType
from sales.campaign.stats import CampaignFigures


class CampaignRef(Input):
    campaign_id: Id


class CreateCampaignInput(Input):
    name: ShortText = Field(min_length=1)
    type: CampaignType
    starts_on: BusinessDate | None = None
    ends_on: BusinessDate | None = Field(default=None, description="on or after starts_on")
    budget: MoneyInput | None = None
    owner_id: LooseId | None = Field(default=None, description="defaults to the caller")


class UpdateCampaignInput(CampaignRef):
    name: ShortText | None = Field(default=None, min_length=1)
    type: CampaignType | None = None
    starts_on: BusinessDate | None = Field(default=None, description="null clears it")
    ends_on: BusinessDate | None = Field(default=None, description="null clears it")
    budget: MoneyInput | None = Field(default=None, description="null clears it")
    owner_id: LooseId | None = None


class CampaignListQuery(ListQuery):
    status: CampaignStatus | None = None
    type: CampaignType | None = None


def money_view(money: Money | None) -> MoneyView | None:
    return MoneyView(amount=money.amount, currency=money.currency) if money else None


class CampaignView(Output):
    id: str
    name: str
    type: CampaignType
    status: CampaignStatus
    starts_on: str | None
    ends_on: str | None
    budget: MoneyView | None
    owner_id: str
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignView:
        return cls(
            id=campaign.id,
            name=campaign.name,
            type=campaign.type,
            status=campaign.status,
            starts_on=campaign.starts_on.isoformat() if campaign.starts_on else None,
            ends_on=campaign.ends_on.isoformat() if campaign.ends_on else None,
            budget=money_view(campaign.budget),
            owner_id=campaign.owner_id,
            version=campaign.version,
            created_at=to_rfc3339(campaign.created_at),
            updated_at=to_rfc3339(campaign.updated_at),
        )


class WonValueView(Output):
    currency: str
    count: int
    value: int = Field(description="minor units")


class CampaignStatsView(Output):
    campaign_id: str
    leads: int = Field(description="live leads raised by the campaign")
    qualified: int = Field(description="its leads now qualified")
    disqualified: int = Field(description="its leads now disqualified")
    converted: int = Field(description="its leads ever converted into an opportunity")
    won_deals: int
    won_value_by_currency: list[WonValueView]
    cost_per_lead: MoneyView | None = Field(description="budget / leads, when a budget is set and leads > 0")
    return_on_budget: str | None = Field(
        description='won value / budget as a decimal string ("3.25"), only when both are in one currency'
    )

    @classmethod
    def of(cls, campaign_id: str, figures: CampaignFigures) -> CampaignStatsView:
        return cls(
            campaign_id=campaign_id,
            leads=figures.leads,
            qualified=figures.qualified,
            disqualified=figures.disqualified,
            converted=figures.converted,
            won_deals=figures.won_deals,
            won_value_by_currency=[
                WonValueView(currency=won.currency, count=won.count, value=won.value)
                for won in figures.won_value_by_currency
            ],
            cost_per_lead=money_view(figures.cost_per_lead),
            return_on_budget=figures.return_on_budget,
        )
