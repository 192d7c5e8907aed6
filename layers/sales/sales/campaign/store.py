"""Campaigns in the Sales table: the item mapping, the one save path, and the reads campaigns need (a page of a
filtered list with its total, a campaign with its counters)."""

from __future__ import annotations

from collections import Counter

from kernel.clock import from_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, date_of, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.money import Money
from sales import keys
from sales.campaign.model import Campaign, CampaignFilter, CampaignStatus, CampaignType
from sales.keys import Key


def campaign_item(campaign: Campaign) -> Item:
    return {
        **keys.campaign(campaign.id),
        "type": "Campaign",
        **audit_fields(campaign),
        "name": campaign.name,
        "campaign_type": campaign.type.value,
        "status": campaign.status.value,
        "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else None,
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "budget": {"amount": campaign.budget.amount, "currency": campaign.budget.currency} if campaign.budget else None,
        "owner_id": campaign.owner_id,
        **keys.campaign_indexes(campaign.id, campaign.status.value, campaign.type.value),
    }


def campaign_from_item(item: Item) -> Campaign:
    budget = item.get("budget")
    return Campaign(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        name=item["name"],
        type=CampaignType(item["campaign_type"]),
        status=CampaignStatus(item["status"]),
        starts_on=date_of(item.get("starts_on")),
        ends_on=date_of(item.get("ends_on")),
        budget=Money(int(budget["amount"]), budget["currency"]) if budget else None,
        owner_id=item["owner_id"],
    )


def _index(filters: CampaignFilter) -> queries.IndexQuery:
    """A status, else a type, picks the partition; the other is a post-filter."""
    if filters.status is not None:
        post = (("campaign_type", filters.type.value),) if filters.type is not None else ()
        return queries.IndexQuery("GSI2", keys.campaign_status_list(filters.status.value), filters=post)
    if filters.type is not None:
        return queries.IndexQuery("GSI3", keys.campaign_type_list(filters.type.value))
    return queries.IndexQuery("GSI1", keys.CAMPAIGN)


class CampaignRepository(Repository[Campaign]):
    aggregate_type = "Campaign"

    def key(self, aggregate_id: str) -> Key:
        return keys.campaign(aggregate_id)

    def to_item(self, aggregate: Campaign) -> Item:
        return campaign_item(aggregate)

    def from_item(self, item: Item) -> Campaign:
        return campaign_from_item(item)

    def page(
        self, filters: CampaignFilter, page_size: int, cursor: str | None
    ) -> tuple[list[Campaign], str | None, int]:
        """One page of the campaigns `filters` selects, newest first, and how many it selects in all (a counting
        Query of the same partition: campaigns are few)."""
        query = _index(filters)
        found = queries.query_page(query, page_size, cursor)
        return [campaign_from_item(item) for item in found.items], found.next_cursor, queries.count(query)

    def with_counters(self, campaign_id: str) -> tuple[Campaign | None, Counter[str], Counter[str]]:
        """The campaign, its lead counters and its won counters, in one BatchGetItem."""
        item, leads, won = queries.get_items(
            [
                keys.campaign(campaign_id),
                keys.campaign_lead_counter(campaign_id),
                keys.campaign_won_counter(campaign_id),
            ]
        )
        campaign = campaign_from_item(item) if item else None
        return campaign, queries.counters_of(leads), queries.counters_of(won)

    def save(self, campaign: Campaign, before: Campaign | None, ctx: RequestContext) -> None:
        if unchanged(campaign, before):
            return
        with self.saving(campaign, ctx):
            pass
