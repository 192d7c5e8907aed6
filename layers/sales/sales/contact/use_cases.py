"""Contact use cases: contacts, their hierarchy links and their lists."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from kernel.aggregate import UNCHANGED
from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import Conflict, FieldIssue, NotFound, ReferenceNotFound, ValidationFailed
from kernel.listing import ListResult, paginate
from sales.contact.model import LINKS, Contact, ContactFilter
from sales.contact.names import name_key
from sales.contact.network import Link, explore
from sales.contact.phones import InvalidPhone, to_e164
from sales.contact.places import InvalidPlace, country_code
from sales.contact.store import ContactRepository, Guard
from sales.contact.views import (
    ContactDealsQuery,
    ContactListQuery,
    ContactRef,
    ContactView,
    ConvertContactInput,
    CreateContactInput,
    DuplicatesView,
    LookAlike,
    MergeContactsInput,
    NetworkQuery,
    NetworkView,
    UpdateContactInput,
)
from sales.deal.use_cases import DEALS, DealStore, list_customer_deals
from sales.deal.views import DealView
from sales.relationship.model import MAX_PER_CONTACT as MAX_RELATIONSHIPS


class ContactStore(Protocol):
    """What the contact use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Contact | None: ...

    def save(
        self, contact: Contact, before: Contact | None, ctx: RequestContext, guards: Sequence[Guard] = ()
    ) -> None: ...

    def owner_of_email(self, email: str) -> str | None: ...

    def page(
        self, filters: ContactFilter, page_size: int, cursor: str | None
    ) -> tuple[list[Contact], str | None, int]: ...

    def with_deal_count(self, contact_id: str) -> tuple[Contact | None, int]: ...

    def links_of(self, contact: Contact, most: int) -> list[Link]: ...

    def look_alikes(self, contact: Contact, most: int) -> dict[str, set[str]]: ...

    def live(self, contact_ids: Iterable[str]) -> list[Contact]: ...

    def merge_pair(self, survivor_id: str, duplicate_id: str) -> tuple[Contact | None, Contact | None, int]: ...

    def merge(
        self,
        survivor: Contact,
        survivor_before: Contact,
        duplicate: Contact,
        duplicate_before: Contact,
        ctx: RequestContext,
        guards: Sequence[Guard] = (),
    ) -> None: ...


# How far a cycle check walks up a hierarchy (parent or manager chain). Each contact walked is guarded in the
# command's transaction, which holds at most 100 items, so the walk is bounded; deeper chains are refused.
MAX_HIERARCHY_DEPTH = 10
# The links whose chain could close a cycle: from an organization to organizations, from a person to persons.
_CHAINS = ("parent_id", "manager_id")


CONTACTS: ContactStore = ContactRepository()


def _not_found(contact_id: str) -> NotFound:
    return NotFound(f"contact {contact_id} not found", "CONTACT_NOT_FOUND")


def _merged(contact: Contact) -> NotFound:
    return NotFound(
        f"contact {contact.id} was merged into {contact.merged_into}",
        "CONTACT_MERGED",
        [FieldIssue("merged_into", str(contact.merged_into))],
    )


def _load_live(contacts: ContactStore, contact_id: str) -> Contact:
    return _live(contacts.get(contact_id), contact_id)


def _live(contact: Contact | None, contact_id: str) -> Contact:
    """`contact` if it is live; a merged one answers with where it went."""
    if contact is not None and contact.is_merged:
        raise _merged(contact)
    if contact is None or contact.is_deleted:
        raise _not_found(contact_id)
    return contact


def _links_hold(contacts: ContactStore, contact: Contact, before: Contact | None) -> list[Guard]:
    """Check every hierarchy link the command sets (links it leaves alone were checked when set): the target is
    a live contact of the kind the link points to, and following the target's own chain up never leads back to
    `contact`. Returns the contacts relied on, for the save to guard."""
    guards: list[Guard] = []
    kept = before.links() if before is not None else {}
    for link, target_id in contact.links().items():
        if kept.get(link) == target_id:
            continue
        _own_kind, target_kind = LINKS[link]
        target = contacts.get(target_id)
        if target is None or target.is_deleted or target.kind.value != target_kind:
            raise ReferenceNotFound(f"{link} {target_id} is not a live {target_kind}", "INVALID_REFERENCE", link)
        guards.append(Guard(target.id, target.version, live=True))
        if link in _CHAINS:
            guards.extend(_chain_above(contacts, contact.id, target, link))
    return guards


