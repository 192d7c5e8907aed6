"""Deal use cases: one function per operation."""

from __future__ import annotations

from collections.abc import Callable

from kernel.clock import LAST_BUSINESS_MONTH, add_months, from_rfc3339, months_between, today
from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.errors import FieldIssue, NotFound, ReferenceNotFound, ValidationFailed
from kernel.listing import ListResult, paginate
from kernel.money import Money
from sales import keys
from sales.contact.store import ContactRepository
from sales.deal.access import can_see_deal
from sales.deal.model import Deal, DealStatus, Stage
from sales.deal.stats import ALL, forecast_keys, stage_key, status_key, won_keys
from sales.deal.store import DealRepository, deal_counters, deal_from_item, deal_with_history, forecast_totals
from sales.deal.views import (
    CreateDealInput,
    CurrencyTotal,
    DealHistoryView,
    DealListQuery,
    DealRef,
    DealView,
    ForecastQuery,
    ForecastRow,
    ForecastView,
    LoseDealInput,
    MoveStageInput,
    NoInput,
    PipelineStatsView,
    StageChangeView,
    StageListQuery,
    UpdateBasicInfoInput,
    UpdateValueInput,
    WinDealInput,
    WonStatsView,
)

FORECAST_MAX_MONTHS = 36

_deals = DealRepository()
_contacts = ContactRepository()


def _not_found(deal_id: str) -> NotFound:
    return NotFound(f"deal {deal_id} not found", "DEAL_NOT_FOUND")


def _load_live(deal_id: str) -> Deal:
    deal = _deals.get(deal_id)
    if deal is None or deal.is_deleted:
        raise _not_found(deal_id)
    return deal


def _change(deal_id: str, ctx: RequestContext, change: Callable[[Deal], None], *, live: bool = True) -> Deal:
    def load() -> Deal:
        deal = _load_live(deal_id) if live else _deals.get(deal_id)
        if deal is None:
            raise _not_found(deal_id)
        return deal

    def save(deal: Deal, before: Deal) -> None:
        _deals.save(deal, before, ctx, check_customer=before.is_deleted and not deal.is_deleted)

    return apply_once(ctx, deal_id, load, change, save, lambda: _deals.get(deal_id))


# -- commands -------------------------------------------------------------------------------------
def create_deal(cmd: CreateDealInput, ctx: RequestContext) -> DealView:
    customer = _contacts.get(cmd.customer_id)
    if customer is None or customer.is_deleted:
        raise ReferenceNotFound(
            f"customer {cmd.customer_id} is not a live contact", "CUSTOMER_NOT_FOUND", "customer_id"
        )
    deal = Deal.create(
        customer_id=cmd.customer_id,
        assigned_to=cmd.assigned_to or ctx.actor,
        name=cmd.name,
        value=Money(cmd.value, cmd.currency),
        expected_close_date=cmd.expected_close_date,
        source=cmd.source,
        tags=list(cmd.tags),
        actor=ctx.actor,
        now=ctx.now,
        customer_bridge=customer.bridge,
    )
    stored = create_once(ctx, deal, lambda new: _deals.save(new, None, ctx, check_customer=True), _deals.get)
    return DealView.of(stored)


def update_basic_info(cmd: UpdateBasicInfoInput, ctx: RequestContext) -> DealView:
    def change(deal: Deal) -> None:
        deal.update_basic_info(
            now=ctx.now,
            name=cmd.name,
            expected_close_date=cmd.expected_close_date,
            source=cmd.source,
            tags=list(cmd.tags) if cmd.tags is not None else None,
            assigned_to=cmd.assigned_to,
        )

    return DealView.of(_change(cmd.deal_id, ctx, change))


def update_value(cmd: UpdateValueInput, ctx: RequestContext) -> DealView:
    money = Money(cmd.value, cmd.currency)
    return DealView.of(_change(cmd.deal_id, ctx, lambda deal: deal.update_value(money, now=ctx.now)))


def move_stage(cmd: MoveStageInput, ctx: RequestContext) -> DealView:
    return DealView.of(
        _change(cmd.deal_id, ctx, lambda deal: deal.move_to_stage(cmd.stage, actor=ctx.actor, now=ctx.now))
    )


