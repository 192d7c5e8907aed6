"""Contact use cases: the part of the contact graph deals depend on (SPEC §3.2)."""

from __future__ import annotations

from collections.abc import Callable

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from sales import keys
from sales.contact.model import Contact
from sales.contact.store import ContactRepository, contact_counters, contact_from_item
from sales.contact.views import (
    ContactDealsQuery,
    ContactListQuery,
    ContactRef,
    ContactView,
    CreateContactInput,
    UpdateContactInput,
)
from sales.deal import use_cases as deals
from sales.deal.stats import ALL
from sales.deal.views import DealView

_contacts = ContactRepository()


def _not_found(contact_id: str) -> NotFound:
    return NotFound(f"contact {contact_id} not found", "CONTACT_NOT_FOUND")


def _load_live(contact_id: str) -> Contact:
    contact = _contacts.get(contact_id)
    if contact is None or contact.is_deleted:
        raise _not_found(contact_id)
    return contact


def _change(contact_id: str, ctx: RequestContext, change: Callable[[Contact], None], *, live: bool = True) -> Contact:
    def load() -> Contact:
        contact = _load_live(contact_id) if live else _contacts.get(contact_id)
        if contact is None:
            raise _not_found(contact_id)
        return contact

    def save(contact: Contact, before: Contact) -> None:
        _contacts.save(contact, before, ctx)

    return apply_once(ctx, contact_id, load, change, save, lambda: _contacts.get(contact_id))


def create_contact(cmd: CreateContactInput, ctx: RequestContext) -> ContactView:
    contact = Contact.create(
        kind=cmd.kind,
        display_name=cmd.display_name,
        owner_id=cmd.owner_id or ctx.actor,
        emails=list(cmd.emails),
        phones=list(cmd.phones),
        lifecycle=cmd.lifecycle,
        tags=list(cmd.tags),
        now=ctx.now,
    )
    stored = create_once(ctx, contact, lambda new: _contacts.save(new, None, ctx), _contacts.get)
    return ContactView.of(stored)


def get_contact(query: ContactRef, ctx: RequestContext) -> ContactView:
    return ContactView.of(_load_live(query.contact_id))


def update_contact(cmd: UpdateContactInput, ctx: RequestContext) -> ContactView:
    def change(contact: Contact) -> None:
        contact.update(
            now=ctx.now,
            display_name=cmd.display_name,
            emails=list(cmd.emails) if cmd.emails is not None else None,
            phones=list(cmd.phones) if cmd.phones is not None else None,
            owner_id=cmd.owner_id,
            lifecycle=cmd.lifecycle,
            tags=list(cmd.tags) if cmd.tags is not None else None,
        )

    return ContactView.of(_change(cmd.contact_id, ctx, change))


def delete_contact(cmd: ContactRef, ctx: RequestContext) -> None:
    _change(cmd.contact_id, ctx, lambda contact: contact.delete(now=ctx.now))


def restore_contact(cmd: ContactRef, ctx: RequestContext) -> ContactView:
    def change(contact: Contact) -> None:
        if contact.is_deleted:
            contact.restore(now=ctx.now)

    return ContactView.of(_change(cmd.contact_id, ctx, change, live=False))


def list_contacts(query: ContactListQuery, ctx: RequestContext) -> ListResult[ContactView]:
    if query.email is not None:
        # Email is unique: at most one live contact, found through its claim item. The query model has
        # already normalized the address (ContactListQuery.email), as the aggregate did the stored ones.
        holder = _contacts.owner_of_email(query.email)
        contact = _contacts.get(holder) if holder else None
        found = [ContactView.of(contact)] if contact and not contact.is_deleted else []
        if found and query.q and not keys.name_key(found[0].display_name).startswith(keys.name_key(query.q)):
            found = []
        return paginate(found, len(found), query.page_size, None, None)
    prefix = keys.name_key(query.q) if query.q else None
    index = queries.IndexQuery("GSI1", keys.CONTACT, prefix, newest_first=False)
    result = queries.query_page(index, query.page_size, query.cursor)
    total = queries.count(index) if prefix else contact_counters()["all"]
    views = [ContactView.of(contact_from_item(item)) for item in result.items]
    return paginate(views, total, query.page_size, result.next_cursor, None)


def contact_deals(query: ContactDealsQuery, ctx: RequestContext) -> ListResult[DealView]:
    # One BatchGetItem reads the contact (404 unless live) and its deal counter (the list total).
    item, counter = queries.get_items([keys.contact(query.contact_id), keys.customer_deal_counter(query.contact_id)])
    if item is None or contact_from_item(item).is_deleted:
        raise _not_found(query.contact_id)
    total = queries.counters_of(counter)[ALL]
    return deals.list_customer_deals(query.contact_id, query.page_size, query.cursor, total=total)
