"""Deal use cases: one function per operation, each given the stores it works with (the DynamoDB
repositories by default, in-memory fakes in unit tests); how the table answers them is the store's business."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from kernel.clock import LAST_BUSINESS_MONTH, add_months, months_between, to_rfc3339, today
from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.errors import FieldIssue, NotFound, ReferenceNotFound, ValidationFailed
from kernel.listing import ListResult, paginate
from kernel.money import Money
from sales.agreement.store import AgreementRepository, Pair
from sales.contact.store import ContactRepository
from sales.deal.access import can_see_deal
from sales.deal.model import Deal, DealFilter, Stage, StageChange
from sales.deal.stats import MonthCounters, forecast_rows, open_values, stage_counts, won_totals
from sales.deal.store import DealRepository
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

if TYPE_CHECKING:
    # The contact use cases list a contact's deals through this module, so their store protocol is named
    # for the type checker only; at run time the default below is the contact repository itself.
    from sales.contact.use_cases import ContactStore


class DealStore(Protocol):
    """What the deal use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Deal | None: ...

    def save(
        self,
        deal: Deal,
        before: Deal | None,
        ctx: RequestContext,
        *,
        check_customer: bool = False,
        also: Callable[[Transaction], None] | None = None,
    ) -> None:
        """Store `deal` as changed from `before` (None when new) with its history and counters, refusing a
        stale version; with `check_customer`, only while its customer is a live contact."""
        ...

    def page(
        self, filters: DealFilter, page_size: int, cursor: str | None, page: int | None
    ) -> tuple[list[Deal], str | None]: ...

    def total(self, filters: DealFilter) -> int: ...

    def pipeline_counters(self) -> Counter[str]: ...

    def forecast(self, months: list[str]) -> MonthCounters: ...

    def with_history(self, deal_id: str) -> tuple[Deal | None, list[StageChange]]: ...


class AgreementReader(Protocol):
    """The distribution agreements a partner deal's win relies on."""

    def pair(self, reseller_id: str, distributor_id: str) -> Pair: ...

    def guard_pair(self, tx: Transaction, reseller_id: str, distributor_id: str, pair: Pair) -> None: ...


DEALS: DealStore = DealRepository()
AGREEMENTS: AgreementReader = AgreementRepository()
CONTACTS: ContactStore = ContactRepository()

FORECAST_MAX_MONTHS = 36


def _not_found(deal_id: str) -> NotFound:
    return NotFound(f"deal {deal_id} not found", "DEAL_NOT_FOUND")


def _load_live(deals: DealStore, deal_id: str) -> Deal:
    deal = deals.get(deal_id)
    if deal is None or deal.is_deleted:
        raise _not_found(deal_id)
    return deal


def _change(
    deals: DealStore,
    deal_id: str,
    ctx: RequestContext,
    change: Callable[[Deal], None],
    *,
    live: bool = True,
    guards: list[Callable[[Transaction], None]] | None = None,
) -> Deal:
    """`guards`: checks the change relied on (filled in by `change` on each attempt), made in its transaction."""

    def load() -> Deal:
        deal = _load_live(deals, deal_id) if live else deals.get(deal_id)
        if deal is None:
            raise _not_found(deal_id)
        return deal

    def save(deal: Deal, before: Deal) -> None:
        # A restored deal counts against its customer again, so the customer must still be live.
        checks = list(guards or [])

        def also(tx: Transaction) -> None:
            for check in checks:
                check(tx)

        deals.save(
            deal,
            before,
            ctx,
            check_customer=before.is_deleted and not deal.is_deleted,
            also=also if checks else None,
        )

    return apply_once(ctx, deal_id, load, change, save, lambda: deals.get(deal_id))


# -- commands -------------------------------------------------------------------------------------
def create_deal(
    cmd: CreateDealInput, ctx: RequestContext, deals: DealStore = DEALS, contacts: ContactStore = CONTACTS
) -> DealView:
    customer = contacts.get(cmd.customer_id)
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
    # The customer was live when read; the save checks it still is, in the same transaction as the deal.
    stored = create_once(ctx, deal, lambda new: deals.save(new, None, ctx, check_customer=True), deals.get)
    return DealView.of(stored)