def _chain_above(contacts: ContactStore, contact_id: str, start: Contact, link: str) -> list[Guard]:
    """The contacts above `start` along `link`, refusing the link when `contact_id` is among them (a cycle).
    Deleted contacts are walked too: their links come back with them when they are restored."""
    guards: list[Guard] = []
    current = start
    for _level in range(MAX_HIERARCHY_DEPTH):
        above = getattr(current, link)
        if above is None:
            return guards
        if above == contact_id:
            raise Conflict(
                f"{link} {start.id} would make a cycle: {contact_id} is already above it",
                "CYCLE",
                [FieldIssue(link, "the contact named is below this one")],
            )
        found = contacts.get(above)
        if found is None:
            return guards
        current = found
        guards.append(Guard(current.id, current.version, live=False))
    raise Conflict(
        f"{link}: the hierarchy above {start.id} is deeper than {MAX_HIERARCHY_DEPTH} levels",
        "HIERARCHY_TOO_DEEP",
        [FieldIssue(link, f"at most {MAX_HIERARCHY_DEPTH} levels above")],
    )


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
        if contact.is_merged:
            raise _merged(contact)  # gone for good: never restored
        return contact

    def save(contact: Contact, before: Contact) -> None:
        contacts.save(contact, before, ctx, _links_hold(contacts, contact, before))

    return apply_once(ctx, contact_id, load, change, save, lambda: contacts.get(contact_id))


