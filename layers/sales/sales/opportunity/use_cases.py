"""Opportunity use cases: open, read, list, change, price variants, compare, validate, confirm into a deal,
decline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.ids import new_id
from kernel.listing import ListResult, paginate
from sales.deal.model import Deal
from sales.deal.store import DealRepository
from sales.deal.views import DealView
from sales.opportunity.model import Opportunity, OpportunityFilter
from sales.opportunity.store import OpportunityRepository
from sales.opportunity.views import (
    ComparisonView,
    ConfirmInput,
    CreateOpportunityInput,
    DeclineInput,
    OpportunityListQuery,
    OpportunityRef,
    OpportunityView,
    ReplaceVariantInput,
    UpdateOpportunityInput,
    ValidateInput,
    VariantInput,
    VariantRef,
)


class OpportunityStore(Protocol):
    """What the opportunity use cases need of storage: the DynamoDB repository, or an in-memory fake."""

    def get(self, aggregate_id: str) -> Opportunity | None: ...

    def save(
        self, opportunity: Opportunity, before: Opportunity | None, ctx: RequestContext, *, check_customer: bool = False
    ) -> None: ...

    def page(
        self, filters: OpportunityFilter, page_size: int, cursor: str | None
    ) -> tuple[list[Opportunity], str | None, int]: ...

    def confirm(self, opportunity: Opportunity, before: Opportunity, deal: Deal, ctx: RequestContext) -> None: ...


class DealReader(Protocol):
    def get(self, aggregate_id: str) -> Deal | None: ...


OPPORTUNITIES: OpportunityStore = OpportunityRepository()
DEALS: DealReader = DealRepository()


def _not_found(opportunity_id: str) -> NotFound:
    return NotFound(f"opportunity {opportunity_id} not found", "OPPORTUNITY_NOT_FOUND")


def _load(opportunities: OpportunityStore, opportunity_id: str) -> Opportunity:
    opportunity = opportunities.get(opportunity_id)
    if opportunity is None or opportunity.is_deleted:
        raise _not_found(opportunity_id)
    return opportunity


def _change(
    opportunities: OpportunityStore,
    opportunity_id: str,
    ctx: RequestContext,
    change: Callable[[Opportunity], None],
) -> OpportunityView:
    def save(opportunity: Opportunity, before: Opportunity) -> None:
        opportunities.save(opportunity, before, ctx)

    changed = apply_once(
        ctx,
        opportunity_id,
        lambda: _load(opportunities, opportunity_id),
        change,
        save,
        lambda: opportunities.get(opportunity_id),
    )
    return OpportunityView.of(changed)


def create_opportunity(
    cmd: CreateOpportunityInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    opportunity = Opportunity.create(
        customer_id=cmd.customer_id,
        name=cmd.name,
        owner_id=cmd.owner_id or ctx.actor,
        partner_id=cmd.partner_id,
        now=ctx.now,
    )
    stored = create_once(
        ctx, opportunity, lambda new: opportunities.save(new, None, ctx, check_customer=True), opportunities.get
    )
    return OpportunityView.of(stored)


def get_opportunity(
    query: OpportunityRef, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    return OpportunityView.of(_load(opportunities, query.opportunity_id))


def list_opportunities(
    query: OpportunityListQuery, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> ListResult[OpportunityView]:
    filters = OpportunityFilter(status=query.status, owner_id=query.owner_id, customer_id=query.customer_id)
    page, next_cursor, total = opportunities.page(filters, query.page_size, query.cursor)
    return paginate([OpportunityView.of(item) for item in page], total, query.page_size, next_cursor, None)


def update_opportunity(
    cmd: UpdateOpportunityInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    return _change(
        opportunities,
        cmd.opportunity_id,
        ctx,
        lambda opportunity: opportunity.update(now=ctx.now, name=cmd.name, owner_id=cmd.owner_id),
    )


def add_variant(
    cmd: VariantInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    def change(opportunity: Opportunity) -> None:
        opportunity.add_variant(
            name=cmd.name,
            currency=cmd.currency,
            lines=[line.line() for line in cmd.lines],
            notes=cmd.notes,
            now=ctx.now,
        )

    return _change(opportunities, cmd.opportunity_id, ctx, change)


def replace_variant(
    cmd: ReplaceVariantInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    def change(opportunity: Opportunity) -> None:
        opportunity.replace_variant(
            cmd.variant_id,
            name=cmd.name,
            currency=cmd.currency,
            lines=[line.line() for line in cmd.lines],
            notes=cmd.notes,
            now=ctx.now,
        )

    return _change(opportunities, cmd.opportunity_id, ctx, change)


def remove_variant(cmd: VariantRef, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES) -> None:
    _change(
        opportunities,
        cmd.opportunity_id,
        ctx,
        lambda opportunity: opportunity.remove_variant(cmd.variant_id, now=ctx.now),
    )


def compare_variants(
    query: OpportunityRef, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> ComparisonView:
    opportunity = _load(opportunities, query.opportunity_id)
    return ComparisonView.of(opportunity.id, opportunity.comparison())


def validate_variant(
    cmd: ValidateInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    return _change(
        opportunities,
        cmd.opportunity_id,
        ctx,
        lambda opportunity: opportunity.validate(cmd.variant_id, now=ctx.now),
    )


def decline_opportunity(
    cmd: DeclineInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES
) -> OpportunityView:
    return _change(
        opportunities,
        cmd.opportunity_id,
        ctx,
        lambda opportunity: opportunity.decline(cmd.reason, now=ctx.now),
    )


def confirm_opportunity(
    cmd: ConfirmInput, ctx: RequestContext, opportunities: OpportunityStore = OPPORTUNITIES, deals: DealReader = DEALS
) -> DealView:
    """The validated variant becomes a deal: its total and currency the deal's value, its lines frozen on it."""
    made: dict[str, Deal] = {}

    def change(opportunity: Opportunity) -> None:
        deal_id = new_id()
        opportunity.confirm(deal_id, now=ctx.now)
        value, _currency, lines = opportunity.deal_terms()
        made["deal"] = Deal.create(
            deal_id=deal_id,
            customer_id=opportunity.customer_id,
            assigned_to=cmd.assigned_to or opportunity.owner_id,
            name=opportunity.name,
            value=value,
            expected_close_date=cmd.expected_close_date,
            actor=ctx.actor,
            now=ctx.now,
            opportunity_id=opportunity.id,
            variant_id=opportunity.validated_variant_id,
            lines=lines,
        )

    def save(opportunity: Opportunity, before: Opportunity) -> None:
        opportunities.confirm(opportunity, before, made["deal"], ctx)

    confirmed = apply_once(
        ctx,
        cmd.opportunity_id,
        lambda: _load(opportunities, cmd.opportunity_id),
        change,
        save,
        lambda: opportunities.get(cmd.opportunity_id),
    )
    deal = made.get("deal")
    if deal is None or deal.id != confirmed.deal_id:
        # A keyed retry of a confirmation that committed: answer with the deal it opened.
        stored = deals.get(str(confirmed.deal_id))
        if stored is None:
            raise _not_found(cmd.opportunity_id)
        deal = stored
    return DealView.of(deal)
