"""Contact use cases: the part of the contact graph deals depend on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate
from sales.contact.model import Contact
from sales.contact.names import name_key
from sales.contact.store import ContactRepository
from sales.contact.views import (
    ContactDealsQuery,
    ContactListQuery,
    ContactRef,
    ContactView,
    CreateContactInput,
    UpdateContactInput,
)
from sales.deal.use_cases import DEALS, DealStore, list_customer_deals
from sales.deal.views import DealView


class ContactStore(Protocol):
    """What the contact use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Contact | None: ...

    def save(self, contact: Contact, before: Contact | None, ctx: RequestContext) -> None: ...

    def owner_of_email(self, email: str) -> str | None: ...

    def by_name(
        self, prefix: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[Contact], str | None, int]: ...

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]: ...


CONTACTS: ContactStore = ContactRepository()


def _not_found(contact_id: str) -> NotFound:
    return NotFound(f"contact {contact_id} not found", "CONTACT_NOT_FOUND")


def _load_live(contacts: ContactStore, contact_id: str) -> Contact:
    contact = contacts.get(contact_id)
    if contact is None or contact.is_deleted:
        raise _not_found(contact_id)
    return contact


def _change(
    contacts: ContactStore,
    contact_id: str,
    ctx: RequestContext,
    change: Callable[[Contact], None],
    *,
    live: bool = True,
) -> Contact:
    def load() -> Contact:
        contact = _load_live(contacts, contact_id) if live else contacts.get(contact_id)
        if contact is None:
            raise _not_found(contact_id)
        return contact

    def save(contact: Contact, before: Contact) -> None:
        contacts.save(contact, before, ctx)

    return apply_once(ctx, contact_id, load, change, save, lambda: contacts.get(contact_id))


def create_contact(cmd: CreateContactInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
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
    stored = create_once(ctx, contact, lambda new: contacts.save(new, None, ctx), contacts.get)
    return ContactView.of(stored)


def get_contact(query: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    return ContactView.of(_load_live(contacts, query.contact_id))


def update_contact(cmd: UpdateContactInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
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

    return ContactView.of(_change(contacts, cmd.contact_id, ctx, change))


def delete_contact(cmd: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> None:
    _change(contacts, cmd.contact_id, ctx, lambda contact: contact.delete(now=ctx.now))


def restore_contact(cmd: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    def change(contact: Contact) -> None:
        if contact.is_deleted:
            contact.restore(now=ctx.now)

    return ContactView.of(_change(contacts, cmd.contact_id, ctx, change, live=False))


def list_contacts(
    query: ContactListQuery, ctx: RequestContext, contacts: ContactStore = CONTACTS
) -> ListResult[ContactView]:
    if query.email is not None:
        # Email is unique: at most one live contact, found through its claim item. The query model has
        # already normalized the address (ContactListQuery.email), as the aggregate did the stored ones.
        holder = contacts.owner_of_email(query.email)
        contact = contacts.get(holder) if holder else None
        found = [ContactView.of(contact)] if contact and not contact.is_deleted else []
        if found and query.q and not name_key(found[0].display_name).startswith(name_key(query.q)):
            found = []
        return paginate(found, len(found), query.page_size, None, None)
    page, next_cursor, total = contacts.by_name(name_key(query.q) if query.q else None, query.page_size, query.cursor)
    return paginate([ContactView.of(contact) for contact in page], total, query.page_size, next_cursor, None)


def contact_deals(
    query: ContactDealsQuery, ctx: RequestContext, contacts: ContactStore = CONTACTS, deals: DealStore = DEALS
) -> ListResult[DealView]:
    contact, deal_count = contacts.with_deal_count(query.contact_id)
    if contact is None or contact.is_deleted:
        raise _not_found(query.contact_id)
    return list_customer_deals(query.contact_id, query.page_size, query.cursor, total=deal_count, deals=deals)
