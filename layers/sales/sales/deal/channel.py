"""The partner channel's deal use cases: a reseller registers a deal (through a distributor with an active
agreement, or direct asking for an exception), an admin decides the exception or reallocates the deal to another
distributor, and a partner lists the deals it registered or had routed through it."""

from __future__ import annotations

import copy
from collections.abc import Callable

from kernel.commands import apply_once, check_precondition, create_once
from kernel.context import RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.errors import Conflict, FieldIssue, NotFound, ReferenceNotFound, ValidationFailed
from kernel.listing import ListResult, paginate
from kernel.money import Money
from sales.agreement.store import AgreementRepository, Pair
from sales.contact.model import Contact
from sales.contact.store import ContactRepository
from sales.deal.model import ChannelRoute, Deal
from sales.deal.store import DealRepository
from sales.deal.views import (
    ChannelChangeView,
    DealView,
    DirectExceptionInput,
    PartnerDealsQuery,
    PartnerDealView,
    ReallocateInput,
    RegisterDealInput,
)
from sales.partner.model import PartnerProfile, Subtype
from sales.partner.store import PartnerRepository
from sales.partner.use_cases import not_found as partner_not_found

DEALS = DealRepository()
PARTNERS = PartnerRepository()
AGREEMENTS = AgreementRepository()
CONTACTS = ContactRepository()


def _deal_not_found(deal_id: str) -> NotFound:
    return NotFound(f"deal {deal_id} not found", "DEAL_NOT_FOUND")


def _reseller(partner: PartnerProfile | None, partner_id: str, ctx: RequestContext) -> PartnerProfile:
    """The registering reseller: the caller's own profile (a partner principal) or any (an admin); active."""
    if partner is None or partner.is_deleted or not ctx.principal.acts_for(partner.id):
        raise partner_not_found(partner_id)
    if partner.subtype is not Subtype.RESELLER:
        raise Conflict(
            f"partner {partner_id} is a {partner.subtype.value}; resellers register deals",
            "NOT_A_RESELLER",
            [FieldIssue("subtype", partner.subtype.value)],
        )
    if not partner.is_active:
        raise Conflict(
            f"partner {partner_id} is {partner.status.value}", "PARTNER_NOT_ACTIVE", [FieldIssue("status", "suspended")]
        )
    return partner


def _distributor(partner: PartnerProfile | None) -> PartnerProfile:
    if partner is None or partner.is_deleted or partner.subtype is not Subtype.DISTRIBUTOR or not partner.is_active:
        raise ReferenceNotFound("distributor_id names no active distributor", "INVALID_REFERENCE", "distributor_id")
    return partner


