"""Campaign use cases: plan, read, list, change, move through the statuses, and the figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Protocol

from kernel.aggregate import UNCHANGED
from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from kernel.money import Money
from kernel.types import MoneyInput
from sales.campaign.model import Campaign, CampaignFilter
from sales.campaign.stats import figures
from sales.campaign.store import CampaignRepository
from sales.campaign.views import (
    CampaignListQuery,
    CampaignRef,
    CampaignStatsView,
    CampaignView,
    CreateCampaignInput,
    UpdateCampaignInput,
)


class CampaignStore(Protocol):
    """What the campaign use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Campaign | None: ...

    def save(self, campaign: Campaign, before: Campaign | None, ctx: RequestContext) -> None: ...

    def page(
        self, filters: CampaignFilter, page_size: int, cursor: str | None
    ) -> tuple[list[Campaign], str | None, int]: ...

    def with_counters(self, campaign_id: str) -> tuple[Campaign | None, Counter[str], Counter[str]]: ...


CAMPAIGNS: CampaignStore = CampaignRepository()


def _not_found(campaign_id: str) -> NotFound:
    return NotFound(f"campaign {campaign_id} not found", "CAMPAIGN_NOT_FOUND")


def _money(value: MoneyInput | None) -> Money | None:
    return Money(value.amount, value.currency) if value is not None else None


def _load(campaigns: CampaignStore, campaign_id: str) -> Campaign:
    campaign = campaigns.get(campaign_id)
    if campaign is None or campaign.is_deleted:
        raise _not_found(campaign_id)
    return campaign


def _change(
    campaigns: CampaignStore, campaign_id: str, ctx: RequestContext, change: Callable[[Campaign], None]
) -> CampaignView:
    def save(campaign: Campaign, before: Campaign) -> None:
        campaigns.save(campaign, before, ctx)

    changed = apply_once(
        ctx, campaign_id, lambda: _load(campaigns, campaign_id), change, save, lambda: campaigns.get(campaign_id)
    )
    return CampaignView.of(changed)


def create_campaign(
    cmd: CreateCampaignInput, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS
) -> CampaignView:
    campaign = Campaign.create(
        name=cmd.name,
        type=cmd.type,
        owner_id=cmd.owner_id or ctx.actor,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        budget=_money(cmd.budget),
        now=ctx.now,
    )
    stored = create_once(ctx, campaign, lambda new: campaigns.save(new, None, ctx), campaigns.get)
    return CampaignView.of(stored)


def get_campaign(query: CampaignRef, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS) -> CampaignView:
    return CampaignView.of(_load(campaigns, query.campaign_id))


def list_campaigns(
    query: CampaignListQuery, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS
) -> ListResult[CampaignView]:
    page, next_cursor, total = campaigns.page(
        CampaignFilter(status=query.status, type=query.type), query.page_size, query.cursor
    )
    return paginate([CampaignView.of(campaign) for campaign in page], total, query.page_size, next_cursor, None)


def update_campaign(
    cmd: UpdateCampaignInput, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS
) -> CampaignView:
    given = cmd.model_fields_set

    def change(campaign: Campaign) -> None:
        campaign.update(
            now=ctx.now,
            name=cmd.name,
            type=cmd.type,
            owner_id=cmd.owner_id,
            starts_on=cmd.starts_on if "starts_on" in given else UNCHANGED,
            ends_on=cmd.ends_on if "ends_on" in given else UNCHANGED,
            budget=_money(cmd.budget) if "budget" in given else UNCHANGED,
        )

    return _change(campaigns, cmd.campaign_id, ctx, change)


def activate_campaign(cmd: CampaignRef, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS) -> CampaignView:
    return _change(campaigns, cmd.campaign_id, ctx, lambda campaign: campaign.activate(now=ctx.now))


def complete_campaign(cmd: CampaignRef, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS) -> CampaignView:
    return _change(campaigns, cmd.campaign_id, ctx, lambda campaign: campaign.complete(now=ctx.now))


def cancel_campaign(cmd: CampaignRef, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS) -> CampaignView:
    return _change(campaigns, cmd.campaign_id, ctx, lambda campaign: campaign.cancel(now=ctx.now))


def campaign_stats(query: CampaignRef, ctx: RequestContext, campaigns: CampaignStore = CAMPAIGNS) -> CampaignStatsView:
    campaign, leads, won = campaigns.with_counters(query.campaign_id)
    if campaign is None or campaign.is_deleted:
        raise _not_found(query.campaign_id)
    return CampaignStatsView.of(campaign.id, figures(campaign.budget, leads, won))
