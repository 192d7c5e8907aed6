"""The contact use cases against an in-memory store: what they decide, without AWS (the store is injected)."""

from __future__ import annotations

import pytest

from kernel.context import Principal, RequestContext
from kernel.errors import Conflict, NotFound, PreconditionFailed
from sales.contact import use_cases
from sales.contact.views import ContactListQuery, ContactRef, CreateContactInput, UpdateContactInput
from tests.support.fakes import FakeContacts

REP = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"


def ctx(expected_version: int | None = None) -> RequestContext:
    return RequestContext(Principal(REP, frozenset({"sales"})), "test", expected_version=expected_version)


def create(store: FakeContacts, name: str = "Acme Devices GmbH", emails: tuple[str, ...] = ()) -> str:
    command = CreateContactInput(kind="organization", display_name=name, emails=list(emails))
    return str(use_cases.create_contact(command, ctx(), store).id)


def test_create_stores_the_contact_with_its_event_and_the_caller_as_owner() -> None:
    store = FakeContacts()
    contact_id = create(store, emails=("Sales@Acme.Example",))
    view = use_cases.get_contact(ContactRef(contact_id=contact_id), ctx(), store)
    assert (view.version, view.owner_id, view.emails) == (1, REP, ["sales@acme.example"])
    assert store.event_types() == ["contact.created"]


def test_a_taken_email_is_a_conflict_and_stores_nothing() -> None:
    store = FakeContacts()
    first = create(store, emails=("sales@acme.example",))
    with pytest.raises(Conflict) as refused:
        create(store, name="Twin", emails=("SALES@acme.example",))
    assert refused.value.code == "DUPLICATE_CONTACT" and first in refused.value.message
    assert list(store.stored) == [first]


def test_update_applies_once_and_a_stale_if_match_is_refused() -> None:
    store = FakeContacts()
    contact_id = create(store)
    renamed = use_cases.update_contact(UpdateContactInput(contact_id=contact_id, display_name="Acme AG"), ctx(1), store)
    assert (renamed.display_name, renamed.version) == ("Acme AG", 2)
    with pytest.raises(PreconditionFailed):
        use_cases.update_contact(UpdateContactInput(contact_id=contact_id, display_name="Stale"), ctx(1), store)
    assert store.event_types() == ["contact.created", "contact.updated"]


def test_an_update_that_changes_nothing_stores_nothing() -> None:
    store = FakeContacts()
    contact_id = create(store)
    use_cases.update_contact(UpdateContactInput(contact_id=contact_id, display_name="Acme Devices GmbH"), ctx(), store)
    assert store.saves == 1


def test_delete_is_refused_while_deals_live_then_soft_and_reversible() -> None:
    store = FakeContacts()
    contact_id = create(store)
    store.deal_counts[contact_id] = 2
    with pytest.raises(Conflict) as refused:
        use_cases.delete_contact(ContactRef(contact_id=contact_id), ctx(), store)
    assert refused.value.code == "CONTACT_HAS_DEALS"
    store.deal_counts[contact_id] = 0
    use_cases.delete_contact(ContactRef(contact_id=contact_id), ctx(), store)
    with pytest.raises(NotFound):
        use_cases.get_contact(ContactRef(contact_id=contact_id), ctx(), store)
    restored = use_cases.restore_contact(ContactRef(contact_id=contact_id), ctx(), store)
    assert restored.version == 3
    assert store.event_types() == ["contact.created", "contact.deleted", "contact.restored"]


def test_list_by_name_prefix_pages_in_name_order() -> None:
    store = FakeContacts()
    for name in ("Bolt", "acme b", "Acme A", "Zed"):
        create(store, name=name)
    first = use_cases.list_contacts(ContactListQuery(q="ACME", page_size=1), ctx(), store)
    assert [v.display_name for v in first.items] == ["Acme A"] and first.pagination.total == 2
    second = use_cases.list_contacts(
        ContactListQuery(q="acme", page_size=1, cursor=first.pagination.next_cursor), ctx(), store
    )
    assert [v.display_name for v in second.items] == ["acme b"] and second.pagination.next_cursor is None


def test_an_unknown_contact_is_not_found() -> None:
    with pytest.raises(NotFound):
        use_cases.get_contact(ContactRef(contact_id="0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6c"), ctx(), FakeContacts())