def update_basic_info(cmd: UpdateBasicInfoInput, ctx: RequestContext, deals: DealStore = DEALS) -> DealView:
    def change(deal: Deal) -> None:
        deal.update_basic_info(
            now=ctx.now,
            name=cmd.name,
            expected_close_date=cmd.expected_close_date,
            source=cmd.source,
            tags=list(cmd.tags) if cmd.tags is not None else None,
            assigned_to=cmd.assigned_to,
        )

    return DealView.of(_change(deals, cmd.deal_id, ctx, change))


def update_value(cmd: UpdateValueInput, ctx: RequestContext, deals: DealStore = DEALS) -> DealView:
    money = Money(cmd.value, cmd.currency)
    return DealView.of(_change(deals, cmd.deal_id, ctx, lambda deal: deal.update_value(money, now=ctx.now)))


def _current_customer(contacts: ContactStore, deal: Deal) -> None:
    """`deal.won` carries the customer's bridge and name as they are when the deal is won (one read of the
    customer)."""
    customer = contacts.get(deal.customer_id)
    if customer is None:
        deal.note_customer(deal.customer_bridge, None)
    else:
        deal.note_customer(customer.bridge, customer.display_name)


def _agreement_active(
    deal: Deal, close_date: date, agreements: AgreementReader, guards: list[Callable[[Transaction], None]]
) -> bool:
    """For a partner deal routed through a distributor: whether an agreement of the pair covers the close date
    (one read of the pair item), with a guard that the pair's agreements are unchanged when the win commits."""
    guards.clear()
    channel = deal.channel
    if not channel.needs_agreement or deal.stage.is_terminal or channel.distributor_id is None:
        return False
    reseller, distributor = str(channel.reseller_id), channel.distributor_id
    pair = agreements.pair(reseller, distributor)
    if pair.version:
        guards.append(lambda tx: agreements.guard_pair(tx, reseller, distributor, pair))
    return pair.covers(close_date)


def move_stage(
    cmd: MoveStageInput,
    ctx: RequestContext,
    deals: DealStore = DEALS,
    contacts: ContactStore = CONTACTS,
    agreements: AgreementReader = AGREEMENTS,
) -> DealView:
    guards: list[Callable[[Transaction], None]] = []

    def change(deal: Deal) -> None:
        active = False
        if cmd.stage is Stage.CLOSED_WON and not deal.stage.is_terminal:
            _current_customer(contacts, deal)
            active = _agreement_active(deal, today(ctx.now), agreements, guards)
        deal.move_to_stage(cmd.stage, actor=ctx.actor, now=ctx.now, agreement_active=active)

    return DealView.of(_change(deals, cmd.deal_id, ctx, change, guards=guards))


def win_deal(
    cmd: WinDealInput,
    ctx: RequestContext,
    deals: DealStore = DEALS,
    contacts: ContactStore = CONTACTS,
    agreements: AgreementReader = AGREEMENTS,
) -> DealView:
    close_date = cmd.close_date or today(ctx.now)
    guards: list[Callable[[Transaction], None]] = []

    def change(deal: Deal) -> None:
        if not deal.stage.is_terminal:
            _current_customer(contacts, deal)
        active = _agreement_active(deal, close_date, agreements, guards)
        deal.win(
            close_date=close_date,
            actual_value=cmd.actual_value,
            note=cmd.note,
            actor=ctx.actor,
            now=ctx.now,
            agreement_active=active,
        )

    return DealView.of(_change(deals, cmd.deal_id, ctx, change, guards=guards))


def lose_deal(cmd: LoseDealInput, ctx: RequestContext, deals: DealStore = DEALS) -> DealView:
    close_date = cmd.close_date or today(ctx.now)

    def change(deal: Deal) -> None:
        deal.lose(close_date=close_date, reason=cmd.reason, actor=ctx.actor, now=ctx.now)

    return DealView.of(_change(deals, cmd.deal_id, ctx, change))


def delete_deal(cmd: DealRef, ctx: RequestContext, deals: DealStore = DEALS) -> None:
    _change(deals, cmd.deal_id, ctx, lambda deal: deal.delete(now=ctx.now))


