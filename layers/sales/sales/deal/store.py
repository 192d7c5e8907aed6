"""Deals in the Sales table: the item mapping, the one save path with stage history and counters, and the
reads the deal use cases ask for by intention (a page of a filtered list and its total, the pipeline counters,
the forecast counters of a window, a deal with its history): which index, key or counter answers them is
decided here and nowhere else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from kernel import clients
from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, date_of, from_attributes, instant_of, to_attributes
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import ReferenceNotFound
from kernel.money import Money
from kernel.settings import settings
from sales import keys
from sales.deal.model import (
    Channel,
    ChannelChange,
    ChannelRoute,
    Deal,
    DealFilter,
    DealSource,
    DealStatus,
    Stage,
    StageChange,
)
from sales.deal.stats import (
    MonthCounters,
    delta,
    forecast_counters,
    forecast_delta,
    list_counter,
    pipeline_counters,
    scope_counters,
)
from sales.keys import Key


def deal_item(deal: Deal) -> Item:
    item: Item = {
        **keys.deal(deal.id),
        "type": "Deal",
        **audit_fields(deal),
        "customer_id": deal.customer_id,
        "assigned_to": deal.assigned_to,
        "name": deal.name,
        "value": deal.value.amount,
        "currency": deal.value.currency,
        "stage": deal.stage.value,
        "status": deal.status.value,
        "probability": deal.probability,
        "source": deal.source.value,
        "expected_close_date": deal.expected_close_date.isoformat() if deal.expected_close_date else None,
        "actual_close_date": deal.actual_close_date.isoformat() if deal.actual_close_date else None,
        "loss_reason": deal.loss_reason,
        "note": deal.note,
        "actual_value": deal.actual_value,
        "tags": list(deal.tags),
        "opportunity_id": deal.opportunity_id,
        "variant_id": deal.variant_id,
        "quote_id": deal.quote_id,
        "lines": list(deal.lines),
        "channel": deal.channel.as_view_dict(),
        "former_distributors": list(deal.former_distributors),
        "customer_bridge": deal.customer_bridge,
        "stage_entered_at": to_rfc3339(deal.stage_entered_at) if deal.stage_entered_at else None,
    }
    if not deal.is_deleted:
        item.update(keys.deal_indexes(deal.id, deal.status.value, deal.stage.value, deal.assigned_to, deal.customer_id))
    else:
        item.update(keys.deleted_deal_indexes(deal.id, deal.customer_id))
    return item


def deal_from_item(item: Item) -> Deal:
    channel = item.get("channel") or {}
    return Deal(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        customer_id=item["customer_id"],
        assigned_to=item["assigned_to"],
        name=item["name"],
        value=Money(int(item["value"]), item["currency"]),
        stage=Stage(item["stage"]),
        source=DealSource(item["source"]),
        expected_close_date=date_of(item.get("expected_close_date")),
        actual_close_date=date_of(item.get("actual_close_date")),
        loss_reason=item.get("loss_reason"),
        note=item.get("note"),
        actual_value=item.get("actual_value"),
        tags=list(item.get("tags") or []),
        opportunity_id=item.get("opportunity_id"),
        variant_id=item.get("variant_id"),
        quote_id=item.get("quote_id"),
        lines=list(item.get("lines") or []),
        channel=Channel.from_dict(channel),
        former_distributors=list(item.get("former_distributors") or []),
        customer_bridge=item.get("customer_bridge"),
        stage_entered_at=instant_of(item.get("stage_entered_at")),
    )


class DealRepository(Repository[Deal]):
    aggregate_type = "Deal"

    def key(self, aggregate_id: str) -> Key:
        return keys.deal(aggregate_id)

    def to_item(self, aggregate: Deal) -> Item:
        return deal_item(aggregate)

    def from_item(self, item: Item) -> Deal:
        return deal_from_item(item)

    # -- reads -------------------------------------------------------------------------------------
    def page(
        self, filters: DealFilter, page_size: int, cursor: str | None, page: int | None
    ) -> tuple[list[Deal], str | None]:
        """One page of the live deals `filters` selects, newest first within the index's order, and the cursor
        of the next; `page` (from 1) walks past the pages before it (of every shard, for a sharded index).
        The caller answers `selects_nothing`."""
        found = queries.query_page(_index(filters), page_size, cursor, skip=((page or 1) - 1) * page_size)
        return [deal_from_item(item) for item in found.items], found.next_cursor

    def total(self, filters: DealFilter) -> int:
        """How many live deals `filters` selects: a counter, or a counting Query for customer and owner
        together, the one combination no counter covers."""
        if filters.customer_id is not None and filters.assigned_to is not None:
            return queries.count(_index(filters))
        name = list_counter(filters)
        if filters.customer_id is not None:
            return queries.scope_counter(keys.customer_deal_counter(filters.customer_id))[name]
        if filters.assigned_to is not None:
            return queries.scope_counter(keys.owner_deal_counter(filters.assigned_to))[name]
        return self.pipeline_counters()[name]

    def pipeline_counters(self) -> Counter[str]:
        """The pipeline counters (sales.deal.stats), summed over their shards: one BatchGetItem."""
        return queries.read_counters(keys.DEAL_STATS)

    def forecast(self, months: list[str]) -> MonthCounters:
        """Each month's forecast counters, summed over its shards: months x FORECAST_SHARDS keys in
        BatchGetItems of at most 100 keys, so the number of requests depends on the window alone (one up to
        25 months, two for the longest window of 36), never on the number of deals."""
        wanted = [
            (month, keys.deal_forecast_shard(month, shard)) for month in months for shard in range(keys.FORECAST_SHARDS)
        ]
        totals: MonthCounters = {month: Counter() for month in months}
        for start in range(0, len(wanted), keys.BATCH_GET_MAX_KEYS):
            batch = wanted[start : start + keys.BATCH_GET_MAX_KEYS]
            for (month, _key), item in zip(batch, queries.get_items([key for _month, key in batch]), strict=True):
                totals[month].update(queries.counters_of(item))
        return totals

    def with_history(self, deal_id: str) -> tuple[Deal | None, list[StageChange]]:
        """The deal, deleted or not, and its stage history oldest first, in one Query: SK 'DEAL' sorts before
        'HISTORY#...'."""
        args: dict[str, Any] = {
            "TableName": settings().table_name,
            "KeyConditionExpression": "PK = :pk AND SK <= :last",
            "ExpressionAttributeValues": to_attributes({":pk": keys.deal(deal_id)["PK"], ":last": keys.HISTORY + "~"}),
            "ConsistentRead": True,
        }
        items: list[Item] = []
        while True:
            response = clients.dynamodb().query(**args)
            items.extend(from_attributes(raw) for raw in response.get("Items", []))
            if not response.get("LastEvaluatedKey"):
                break
            args["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        deal = next((deal_from_item(item) for item in items if item["SK"] == keys.DEAL), None)
        history = [
            _stage_change(item)
            for item in items
            if item["SK"].startswith(keys.HISTORY) and item.get("type", "StageChange") == "StageChange"
        ]
        return deal, history

    def channel_history(self, deal_id: str) -> list[ChannelChange]:
        """The deal's reallocations, oldest first (history items of type ChannelChange)."""
        items = queries.partition_items(keys.deal(deal_id)["PK"], keys.HISTORY)
        return [
            ChannelChange(
                from_distributor_id=item.get("from_distributor_id"),
                to_distributor_id=item["to_distributor_id"],
                reason=item["reason"],
                actor=item["actor"],
                at=from_rfc3339(item["at"]),
            )
            for item in items
            if item.get("type") == "ChannelChange"
        ]

    def partner_page(self, partner_id: str, page_size: int, cursor: str | None) -> tuple[list[Deal], str | None, int]:
        """One page of the live deals a partner registered or had routed through it, newest first (its entries,
        then one consistent BatchGetItem of the deals), and how many it has (a counting Query of the entries)."""
        query = queries.IndexQuery("GSI1", keys.partner_deals(partner_id))
        found = queries.query_page(query, page_size, cursor)
        deals = queries.get_items([keys.deal(str(item["deal_id"])) for item in found.items])
        live = [deal_from_item(item) for item in deals if item and not item.get("deleted_at")]
        return live, found.next_cursor, queries.count(query)

    def of_customer(self, customer_id: str, most: int) -> list[Deal]:
        """Up to `most` deals naming `customer_id`, live ones first, then soft-deleted ones: a Query of each of
        its two index partitions (the second only when the first leaves room), then one consistent
        BatchGetItem, since an index may still show a deal that has just changed."""
        ids: list[str] = []
        for partition in (keys.customer_deals(customer_id), keys.customer_deleted_deals(customer_id)):
            if len(ids) < most:
                page = queries.query_page(queries.IndexQuery("GSI4", partition), most - len(ids))
                ids.extend(str(item["id"]) for item in page.items)
        return [deal_from_item(item) for item in queries.get_items([keys.deal(deal_id) for deal_id in ids]) if item]

    def save_customer_moves(self, moves: list[tuple[Deal, Deal]], ctx: RequestContext) -> None:
        """Deals given to another customer (each with its state before), in one transaction: each at the version
        read, and the customer counters moved once for all of them."""
        if not moves:
            return
        tx = Transaction(settings().table_name)
        lost: dict[str, Counter[str]] = {}
        gained: dict[str, Counter[str]] = {}
        for deal, before in moves:
            with self.saving(deal, ctx, joining=tx):
                pass
            lost.setdefault(before.customer_id, Counter()).update(scope_counters(before))
            gained.setdefault(deal.customer_id, Counter()).update(scope_counters(deal))
        for customer in sorted({*lost, *gained}):
            tx.add_counters(
                keys.customer_deal_counter(customer),
                delta(lost.get(customer, Counter()), gained.get(customer, Counter())),
            )
        tx.commit()

    # -- the one save path ---------------------------------------------------------------------------
    def save(
        self,
        deal: Deal,
        before: Deal | None,
        ctx: RequestContext,
        *,
        check_customer: bool = False,
        joining: Transaction | None = None,
        also: Callable[[Transaction], None] | None = None,
    ) -> None:
        """Persist `deal` as changed from `before` (None when new), with everything it implies. `joining`: the
        transaction of the command that creates it (an opportunity's confirmation), committed by its owner.
        `also`: what else the command writes or checks in the deal's transaction (the partner's and the pair's
        guards of a registration, the contact a registration creates)."""
        if unchanged(deal, before) and not deal.pending_stage_changes and not deal.pending_channel_changes:
            return
        with self.saving(deal, ctx, joining) as tx:
            for index, change in enumerate(deal.pending_stage_changes):
                tx.put(
                    {
                        **keys.history(deal.id, deal.version, index),
                        "type": "StageChange",
                        "from_stage": change.from_stage.value if change.from_stage else None,
                        "to_stage": change.to_stage.value,
                        "actor": change.actor,
                        "at": to_rfc3339(change.at),
                    }
                )
            if check_customer:
                tx.check(
                    keys.contact(deal.customer_id),
                    "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
                    on_condition_failed=lambda _old: ReferenceNotFound(
                        f"customer {deal.customer_id} is not a live contact",
                        "CUSTOMER_NOT_FOUND",
                        "customer_id",
                    ),
                )
            for index, move in enumerate(deal.pending_channel_changes):
                tx.put(
                    {
                        **keys.channel_change(deal.id, deal.version, index),
                        "type": "ChannelChange",
                        "from_distributor_id": move.from_distributor_id,
                        "to_distributor_id": move.to_distributor_id,
                        "reason": move.reason,
                        "actor": move.actor,
                        "at": to_rfc3339(move.at),
                    }
                )
            self._partner_entries(tx, before, deal)
            self._counters(tx, before, deal)
            if also is not None:
                also(tx)
        deal.pending_stage_changes.clear()
        deal.pending_channel_changes.clear()

    @staticmethod
    def _partner_entries(tx: Transaction, before: Deal | None, after: Deal) -> None:
        """A partner deal's entry under each partner that registered it or had it routed through it, now or
        before: rewritten when the channel or the deal's liveness changes (a deleted deal drops out of the lists)."""
        if not after.channel.is_partner:
            return
        if (
            before is not None
            and before.channel == after.channel
            and before.former_distributors == after.former_distributors
            and before.is_deleted == after.is_deleted
        ):
            return
        partners = [after.channel.reseller_id, after.channel.distributor_id, *after.former_distributors]
        for partner_id in dict.fromkeys(partner for partner in partners if partner is not None):
            entry: Item = {**keys.partner_deal_entry(after.id, partner_id), "type": "PartnerDealEntry"}
            entry["deal_id"] = after.id
            if not after.is_deleted:
                entry.update(GSI1PK=keys.partner_deals(partner_id), GSI1SK=after.id)
            tx.put(entry)

    @staticmethod
    def _open_direct(deal: Deal | None) -> int:
        """1 for an open, live partner deal routed direct: its reseller may not become a distributor."""
        if deal is None or deal.is_deleted or not deal.channel.is_partner or deal.status is not DealStatus.OPEN:
            return 0
        return 1 if deal.channel.route is ChannelRoute.DIRECT else 0

    @staticmethod
    def _counters(tx: Transaction, before: Deal | None, after: Deal) -> None:
        """The deal's counter deltas, in the command's own transaction: one pipeline shard, and the forecast
        item of each month the deal enters or leaves (at most two), each shard picked at random per write.

        A counter an ADD brings to 0 stays on its item: ADD is blind (the new value is not known here, and a
        transaction returns none), and the one condition that could tell (`#count = :zero`) would cancel
        the whole command when it fails. What keeps zeros harmless is where they can sit: pipeline names
        are bounded by stages x currencies, and forecast names sit on their own month's items, three per
        currency, so no item grows with time (docs/data-model.md, Costs and limits)."""
        open_direct = DealRepository._open_direct(after) - DealRepository._open_direct(before)
        if open_direct and after.channel.reseller_id is not None:
            tx.add_counters(keys.partner_deal_counter(after.channel.reseller_id), {"open_direct": open_direct})
        tx.add_counters(
            keys.stats_shard(keys.DEAL_STATS, pick_shard(settings().stats_shards)),
            delta(pipeline_counters(before), pipeline_counters(after)),
        )
        for month, changes in forecast_delta(forecast_counters(before), forecast_counters(after)).items():
            tx.add_counters(keys.deal_forecast_shard(month, pick_shard(keys.FORECAST_SHARDS)), changes)
        # Owner and customer totals: the old owner loses what the new one gains on a reassignment.
        for key_of, attribute in (
            (keys.owner_deal_counter, "assigned_to"),
            (keys.customer_deal_counter, "customer_id"),
        ):
            old_scope = getattr(before, attribute) if before else None
            new_scope = getattr(after, attribute)
            if old_scope == new_scope:
                tx.add_counters(key_of(new_scope), delta(scope_counters(before), scope_counters(after)))
            else:
                if old_scope is not None:
                    tx.add_counters(key_of(old_scope), delta(scope_counters(before), scope_counters(None)))
                tx.add_counters(key_of(new_scope), delta(scope_counters(None), scope_counters(after)))