def register_deal(cmd: RegisterDealInput, ctx: RequestContext) -> DealView:
    """A deal in stage intake with the reseller's channel. The reseller's profile (still an active reseller),
    the customer (still live) and, through a distributor, the pair's agreements (unchanged since read) are checked
    in the deal's own transaction; a `customer` object is created as a contact in it too."""
    if (cmd.customer_id is None) == (cmd.customer is None):
        issue = FieldIssue("customer_id", "give either customer_id or customer")
        raise _validation(issue)
    if cmd.distributor_id == cmd.partner_id:
        raise _validation(FieldIssue("distributor_id", "must name another partner than the reseller"))
    wanted = [cmd.partner_id] + ([cmd.distributor_id] if cmd.distributor_id else [])
    partners = PARTNERS.many(wanted)
    reseller = _reseller(partners.get(cmd.partner_id), cmd.partner_id, ctx)
    check_precondition(reseller, ctx)  # If-Match names the version of the reseller's profile the caller read
    pair: Pair | None = None
    if cmd.route is ChannelRoute.DISTRIBUTOR and cmd.distributor_id is not None:
        _distributor(partners.get(cmd.distributor_id))
        pair = AGREEMENTS.pair(reseller.id, cmd.distributor_id)
        if not pair.active:
            raise Conflict(
                f"reseller {reseller.id} has no active agreement with distributor {cmd.distributor_id}",
                "NO_ACTIVE_AGREEMENT",
                [FieldIssue("distributor_id", cmd.distributor_id)],
            )
    customer: Contact | None = None
    if cmd.customer is not None:
        customer = Contact.create(
            kind=cmd.customer.kind,
            display_name=cmd.customer.display_name,
            owner_id=cmd.assigned_to or ctx.actor,
            emails=list(cmd.customer.emails),
            country=cmd.customer.country,
            now=ctx.now,
        )
    deal = Deal.register(
        reseller_id=reseller.id,
        route=cmd.route,
        distributor_id=cmd.distributor_id,
        customer_id=customer.id if customer is not None else str(cmd.customer_id),
        assigned_to=cmd.assigned_to or ctx.actor,
        name=cmd.name,
        value=Money(cmd.value, cmd.currency),
        expected_close_date=cmd.expected_close_date,
        actor=ctx.actor,
        now=ctx.now,
    )

    def also(tx: Transaction) -> None:
        PARTNERS.guard_reseller(tx, reseller.id)
        if pair is not None and cmd.distributor_id is not None:
            AGREEMENTS.guard_pair(tx, reseller.id, cmd.distributor_id, pair)
        if customer is not None:
            fresh = copy.deepcopy(customer)
            CONTACTS.save(fresh, None, ctx, joining=tx)

    def save(new: Deal) -> None:
        DEALS.save(new, None, ctx, check_customer=customer is None, also=also)

    stored = create_once(ctx, deal, save, DEALS.get)
    return DealView.of(stored)


def _validation(issue: FieldIssue) -> ValidationFailed:
    return ValidationFailed(f"{issue.field} {issue.message}", [issue])


def _change_channel(deal_id: str, ctx: RequestContext, change: Callable[[Deal], None]) -> Deal:
    def load() -> Deal:
        deal = DEALS.get(deal_id)
        if deal is None or deal.is_deleted:
            raise _deal_not_found(deal_id)
        return deal

    def save(deal: Deal, before: Deal) -> None:
        DEALS.save(deal, before, ctx)

    return apply_once(ctx, deal_id, load, change, save, lambda: DEALS.get(deal_id))


def decide_direct_exception(cmd: DirectExceptionInput, ctx: RequestContext) -> DealView:
    def change(deal: Deal) -> None:
        deal.decide_direct_exception(cmd.decision, actor=ctx.actor, now=ctx.now)

    return DealView.of(_change_channel(cmd.deal_id, ctx, change))


def reallocate_distributor(cmd: ReallocateInput, ctx: RequestContext) -> DealView:
    """Route an open partner deal through another active distributor; the move joins the deal's history."""
    _distributor(PARTNERS.get(cmd.distributor_id))

    def change(deal: Deal) -> None:
        deal.reallocate_distributor(cmd.distributor_id, cmd.reason, actor=ctx.actor, now=ctx.now)

    return DealView.of(_change_channel(cmd.deal_id, ctx, change))


def partner_deals(query: PartnerDealsQuery, ctx: RequestContext) -> ListResult[PartnerDealView]:
    """The deals a partner registered (a reseller) or had routed through it now or before (a distributor), newest
    first; a distributor sees the value and lines of a deal rerouted away from it masked."""
    partner = PARTNERS.get(query.partner_id)
    if partner is None or partner.is_deleted or not ctx.principal.acts_for(partner.id):
        raise partner_not_found(query.partner_id)
    page, next_cursor, total = DEALS.partner_page(partner.id, query.page_size, query.cursor)
    shown = [PartnerDealView.for_partner(deal, partner.id) for deal in page]
    return paginate(shown, total, query.page_size, next_cursor, None)


def channel_changes(deal: Deal) -> list[ChannelChangeView]:
    from kernel.clock import to_rfc3339

    if not deal.channel.is_partner:
        return []
    return [
        ChannelChangeView(
            from_distributor_id=move.from_distributor_id,
            to_distributor_id=move.to_distributor_id,
            reason=move.reason,
            actor=move.actor,
            at=to_rfc3339(move.at),
        )
        for move in DEALS.channel_history(deal.id)
    ]