def restore_deal(cmd: DealRef, ctx: RequestContext, deals: DealStore = DEALS) -> DealView:
    def change(deal: Deal) -> None:
        if deal.is_deleted:  # restoring a live deal is a no-op, so retries are harmless
            deal.restore(now=ctx.now)

    return DealView.of(_change(deals, cmd.deal_id, ctx, change, live=False))


# -- queries --------------------------------------------------------------------------------------
def get_deal(query: DealRef, ctx: RequestContext, deals: DealStore = DEALS) -> DealView:
    deal = _load_live(deals, query.deal_id)
    if not can_see_deal(ctx.principal, deal):
        raise _not_found(query.deal_id)  # same answer as an unknown id: no existence leak
    return DealView.of(deal)


def _list(
    deals: DealStore,
    filters: DealFilter,
    page_size: int,
    cursor: str | None,
    page: int | None,
    total: int | None = None,
) -> ListResult[DealView]:
    if filters.selects_nothing:
        return paginate([], 0, page_size, None, page)
    found, next_cursor = deals.page(filters, page_size, cursor, page)
    if total is None:
        total = deals.total(filters)
    return paginate([DealView.of(deal) for deal in found], total, page_size, next_cursor, page)


def list_deals(query: DealListQuery, ctx: RequestContext, deals: DealStore = DEALS) -> ListResult[DealView]:
    filters = DealFilter(
        stage=query.stage, status=query.status, assigned_to=query.assigned_to, customer_id=query.customer_id
    )
    return _list(deals, filters, query.page_size, query.cursor, query.page)


def list_by_stage(query: StageListQuery, ctx: RequestContext, deals: DealStore = DEALS) -> ListResult[DealView]:
    return _list(deals, DealFilter(stage=query.stage), query.page_size, query.cursor, query.page)


def list_customer_deals(
    contact_id: str, page_size: int, cursor: str | None, total: int | None = None, deals: DealStore = DEALS
) -> ListResult[DealView]:
    """`total` when the caller already read the customer's deal counter."""
    return _list(deals, DealFilter(customer_id=contact_id), page_size, cursor, None, total)


def deal_history(query: DealRef, ctx: RequestContext, deals: DealStore = DEALS) -> DealHistoryView:
    deal, changes = deals.with_history(query.deal_id)
    if deal is None or deal.is_deleted or not can_see_deal(ctx.principal, deal):
        raise _not_found(query.deal_id)
    entries: list[StageChangeView] = []
    previous_at = None
    for change in changes:
        seconds = int((change.at - previous_at).total_seconds()) if previous_at else None
        entries.append(
            StageChangeView(
                from_stage=change.from_stage,
                to_stage=change.to_stage,
                actor=change.actor,
                at=to_rfc3339(change.at),
                time_in_stage_seconds=seconds,
            )
        )
        previous_at = change.at
    from sales.deal.channel import channel_changes  # a partner deal's reallocations: one more Query, theirs alone

    return DealHistoryView(
        deal_id=query.deal_id, stage=deal.stage, entries=entries, channel_changes=channel_changes(deal)
    )


def pipeline_stats(query: NoInput, ctx: RequestContext, deals: DealStore = DEALS) -> PipelineStatsView:
    counters = deals.pipeline_counters()
    return PipelineStatsView(stats=stage_counts(counters), open_value=open_values(counters))


def won_stats(query: NoInput, ctx: RequestContext, deals: DealStore = DEALS) -> WonStatsView:
    by_currency = [
        CurrencyTotal(currency=row.currency, count=row.count, total_value=row.value)
        for row in won_totals(deals.pipeline_counters())
    ]
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


def forecast(query: ForecastQuery, ctx: RequestContext, deals: DealStore = DEALS) -> ForecastView:
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
    rows = [
        ForecastRow(
            month=month,
            currency=row.currency,
            count=row.count,
            value=row.value,
            weighted_value=_half_even_hundredth(row.weighted),
        )
        for month, counters in deals.forecast(months).items()
        for row in forecast_rows(counters)
    ]
    return ForecastView(from_month=first, to_month=last, months=rows)