def create_contact(cmd: CreateContactInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    contact = Contact.create(
        kind=cmd.kind,
        display_name=cmd.display_name,
        owner_id=cmd.owner_id or ctx.actor,
        emails=list(cmd.emails),
        phones=list(cmd.phones),
        default_region=cmd.default_region,
        lifecycle=cmd.lifecycle,
        tags=list(cmd.tags),
        website_url=cmd.website,
        country=cmd.country,
        address=cmd.address.model_dump() if cmd.address else None,
        parent_id=cmd.parent_id,
        employer_id=cmd.employer_id,
        manager_id=cmd.manager_id,
        now=ctx.now,
    )

    def save(new: Contact) -> None:
        # Checked on every attempt: a lost race is run again on what the linked contacts are now.
        contacts.save(new, None, ctx, _links_hold(contacts, new, None))

    stored = create_once(ctx, contact, save, contacts.get)
    return ContactView.of(stored)


def get_contact(query: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    return ContactView.of(_load_live(contacts, query.contact_id))


def update_contact(cmd: UpdateContactInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    given = cmd.model_fields_set

    def optional(name: str, value: object) -> object:
        return value if name in given else UNCHANGED

    def change(contact: Contact) -> None:
        contact.update(
            now=ctx.now,
            display_name=cmd.display_name,
            emails=list(cmd.emails) if cmd.emails is not None else None,
            phones=list(cmd.phones) if cmd.phones is not None else None,
            default_region=cmd.default_region,
            owner_id=cmd.owner_id,
            lifecycle=cmd.lifecycle,
            tags=list(cmd.tags) if cmd.tags is not None else None,
            website_url=optional("website", cmd.website),
            country=optional("country", cmd.country),
            address=optional("address", cmd.address.model_dump() if cmd.address else None),
            parent_id=optional("parent_id", cmd.parent_id),
            employer_id=optional("employer_id", cmd.employer_id),
            manager_id=optional("manager_id", cmd.manager_id),
        )

    return ContactView.of(_change(contacts, cmd.contact_id, ctx, change))


def delete_contact(cmd: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> None:
    _change(contacts, cmd.contact_id, ctx, lambda contact: contact.delete(now=ctx.now))


def restore_contact(cmd: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    def change(contact: Contact) -> None:
        if contact.is_deleted:
            contact.restore(now=ctx.now)

    return ContactView.of(_change(contacts, cmd.contact_id, ctx, change, live=False))


def _searched_phone(text: str, region: str | None) -> str:
    """A searched number in the form phones are stored in; a 400 on `phone` (never echoing it) when it is none."""
    try:
        return to_e164(text, country_code(region) if region is not None else None)
    except (InvalidPhone, InvalidPlace) as error:
        field_name = "default_region" if isinstance(error, InvalidPlace) else "phone"
        raise ValidationFailed(f"{field_name}: {error}", [FieldIssue(field_name, str(error))]) from None


def list_contacts(
    query: ContactListQuery, ctx: RequestContext, contacts: ContactStore = CONTACTS
) -> ListResult[ContactView]:
    filters = ContactFilter(
        q=query.q,
        phone=_searched_phone(query.phone, query.default_region) if query.phone is not None else None,
        kind=query.kind,
        lifecycle=query.lifecycle,
        owner_id=query.owner_id,
        tag=query.tag,
        parent_id=query.parent_id,
        employer_id=query.employer_id,
    )
    if query.email is not None:
        # Email is unique: at most one live contact, found through its claim item. The query model has
        # already normalized the address (ContactListQuery.email), as the aggregate did the stored ones.
        holder = contacts.owner_of_email(query.email)
        contact = contacts.get(holder) if holder else None
        found = [ContactView.of(contact)] if contact and not contact.is_deleted and filters.matches(contact) else []
        return paginate(found, len(found), query.page_size, None, None)
    page, next_cursor, total = contacts.page(filters, query.page_size, query.cursor)
    return paginate([ContactView.of(contact) for contact in page], total, query.page_size, next_cursor, None)


def contact_deals(
    query: ContactDealsQuery, ctx: RequestContext, contacts: ContactStore = CONTACTS, deals: DealStore = DEALS
) -> ListResult[DealView]:
    contact, deal_count = contacts.with_deal_count(query.contact_id)
    _live(contact, query.contact_id)
    return list_customer_deals(query.contact_id, query.page_size, query.cursor, total=deal_count, deals=deals)


def contact_network(query: NetworkQuery, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> NetworkView:
    root = _load_live(contacts, query.contact_id)
    return NetworkView.of(explore(root, query.depth, query.limit, contacts))


def convert_contact(cmd: ConvertContactInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    def change(contact: Contact) -> None:
        contact.request_conversion(cmd.target, now=ctx.now)

    return ContactView.of(_change(contacts, cmd.contact_id, ctx, change))


def merge_contacts(cmd: MergeContactsInput, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> ContactView:
    """The contact absorbs the duplicate (sales.contact.model.Contact.absorb), both written in one transaction;
    the duplicate's records follow in the background (sales.contact.merge_worker). Merging again a duplicate
    already merged into this contact answers as the first merge did."""
    if cmd.duplicate_id == cmd.contact_id:
        raise ValidationFailed(
            "a contact cannot be merged into itself", [FieldIssue("duplicate_id", "must be another contact")]
        )
    found: dict[str, Contact] = {}

    def load() -> Contact:
        survivor, duplicate, relationships = contacts.merge_pair(cmd.contact_id, cmd.duplicate_id)
        survivor = _live(survivor, cmd.contact_id)
        if duplicate is None or (duplicate.is_deleted and duplicate.merged_into != survivor.id):
            raise ReferenceNotFound(
                f"duplicate_id {cmd.duplicate_id} is not a live contact", "INVALID_REFERENCE", "duplicate_id"
            )
        if duplicate.merged_into != survivor.id and relationships > MAX_RELATIONSHIPS:
            raise Conflict(
                f"together the two contacts have {relationships} relationships, more than the "
                f"{MAX_RELATIONSHIPS} a contact may; delete some first",
                "TOO_MANY_RELATIONSHIPS",
            )
        found["duplicate"] = duplicate
        return survivor

    def change(survivor: Contact) -> None:
        duplicate = found["duplicate"]
        if duplicate.merged_into != survivor.id:
            found["duplicate_before"] = copy.deepcopy(duplicate)
            survivor.absorb(duplicate, now=ctx.now)

    def save(survivor: Contact, before: Contact) -> None:
        if "duplicate_before" not in found:
            return  # merged before
        guards = _absorbed_links_hold(contacts, survivor, before)
        contacts.merge(survivor, before, found["duplicate"], found.pop("duplicate_before"), ctx, guards)

    return ContactView.of(apply_once(ctx, cmd.contact_id, load, change, save, lambda: contacts.get(cmd.contact_id)))


def _absorbed_links_hold(contacts: ContactStore, survivor: Contact, before: Contact) -> list[Guard]:
    """The hierarchy links the survivor took over, checked like links a rep sets; one that no longer holds (its
    target gone or of the wrong kind, or closing a cycle) is given up rather than failing the merge."""
    for _link in range(len(LINKS) + 1):
        try:
            return _links_hold(contacts, survivor, before)
        except (ReferenceNotFound, Conflict) as error:
            link = error.details[0].field if error.details else ""
            if link not in LINKS:
                raise
            survivor.drop_absorbed_link(link, before)
    raise AssertionError("every absorbed link given up, and still failing")


# How many contacts one phone, domain or name may bring up: a shared switchboard number or a big company's
# domain is no sign of a duplicate beyond this many.
LOOK_ALIKES_PER_SIGNAL = 25


def contact_duplicates(query: ContactRef, ctx: RequestContext, contacts: ContactStore = CONTACTS) -> DuplicatesView:
    """Likely duplicates of a live contact: same phone, same business domain, or same casefolded name."""
    contact = _load_live(contacts, query.contact_id)
    found = contacts.look_alikes(contact, LOOK_ALIKES_PER_SIGNAL)
    live = {other.id: other for other in contacts.live(found)}
    ranked = sorted(live.values(), key=lambda other: (-len(found[other.id]), name_key(other.display_name), other.id))
    return DuplicatesView(
        contact_id=contact.id,
        candidates=[LookAlike(contact=ContactView.of(other), reasons=sorted(found[other.id])) for other in ranked],
    )