def win_deal(cmd: WinDealInput, ctx: RequestContext) -> DealView:
    close_date = cmd.close_date or today(ctx.now)

    def change(deal: Deal) -> None:
        deal.win(close_date=close_date, actual_value=cmd.actual_value, note=cmd.note, actor=ctx.actor, now=ctx.now)

    return DealView.of(_change(cmd.deal_id, ctx, change))


def lose_deal(cmd: LoseDealInput, ctx: RequestContext) -> DealView:
    close_date = cmd.close_date or today(ctx.now)

    def change(deal: Deal) -> None:
        deal.lose(close_date=close_date, reason=cmd.reason, actor=ctx.actor, now=ctx.now)

    return DealView.of(_change(cmd.deal_id, ctx, change))


def delete_deal(cmd: DealRef, ctx: RequestContext) -> None:
    _change(cmd.deal_id, ctx, lambda deal: deal.delete(now=ctx.now))


def restore_deal(cmd: DealRef, ctx: RequestContext) -> DealView:
    def change(deal: Deal) -> None:
        if deal.is_deleted:  # restoring a live deal is a no-op, so retries are harmless
            deal.restore(now=ctx.now)

    return DealView.of(_change(cmd.deal_id, ctx, change, live=False))


# -- queries --------------------------------------------------------------------------------------
def get_deal(query: DealRef, ctx: RequestContext) -> DealView:
    deal = _load_live(query.deal_id)
    if not can_see_deal(ctx.principal, deal):
        raise _not_found(query.deal_id)  # same answer as an unknown id: no existence leak
    return DealView.of(deal)


def _deal_index(
    stage: Stage | None, status: DealStatus | None, owner: str | None, customer: str | None
) -> queries.IndexQuery | None:
    """Pick the index that answers the filters; None when they contradict each other."""
    if stage is not None and status is not None and stage.status is not status:
        return None
    status = stage.status if stage is not None else status
    prefix = None
    if status is not None:
        prefix = f"{status.value}#" + (f"{stage.value}#" if stage is not None else "")
    if customer is not None:
        filters = (("assigned_to", owner),) if owner is not None else ()
        return queries.IndexQuery("GSI4", f"DEAL#CUSTOMER#{customer}", prefix, filters=filters)
    if owner is not None:
        return queries.IndexQuery("GSI3", f"DEAL#OWNER#{owner}", prefix)
    if status is not None:
        return queries.IndexQuery("GSI2", f"DEAL#STATUS#{status.value}", f"{stage.value}#" if stage else None)
    return queries.IndexQuery("GSI1", keys.DEAL)


def _deal_total(
    stage: Stage | None,
    status: DealStatus | None,
    owner: str | None,
    customer: str | None,
    index: queries.IndexQuery,
) -> int:
    counter = stage_key(stage.value) if stage else status_key(status) if status else ALL
    if customer is not None and owner is not None:
        return queries.count(index)
    if customer is not None:
        return queries.scope_counter(keys.customer_deal_counter(customer))[counter]
    if owner is not None:
        return queries.scope_counter(keys.owner_deal_counter(owner))[counter]
    return deal_counters()[counter]


def _list(
    page_size: int,
    cursor: str | None,
    page: int | None,
    *,
    stage: Stage | None = None,
    status: DealStatus | None = None,
    owner: str | None = None,
    customer: str | None = None,
    total: int | None = None,
) -> ListResult[DealView]:
    index = _deal_index(stage, status, owner, customer)
    if index is None:
        return paginate([], 0, page_size, None, page)
    result = queries.query_page(index, page_size, cursor, skip=((page or 1) - 1) * page_size)
    if total is None:
        total = _deal_total(stage, status, owner, customer, index)
    views = [DealView.of(deal_from_item(item)) for item in result.items]
    return paginate(views, total, page_size, result.next_cursor, page)


def list_deals(query: DealListQuery, ctx: RequestContext) -> ListResult[DealView]:
    return _list(
        query.page_size,
        query.cursor,
        query.page,
        stage=query.stage,
        status=query.status,
        owner=query.assigned_to,
        customer=query.customer_id,
    )


