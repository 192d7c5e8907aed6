"""Opportunities in the Sales table: the item mapping (variants and their lines inside the item: at most 10 x
100 lines, far under the 400 KB item limit), the one save path, which can join another aggregate's transaction
(a lead's conversion), and the reads opportunities need."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import ReferenceNotFound
from kernel.settings import settings
from sales import keys
from sales.deal.model import Deal
from sales.deal.store import DealRepository
from sales.keys import Key
from sales.opportunity.model import Opportunity, OpportunityFilter, OpportunityStatus
from sales.opportunity.pricing import Line, Variant


def _line_item(line: Line) -> Item:
    return {
        "description": line.description,
        "product_code": line.product_code,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount_percent": str(line.discount_percent),
    }


def _variant_item(variant: Variant) -> Item:
    return {
        "id": variant.id,
        "name": variant.name,
        "currency": variant.currency,
        "notes": variant.notes,
        "lines": [_line_item(line) for line in variant.lines],
    }


def _variant_from(item: Item) -> Variant:
    return Variant(
        id=item["id"],
        name=item["name"],
        currency=item["currency"],
        notes=item.get("notes"),
        lines=tuple(
            Line(
                description=line["description"],
                product_code=line.get("product_code"),
                quantity=int(line["quantity"]),
                unit_price=int(line["unit_price"]),
                discount_percent=Decimal(line["discount_percent"]),
            )
            for line in item.get("lines") or []
        ),
    )


def opportunity_item(opportunity: Opportunity) -> Item:
    item: Item = {
        **keys.opportunity(opportunity.id),
        "type": "Opportunity",
        **audit_fields(opportunity),
        "customer_id": opportunity.customer_id,
        "name": opportunity.name,
        "owner_id": opportunity.owner_id,
        "lead_id": opportunity.lead_id,
        "partner_id": opportunity.partner_id,
        "status": opportunity.status.value,
        "variants": [_variant_item(variant) for variant in opportunity.variants],
        "validated_variant_id": opportunity.validated_variant_id,
        "validated_at": to_rfc3339(opportunity.validated_at) if opportunity.validated_at else None,
        "deal_id": opportunity.deal_id,
        "confirmed_at": to_rfc3339(opportunity.confirmed_at) if opportunity.confirmed_at else None,
        "decline_reason": opportunity.decline_reason,
        "declined_at": to_rfc3339(opportunity.declined_at) if opportunity.declined_at else None,
    }
    if not opportunity.is_deleted:
        item.update(
            keys.opportunity_indexes(
                opportunity.id, opportunity.status.value, opportunity.owner_id, opportunity.customer_id
            )
        )
    return item


def opportunity_from_item(item: Item) -> Opportunity:
    return Opportunity(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        customer_id=item["customer_id"],
        name=item["name"],
        owner_id=item["owner_id"],
        lead_id=item.get("lead_id"),
        partner_id=item.get("partner_id"),
        status=OpportunityStatus(item["status"]),
        variants=[_variant_from(variant) for variant in item.get("variants") or []],
        validated_variant_id=item.get("validated_variant_id"),
        validated_at=instant_of(item.get("validated_at")),
        deal_id=item.get("deal_id"),
        confirmed_at=instant_of(item.get("confirmed_at")),
        decline_reason=item.get("decline_reason"),
        declined_at=instant_of(item.get("declined_at")),
    )


def _counters(opportunity: Opportunity | None) -> Counter[str]:
    if opportunity is None or opportunity.is_deleted:
        return Counter()
    return Counter({"all": 1, f"status#{opportunity.status.value}": 1})


def _index(filters: OpportunityFilter) -> queries.IndexQuery:
    status = filters.status.value if filters.status else None
    prefix = f"{status}#" if status else None
    if filters.customer_id is not None:
        owner = (("owner_id", filters.owner_id),) if filters.owner_id else ()
        return queries.IndexQuery("GSI4", keys.opportunity_customer_list(filters.customer_id), prefix, filters=owner)
    if filters.owner_id is not None:
        return queries.IndexQuery("GSI3", keys.opportunity_owner_list(filters.owner_id), prefix)
    if status is not None:
        return queries.IndexQuery("GSI2", keys.opportunity_status_list(status), shards=keys.OPPORTUNITY_INDEX_SHARDS)
    return queries.IndexQuery("GSI1", keys.OPPORTUNITY, shards=keys.OPPORTUNITY_INDEX_SHARDS)


class OpportunityRepository(Repository[Opportunity]):
    aggregate_type = "Opportunity"

    def key(self, aggregate_id: str) -> Key:
        return keys.opportunity(aggregate_id)

    def to_item(self, aggregate: Opportunity) -> Item:
        return opportunity_item(aggregate)

    def from_item(self, item: Item) -> Opportunity:
        return opportunity_from_item(item)

    def page(
        self, filters: OpportunityFilter, page_size: int, cursor: str | None
    ) -> tuple[list[Opportunity], str | None, int]:
        """One page, newest first within the index's order, and the total: the counters for no filter or a
        status alone, else a counting Query of the customer's or owner's partition."""
        query = _index(filters)
        found = queries.query_page(query, page_size, cursor)
        if filters.customer_id is None and filters.owner_id is None:
            counters = queries.read_counters(keys.OPPORTUNITY_STATS)
            total = counters[f"status#{filters.status.value}"] if filters.status else counters["all"]
        else:
            total = queries.count(query)
        return [opportunity_from_item(item) for item in found.items], found.next_cursor, total

    def of_customer(self, customer_id: str, most: int) -> list[Opportunity]:
        """Up to `most` opportunities naming `customer_id` (a merge's batch), read consistently."""
        page = queries.query_page(queries.IndexQuery("GSI4", keys.opportunity_customer_list(customer_id)), most)
        items = queries.get_items([keys.opportunity(str(item["id"])) for item in page.items])
        return [opportunity_from_item(item) for item in items if item]

    def save(
        self,
        opportunity: Opportunity,
        before: Opportunity | None,
        ctx: RequestContext,
        joining: Transaction | None = None,
        check_customer: bool = False,
    ) -> None:
        """`check_customer`: the customer must be a live contact at commit (a new opportunity).
        `joining`: the transaction of another aggregate's command (a lead's conversion, a deal's creation)."""
        if unchanged(opportunity, before):
            return
        with self.saving(opportunity, ctx, joining) as tx:
            if check_customer:
                tx.check(
                    keys.contact(opportunity.customer_id),
                    "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
                    on_condition_failed=lambda _old: ReferenceNotFound(
                        f"customer {opportunity.customer_id} is not a live contact", "INVALID_REFERENCE", "customer_id"
                    ),
                )
            self.add_counters(tx, opportunity, before)

    def save_customer_moves(self, moves: list[tuple[Opportunity, Opportunity]], ctx: RequestContext) -> None:
        """Opportunities given to another customer (a merge's batch), each with its state before, in one
        transaction."""
        if not moves:
            return
        tx = Transaction(settings().table_name)
        for opportunity, before in moves:
            self.save(opportunity, before, ctx, joining=tx)
        tx.commit()

    def confirm(self, opportunity: Opportunity, before: Opportunity, deal: Deal, ctx: RequestContext) -> None:
        """The opportunity and the deal it opens, in one transaction: a second confirmation finds the opportunity
        confirmed, or loses the race on its version, so there is one deal."""
        with self.saving(opportunity, ctx) as tx:
            self.add_counters(tx, opportunity, before)
            DealRepository().save(deal, None, ctx, check_customer=True, joining=tx)

    @staticmethod
    def add_counters(tx: Transaction, opportunity: Opportunity, before: Opportunity | None) -> None:
        old, new = _counters(before), _counters(opportunity)
        changes = {name: new[name] - old[name] for name in {*old, *new} if new[name] != old[name]}
        if changes:
            tx.add_counters(keys.stats_shard(keys.OPPORTUNITY_STATS, pick_shard(settings().stats_shards)), changes)