def _index(filters: DealFilter) -> queries.IndexQuery:
    """The index that answers the filters: the customer's (owner as a post-filter), the owner's, the status's,
    or every live deal; a status, and a stage within it, narrow the sort key. The status and all-deals
    partitions are write-sharded (keys.DEAL_INDEX_SHARDS): their pages query every shard, merged."""
    stage, status = filters.stage, filters.implied_status
    prefix = None
    if status is not None:
        prefix = f"{status.value}#" + (f"{stage.value}#" if stage is not None else "")
    if filters.customer_id is not None:
        owner = () if filters.assigned_to is None else (("assigned_to", filters.assigned_to),)
        return queries.IndexQuery("GSI4", keys.customer_deals(filters.customer_id), prefix, filters=owner)
    if filters.assigned_to is not None:
        return queries.IndexQuery("GSI3", f"DEAL#OWNER#{filters.assigned_to}", prefix)
    if status is not None:
        return queries.IndexQuery(
            "GSI2",
            keys.deal_status_list(status.value),
            f"{stage.value}#" if stage else None,
            shards=keys.DEAL_INDEX_SHARDS,
        )
    return queries.IndexQuery("GSI1", keys.DEAL_LIST, shards=keys.DEAL_INDEX_SHARDS)


def _stage_change(item: Item) -> StageChange:
    from_stage = item.get("from_stage")
    return StageChange(
        from_stage=Stage(from_stage) if from_stage else None,
        to_stage=Stage(item["to_stage"]),
        actor=item["actor"],
        at=from_rfc3339(item["at"]),
    )