def list_by_stage(query: StageListQuery, ctx: RequestContext) -> ListResult[DealView]:
    return _list(query.page_size, query.cursor, query.page, stage=query.stage)


def list_customer_deals(
    contact_id: str, page_size: int, cursor: str | None, total: int | None = None
) -> ListResult[DealView]:
    """`total` when the caller already read the customer's deal counter."""
    return _list(page_size, cursor, None, customer=contact_id, total=total)


def deal_history(query: DealRef, ctx: RequestContext) -> DealHistoryView:
    item, rows = deal_with_history(query.deal_id)
    if item is None or item.get("deleted_at") or not can_see_deal(ctx.principal, deal_from_item(item)):
        raise _not_found(query.deal_id)
    entries: list[StageChangeView] = []
    previous_at = None
    for row in rows:
        at = from_rfc3339(row["at"])
        seconds = int((at - previous_at).total_seconds()) if previous_at else None
        entries.append(
            StageChangeView(
                from_stage=row.get("from_stage"),
                to_stage=row["to_stage"],
                actor=row["actor"],
                at=row["at"],
                time_in_stage_seconds=seconds,
            )
        )
        previous_at = at
    return DealHistoryView(deal_id=query.deal_id, stage=item["stage"], entries=entries)


def pipeline_stats(query: NoInput, ctx: RequestContext) -> PipelineStatsView:
    counters = deal_counters()
    stats = {stage.value: counters[stage_key(stage.value)] for stage in Stage}
    open_value: dict[str, dict[str, int]] = {}
    for name, amount in sorted(counters.items()):
        if name.startswith("open#") and amount:
            _, stage, currency = name.split("#")
            open_value.setdefault(stage, {})[currency] = amount
    return PipelineStatsView(stats=stats, open_value=open_value)


def won_stats(query: NoInput, ctx: RequestContext) -> WonStatsView:
    counters = deal_counters()
    currencies = sorted({name.split("#")[1] for name in counters if name.startswith("won#")})
    by_currency = []
    for currency in currencies:
        count_key, value_key = won_keys(currency)
        if counters[count_key]:
            by_currency.append(
                CurrencyTotal(currency=currency, count=counters[count_key], total_value=counters[value_key])
            )
    single = by_currency[0] if len(by_currency) == 1 else None
    return WonStatsView(
        count=sum(row.count for row in by_currency),
        # Never add different currencies: a grand total exists only when there is one currency.
        total_value=single.total_value if single else (0 if not by_currency else None),
        currency=single.currency if single else None,
        by_currency=by_currency,
    )


def _half_even_hundredth(amount: int) -> int:
    quotient, remainder = divmod(amount, 100)
    if remainder > 50 or (remainder == 50 and quotient % 2):
        quotient += 1
    return quotient


def forecast(query: ForecastQuery, ctx: RequestContext) -> ForecastView:
    now_month = today(ctx.now).isoformat()[:7]
    first = query.from_month or now_month
    # The default window is a year, cut short at the last month a business date may name.
    last = query.to_month or min(add_months(first, 11), LAST_BUSINESS_MONTH)
    # The window's size by arithmetic, checked before any month is listed: a far `to` costs nothing.
    span = months_between(first, last) + 1
    if span < 1:
        raise ValidationFailed("to must not be before from", [FieldIssue("to", "must be >= from")])
    if span > FORECAST_MAX_MONTHS:
        raise ValidationFailed(
            f"a forecast spans at most {FORECAST_MAX_MONTHS} months", [FieldIssue("to", "range too long")]
        )
    months = [add_months(first, offset) for offset in range(span)]
    rows = []
    for month, counters in forecast_totals(months).items():
        for currency in sorted({name.split("#")[0] for name in counters}):
            count_key, value_key, weighted_key = forecast_keys(currency)
            if counters[count_key]:  # a month a currency has left holds zeros: not a row
                rows.append(
                    ForecastRow(
                        month=month,
                        currency=currency,
                        count=counters[count_key],
                        value=counters[value_key],
                        weighted_value=_half_even_hundredth(counters[weighted_key]),
                    )
                )
    return ForecastView(from_month=first, to_month=last, months=rows)
