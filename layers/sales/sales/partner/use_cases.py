"""Partner use cases: admit an organization to the program, read and list profiles, change a reseller's tier,
suspend, reinstate, convert a reseller into a distributor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from sales.partner.model import PartnerFilter, PartnerProfile, TierChange
from sales.partner.store import PartnerRepository
from sales.partner.views import (
    ChangeTierInput,
    CreatePartnerInput,
    PartnerListQuery,
    PartnerRef,
    PartnerView,
    TierChangeView,
    TierHistoryView,
)


class PartnerStore(Protocol):
    """What the partner use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> PartnerProfile | None: ...

    def save(
        self, partner: PartnerProfile, before: PartnerProfile | None, ctx: RequestContext, *, converting: bool = False
    ) -> None: ...

    def page(
        self, filters: PartnerFilter, page_size: int, cursor: str | None
    ) -> tuple[list[PartnerProfile], str | None, int]: ...

    def with_tier_history(self, partner_id: str) -> tuple[PartnerProfile | None, list[TierChange]]: ...


PARTNERS: PartnerStore = PartnerRepository()


def not_found(partner_id: str) -> NotFound:
    return NotFound(f"partner {partner_id} not found", "PARTNER_NOT_FOUND")


def visible(partner: PartnerProfile | None, partner_id: str, ctx: RequestContext) -> PartnerProfile:
    """The profile, if the caller may see it: a partner principal sees its own only, any other is unknown to it."""
    if partner is None or partner.is_deleted or not ctx.principal.acts_for(partner.id):
        raise not_found(partner_id)
    return partner


def _change(
    partners: PartnerStore,
    partner_id: str,
    ctx: RequestContext,
    change: Callable[[PartnerProfile], None],
    *,
    converting: bool = False,
) -> PartnerView:
    def save(partner: PartnerProfile, before: PartnerProfile) -> None:
        partners.save(partner, before, ctx, converting=converting)

    changed = apply_once(
        ctx,
        partner_id,
        lambda: visible(partners.get(partner_id), partner_id, ctx),
        change,
        save,
        lambda: partners.get(partner_id),
    )
    return PartnerView.of(changed)


def create_partner(cmd: CreatePartnerInput, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    partner = PartnerProfile.create(
        contact_id=cmd.contact_id, subtype=cmd.subtype, tier=cmd.tier, actor=ctx.actor, now=ctx.now
    )
    stored = create_once(ctx, partner, lambda new: partners.save(new, None, ctx), partners.get)
    return PartnerView.of(stored)


def get_partner(query: PartnerRef, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    return PartnerView.of(visible(partners.get(query.partner_id), query.partner_id, ctx))


def list_partners(
    query: PartnerListQuery, ctx: RequestContext, partners: PartnerStore = PARTNERS
) -> ListResult[PartnerView]:
    page, next_cursor, total = partners.page(
        PartnerFilter(subtype=query.subtype, tier=query.tier, status=query.status), query.page_size, query.cursor
    )
    return paginate([PartnerView.of(partner) for partner in page], total, query.page_size, next_cursor, None)


def tier_history(query: PartnerRef, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> TierHistoryView:
    partner, history = partners.with_tier_history(query.partner_id)
    profile = visible(partner, query.partner_id, ctx)
    return TierHistoryView(
        partner_id=profile.id, tier=profile.tier, entries=[TierChangeView.of(change) for change in history]
    )


def change_tier(cmd: ChangeTierInput, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    return _change(
        partners,
        cmd.partner_id,
        ctx,
        lambda partner: partner.change_tier(cmd.tier, cmd.reason, actor=ctx.actor, now=ctx.now),
    )


def suspend_partner(cmd: PartnerRef, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    return _change(partners, cmd.partner_id, ctx, lambda partner: partner.suspend(now=ctx.now))


def reinstate_partner(cmd: PartnerRef, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    return _change(partners, cmd.partner_id, ctx, lambda partner: partner.reinstate(now=ctx.now))


def convert_to_distributor(cmd: PartnerRef, ctx: RequestContext, partners: PartnerStore = PARTNERS) -> PartnerView:
    return _change(
        partners, cmd.partner_id, ctx, lambda partner: partner.convert_to_distributor(now=ctx.now), converting=True
    )
