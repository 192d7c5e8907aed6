"""Lead use cases: raise, read, list, change, work through the statuses, and convert into an opportunity."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from kernel.money import Money
from kernel.types import MoneyInput
from sales.contact.store import ContactRepository
from sales.lead.model import Lead, LeadFilter
from sales.lead.store import LeadRepository
from sales.lead.views import (
    ContactLeadsQuery,
    ConvertLeadInput,
    CreateLeadInput,
    DisqualifyInput,
    LeadListQuery,
    LeadRef,
    LeadView,
    ShareLeadInput,
    UpdateLeadInput,
)
from sales.opportunity.model import Opportunity
from sales.opportunity.store import OpportunityRepository
from sales.opportunity.views import OpportunityView

if TYPE_CHECKING:
    from sales.contact.model import Contact


class LeadStore(Protocol):
    """What the lead use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Lead | None: ...

    def save(
        self, lead: Lead, before: Lead | None, ctx: RequestContext, opportunity: Opportunity | None = None
    ) -> None: ...

    def page(self, filters: LeadFilter, page_size: int, cursor: str | None) -> tuple[list[Lead], str | None, int]: ...

    def share(self, lead: Lead, before: Lead, partner_id: str, ctx: RequestContext) -> None: ...


class ContactReader(Protocol):
    def get(self, aggregate_id: str) -> Contact | None: ...


class OpportunityReader(Protocol):
    def get(self, aggregate_id: str) -> Opportunity | None: ...


LEADS: LeadStore = LeadRepository()
CONTACTS: ContactReader = ContactRepository()
OPPORTUNITIES: OpportunityReader = OpportunityRepository()


def _not_found(lead_id: str) -> NotFound:
    return NotFound(f"lead {lead_id} not found", "LEAD_NOT_FOUND")


def _money(value: MoneyInput | None) -> Money | None:
    return Money(value.amount, value.currency) if value is not None else None


def _load(leads: LeadStore, lead_id: str) -> Lead:
    lead = leads.get(lead_id)
    if lead is None or lead.is_deleted:
        raise _not_found(lead_id)
    return lead


def _change(
    leads: LeadStore,
    lead_id: str,
    ctx: RequestContext,
    change: Callable[[Lead], None],
    save: Callable[[Lead, Lead], None] | None = None,
) -> Lead:
    def save_lead(lead: Lead, before: Lead) -> None:
        leads.save(lead, before, ctx)

    load, current = (lambda: _load(leads, lead_id)), (lambda: leads.get(lead_id))
    return apply_once(ctx, lead_id, load, change, save or save_lead, current)


def create_lead(cmd: CreateLeadInput, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    """The contact must be live and a campaign active when the lead is written: both are checked in its
    transaction, so a campaign completed a moment before is refused."""
    lead = Lead.create(
        contact_id=cmd.contact_id,
        source=cmd.source,
        title=cmd.title,
        owner_id=cmd.owner_id or ctx.actor,
        campaign_id=cmd.campaign_id,
        partner_id=cmd.partner_id,
        need=cmd.need,
        estimated_value=_money(cmd.estimated_value),
        now=ctx.now,
    )
    stored = create_once(ctx, lead, lambda new: leads.save(new, None, ctx), leads.get)
    return LeadView.of(stored)


def get_lead(query: LeadRef, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    """A partner principal reads the leads shared with it; any other is unknown to it."""
    lead = _load(leads, query.lead_id)
    if not ctx.principal.is_internal and ctx.principal.partner_id not in lead.shared_with:
        raise _not_found(query.lead_id)
    return LeadView.of(lead)


def share_lead(cmd: ShareLeadInput, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    def save(lead: Lead, before: Lead) -> None:
        leads.share(lead, before, cmd.partner_id, ctx)

    return LeadView.of(_change(leads, cmd.lead_id, ctx, lambda lead: lead.share(cmd.partner_id, now=ctx.now), save))


def list_leads(query: LeadListQuery, ctx: RequestContext, leads: LeadStore = LEADS) -> ListResult[LeadView]:
    filters = LeadFilter(
        status=query.status,
        source=query.source,
        owner_id=query.owner_id,
        campaign_id=query.campaign_id,
        contact_id=query.contact_id,
    )
    page, next_cursor, total = leads.page(filters, query.page_size, query.cursor)
    return paginate([LeadView.of(lead) for lead in page], total, query.page_size, next_cursor, None)


def contact_leads(
    query: ContactLeadsQuery, ctx: RequestContext, leads: LeadStore = LEADS, contacts: ContactReader = CONTACTS
) -> ListResult[LeadView]:
    contact = contacts.get(query.contact_id)
    if contact is None or contact.is_deleted:
        raise NotFound(f"contact {query.contact_id} not found", "CONTACT_NOT_FOUND")
    page, next_cursor, total = leads.page(LeadFilter(contact_id=query.contact_id), query.page_size, query.cursor)
    return paginate([LeadView.of(lead) for lead in page], total, query.page_size, next_cursor, None)


def update_lead(cmd: UpdateLeadInput, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    given = cmd.model_fields_set

    def change(lead: Lead) -> None:
        lead.update(
            now=ctx.now,
            title=cmd.title,
            need=cmd.need,
            clear_need="need" in given and cmd.need is None,
            estimated_value=_money(cmd.estimated_value),
            clear_estimated_value="estimated_value" in given and cmd.estimated_value is None,
            owner_id=cmd.owner_id,
        )

    return LeadView.of(_change(leads, cmd.lead_id, ctx, change))


def start_lead(cmd: LeadRef, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    return LeadView.of(_change(leads, cmd.lead_id, ctx, lambda lead: lead.start(now=ctx.now)))


def qualify_lead(cmd: LeadRef, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    return LeadView.of(_change(leads, cmd.lead_id, ctx, lambda lead: lead.qualify(now=ctx.now)))


def disqualify_lead(cmd: DisqualifyInput, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    return LeadView.of(_change(leads, cmd.lead_id, ctx, lambda lead: lead.disqualify(cmd.reason, now=ctx.now)))


def reopen_lead(cmd: LeadRef, ctx: RequestContext, leads: LeadStore = LEADS) -> LeadView:
    return LeadView.of(_change(leads, cmd.lead_id, ctx, lambda lead: lead.reopen(now=ctx.now)))


def convert_lead(
    cmd: ConvertLeadInput,
    ctx: RequestContext,
    leads: LeadStore = LEADS,
    opportunities: OpportunityReader = OPPORTUNITIES,
) -> OpportunityView:
    """The qualified lead becomes an opportunity for its contact, both written in one transaction."""
    made: dict[str, Opportunity] = {}

    def change(lead: Lead) -> None:
        opportunity = Opportunity.create(
            customer_id=lead.contact_id,
            name=cmd.opportunity_name or lead.title,
            owner_id=lead.owner_id,
            lead_id=lead.id,
            partner_id=lead.partner_id,
            now=ctx.now,
        )
        lead.convert(opportunity.id, now=ctx.now)
        made["opportunity"] = opportunity

    def save(lead: Lead, before: Lead) -> None:
        leads.save(lead, before, ctx, opportunity=made["opportunity"])

    lead = _change(leads, cmd.lead_id, ctx, change, save)
    created = made.get("opportunity")
    if created is not None and created.id == lead.opportunity_id:
        return OpportunityView.of(created)
    # A keyed retry of a conversion that committed: answer with the opportunity it made.
    stored = opportunities.get(str(lead.opportunity_id))
    if stored is None:
        raise _not_found(cmd.lead_id)
    return OpportunityView.of(stored)
