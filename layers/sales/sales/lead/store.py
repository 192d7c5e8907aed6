"""Leads in the Sales table: the item mapping, the one save path (the lead, its campaign entry, its campaign's
lead counters, the lead counters, the references it must find live) and the reads leads need."""

from __future__ import annotations

from collections import Counter

from kernel.clock import from_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import Conflict, FieldIssue, ReferenceNotFound
from kernel.money import Money
from kernel.settings import settings
from sales import keys
from sales.keys import Key
from sales.lead.model import Lead, LeadFilter, LeadSource, LeadStatus, lead_counters
from sales.opportunity.model import Opportunity
from sales.opportunity.store import OpportunityRepository


def lead_item(lead: Lead) -> Item:
    value = lead.estimated_value
    item: Item = {
        **keys.lead(lead.id),
        "type": "Lead",
        **audit_fields(lead),
        "contact_id": lead.contact_id,
        "source": lead.source.value,
        "campaign_id": lead.campaign_id,
        "partner_id": lead.partner_id,
        "title": lead.title,
        "need": lead.need,
        "estimated_value": {"amount": value.amount, "currency": value.currency} if value else None,
        "owner_id": lead.owner_id,
        "status": lead.status.value,
        "disqualify_reason": lead.disqualify_reason,
        "opportunity_id": lead.opportunity_id,
        "shared_with": list(lead.shared_with),
    }
    if not lead.is_deleted:
        item.update(keys.lead_indexes(lead.id, lead.status.value, lead.owner_id, lead.contact_id))
    return item


def lead_from_item(item: Item) -> Lead:
    value = item.get("estimated_value")
    return Lead(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        contact_id=item["contact_id"],
        source=LeadSource(item["source"]),
        campaign_id=item.get("campaign_id"),
        partner_id=item.get("partner_id"),
        title=item["title"],
        need=item.get("need"),
        estimated_value=Money(int(value["amount"]), value["currency"]) if value else None,
        owner_id=item["owner_id"],
        status=LeadStatus(item["status"]),
        disqualify_reason=item.get("disqualify_reason"),
        opportunity_id=item.get("opportunity_id"),
        shared_with=list(item.get("shared_with") or []),
    )


def _campaign_entry(lead: Lead) -> Item:
    return {
        **keys.lead_campaign_entry(lead.id),
        "type": "LeadEntry",
        "lead_id": lead.id,
        "status": lead.status.value,
        "source": lead.source.value,
        "owner_id": lead.owner_id,
        "contact_id": lead.contact_id,
        **keys.lead_campaign_entry_indexes(str(lead.campaign_id), lead.id),
    }


def _stats(lead: Lead | None) -> Counter[str]:
    if lead is None or lead.is_deleted:
        return Counter()
    return Counter({"all": 1, f"status#{lead.status.value}": 1})


def list_query(filters: LeadFilter) -> tuple[queries.IndexQuery, bool]:
    """The index answering `filters` (the other filters as post-filters), and whether its entries are campaign
    entries (the leads are then read with one BatchGetItem). A campaign, then a contact, an owner, a status."""
    status = filters.status.value if filters.status else None
    post = {
        "source": filters.source.value if filters.source else None,
        "owner_id": filters.owner_id,
        "contact_id": filters.contact_id,
        "status": status,
    }
    prefix = f"{status}#" if status else None
    if filters.campaign_id is not None:
        wanted = tuple((name, value) for name, value in post.items() if value is not None)
        return queries.IndexQuery("GSI1", keys.lead_campaign_list(filters.campaign_id), filters=wanted), True
    if filters.contact_id is not None:
        index, partition = "GSI4", keys.lead_contact_list(filters.contact_id)
        post.update(contact_id=None, status=None)
    elif filters.owner_id is not None:
        index, partition = "GSI3", keys.lead_owner_list(filters.owner_id)
        post.update(owner_id=None, status=None)
    else:
        shards = keys.LEAD_INDEX_SHARDS
        wanted = tuple((name, value) for name, value in post.items() if value is not None and name != "status")
        if status is not None:
            return queries.IndexQuery("GSI2", keys.lead_status_list(status), filters=wanted, shards=shards), False
        return queries.IndexQuery("GSI1", keys.LEAD, filters=wanted, shards=shards), False
    wanted = tuple((name, value) for name, value in post.items() if value is not None)
    return queries.IndexQuery(index, partition, prefix, filters=wanted), False


class LeadRepository(Repository[Lead]):
    aggregate_type = "Lead"

    def key(self, aggregate_id: str) -> Key:
        return keys.lead(aggregate_id)

    def to_item(self, aggregate: Lead) -> Item:
        return lead_item(aggregate)

    def from_item(self, item: Item) -> Lead:
        return lead_from_item(item)

    def page(self, filters: LeadFilter, page_size: int, cursor: str | None) -> tuple[list[Lead], str | None, int]:
        """One page, newest first within the index's order, and the total: the lead counters for no filter or
        a status alone, else a counting Query of the partition read (one campaign's, contact's or owner's)."""
        query, entries = list_query(filters)
        found = queries.query_page(query, page_size, cursor)
        if entries:
            items = queries.get_items([keys.lead(str(entry["lead_id"])) for entry in found.items])
            leads = [lead_from_item(item) for item in items if item]
        else:
            leads = [lead_from_item(item) for item in found.items]
        if query.shards > 1 and not query.filters:
            counters = queries.read_counters(keys.LEAD_STATS)
            total = counters[f"status#{filters.status.value}"] if filters.status else counters["all"]
        else:
            total = queries.count(query)
        return leads, found.next_cursor, total

    def of_contact(self, contact_id: str, most: int) -> list[Lead]:
        """Up to `most` leads naming `contact_id` (a merge's batch), read consistently."""
        page = queries.query_page(queries.IndexQuery("GSI4", keys.lead_contact_list(contact_id)), most)
        items = queries.get_items([keys.lead(str(item["id"])) for item in page.items])
        return [lead_from_item(item) for item in items if item]

    def save_contact_moves(self, moves: list[tuple[Lead, Lead]], ctx: RequestContext) -> None:
        """Leads given to another contact (a merge's batch), each with its state before, in one transaction."""
        if not moves:
            return
        tx = Transaction(settings().table_name)
        for lead, before in moves:
            self.save(lead, before, ctx, transaction=tx)
        tx.commit()

    def share(self, lead: Lead, before: Lead, partner_id: str, ctx: RequestContext) -> None:
        """The lead shared, with the check that the partner may be shared leads (an active reseller of tier gold
        or platinum) in the same transaction."""

        def not_eligible(old: Item | None) -> Exception:
            if old is None:
                return ReferenceNotFound(f"partner {partner_id} not found", "INVALID_REFERENCE", "partner_id")
            shown = f"{old.get('status')} {old.get('subtype')}" + (f" of tier {old['tier']}" if old.get("tier") else "")
            return Conflict(
                f"partner {partner_id} is an {shown}; leads are shared with active gold or platinum resellers",
                "TIER_NOT_ELIGIBLE",
                [FieldIssue("partner_id", partner_id)],
            )

        with self.saving(lead, ctx) as tx:
            tx.check(
                keys.partner(partner_id),
                "#subtype = :reseller AND #status = :active AND #tier IN (:gold, :platinum)",
                names={"#subtype": "subtype", "#status": "status", "#tier": "tier"},
                values={":reseller": "reseller", ":active": "active", ":gold": "gold", ":platinum": "platinum"},
                on_condition_failed=not_eligible,
            )

    def save(
        self,
        lead: Lead,
        before: Lead | None,
        ctx: RequestContext,
        opportunity: Opportunity | None = None,
        transaction: Transaction | None = None,
    ) -> None:
        """The lead with everything it implies, in one transaction; `opportunity`: the one its conversion
        creates, written in the same transaction. `transaction`: a consumer's, to join (a merge's batch)."""
        if unchanged(lead, before):
            return
        with self.saving(lead, ctx, transaction) as tx:
            if before is None:
                self._references(tx, lead)
            if lead.campaign_id is not None:
                tx.put(_campaign_entry(lead))
                old, new = lead_counters(before), lead_counters(lead)
                changes = {name: new.get(name, 0) - old.get(name, 0) for name in {*old, *new}}
                tx.add_counters(keys.campaign_lead_counter(lead.campaign_id), {k: v for k, v in changes.items() if v})
            old_stats, new_stats = _stats(before), _stats(lead)
            changes = {name: new_stats[name] - old_stats[name] for name in {*old_stats, *new_stats}}
            tx.add_counters(
                keys.stats_shard(keys.LEAD_STATS, pick_shard(settings().stats_shards)),
                {name: change for name, change in changes.items() if change},
            )
            if opportunity is not None:
                OpportunityRepository().save(opportunity, None, ctx, joining=tx)

    @staticmethod
    def _references(tx: Transaction, lead: Lead) -> None:
        """A new lead's contact is live and its campaign, if any, active, when the lead is written."""
        tx.check(
            keys.contact(lead.contact_id),
            "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
            on_condition_failed=lambda _old: ReferenceNotFound(
                f"contact {lead.contact_id} is not a live contact", "INVALID_REFERENCE", "contact_id"
            ),
        )
        if lead.campaign_id is None:
            return
        campaign_id = lead.campaign_id

        def not_active(old: Item | None) -> Exception:
            if old is None:
                return ReferenceNotFound(f"campaign {campaign_id} not found", "INVALID_REFERENCE", "campaign_id")
            message = f"campaign {campaign_id} is {old.get('status')}, not active"
            return ReferenceNotFound(message, "CAMPAIGN_NOT_ACTIVE", "campaign_id")

        tx.check(
            keys.campaign(campaign_id),
            "#status = :active",
            names={"#status": "status"},
            values={":active": "active"},
            on_condition_failed=not_active,
        )
