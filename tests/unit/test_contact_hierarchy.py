"""Hierarchy links and list filters of the contact use cases, against the in-memory store: kinds, cycles (also
through deleted contacts and lost races), the depth bound, and the filters each list applies."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.context import Principal, RequestContext
from kernel.errors import Conflict, ReferenceNotFound, StaleVersion, ValidationFailed
from sales.contact import use_cases
from sales.contact.views import ContactListQuery, ContactRef, CreateContactInput, UpdateContactInput
from tests.support.fakes import FakeContacts

REP = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"


def ctx() -> RequestContext:
    return RequestContext(Principal(REP, frozenset({"sales"})), "test")


def create(store: FakeContacts, kind: str = "organization", name: str = "Acme", **fields: Any) -> str:
    command = CreateContactInput(kind=kind, display_name=name, **fields)
    return str(use_cases.create_contact(command, ctx(), store).id)


def link(store: FakeContacts, contact_id: str, **links: Any) -> Any:
    return use_cases.update_contact(UpdateContactInput(contact_id=contact_id, **links), ctx(), store)


def test_links_point_at_live_contacts_of_the_right_kind() -> None:
    store = FakeContacts()
    group = create(store, name="Group")
    subsidiary = create(store, name="Subsidiary", parent_id=group)
    boss = create(store, "person", "Boss", employer_id=subsidiary)
    worker = create(store, "person", "Worker", employer_id=subsidiary, manager_id=boss)
    assert store.stored[worker].manager_id == boss
    for field_name, target in (("parent_id", boss), ("employer_id", boss), ("manager_id", group)):
        contact = subsidiary if field_name == "parent_id" else worker
        with pytest.raises(ReferenceNotFound) as refused:
            link(store, contact, **{field_name: target})
        assert refused.value.code == "INVALID_REFERENCE" and refused.value.details[0].field == field_name
    use_cases.delete_contact(ContactRef(contact_id=group), ctx(), store)
    other = create(store, name="Other")
    with pytest.raises(ReferenceNotFound):
        link(store, other, parent_id=group)
    with pytest.raises(ReferenceNotFound):
        link(store, other, parent_id="019b72b7-339c-73ca-850c-8459913f2cde")


def test_a_link_that_closes_a_cycle_is_refused_at_any_depth() -> None:
    store = FakeContacts()
    top = create(store, name="Top")
    middle = create(store, name="Middle", parent_id=top)
    bottom = create(store, name="Bottom", parent_id=middle)
    with pytest.raises(Conflict) as refused:
        link(store, top, parent_id=bottom)
    assert refused.value.code == "CYCLE" and refused.value.details[0].field == "parent_id"
    a = create(store, "person", "A")
    b = create(store, "person", "B", manager_id=a)
    with pytest.raises(Conflict) as refused:
        link(store, a, manager_id=b)
    assert refused.value.code == "CYCLE"


def test_a_cycle_through_a_deleted_contact_is_refused_too() -> None:
    # Its links come back when it is restored, so they count while it is deleted.
    store = FakeContacts()
    parent = create(store, name="Parent")
    middle = create(store, name="Middle", parent_id=parent)
    child = create(store, name="Child", parent_id=middle)
    use_cases.delete_contact(ContactRef(contact_id=middle), ctx(), store)
    with pytest.raises(Conflict) as refused:
        link(store, parent, parent_id=child)
    assert refused.value.code == "CYCLE"


def test_the_walk_is_bounded_and_every_contact_walked_is_guarded() -> None:
    store = FakeContacts()
    chain = [create(store, name="Level 0")]
    for level in range(1, use_cases.MAX_HIERARCHY_DEPTH + 1):
        chain.append(create(store, name=f"Level {level}", parent_id=chain[-1]))
    newcomer = create(store, name="Newcomer")
    link(store, newcomer, parent_id=chain[-2])  # MAX_HIERARCHY_DEPTH - 1 above it: walked to the top
    assert store.guarded[-1] == list(reversed(chain[:-1]))
    with pytest.raises(Conflict) as refused:
        link(store, newcomer, parent_id=chain[-1])
    assert refused.value.code == "HIERARCHY_TOO_DEEP"


def test_a_link_left_alone_is_not_checked_again() -> None:
    store = FakeContacts()
    group = create(store, name="Group")
    member = create(store, name="Member", parent_id=group)
    use_cases.delete_contact(ContactRef(contact_id=group), ctx(), store)
    renamed = link(store, member, display_name="Member AG")  # its parent is deleted: the link stays, hidden
    assert (renamed.display_name, renamed.parent_id) == ("Member AG", group)
    assert store.guarded[-1] == []


def test_a_link_set_in_a_lost_race_is_decided_again_on_the_new_state() -> None:
    """Two contacts linked to each other at once: the second save relies on a version the first changed,
    so it runs again and then sees the cycle."""
    store = FakeContacts()
    a, b = create(store, name="A"), create(store, name="B")
    original_save = store.save
    raced = False

    def save_after_the_other_commits(contact: Any, before: Any, context: Any, guards: Any = ()) -> None:
        nonlocal raced
        if contact.id == a and not raced:
            raced = True
            link(store, b, parent_id=a)  # commits first: B under A
        original_save(contact, before, context, guards)

    store.save = save_after_the_other_commits  # type: ignore[method-assign]
    with pytest.raises(Conflict) as refused:
        link(store, a, parent_id=b)
    assert refused.value.code == "CYCLE"
    assert store.stored[b].parent_id == a and store.stored[a].parent_id is None


def test_the_guard_refuses_a_save_when_a_relied_on_contact_changed() -> None:
    store = FakeContacts()
    group = create(store, name="Group")
    member = use_cases.create_contact(CreateContactInput(kind="organization", display_name="M"), ctx(), store)
    contact = store.get(member.id)
    assert contact is not None
    before = store.get(member.id)
    contact.parent_id = group
    link(store, group, display_name="Group AG")  # version 2 now
    from sales.contact.store import Guard

    with pytest.raises(StaleVersion):
        store.save(contact, before, ctx(), [Guard(group, 1)])


def test_list_filters_combine() -> None:
    store = FakeContacts()
    group = create(store, name="Group", tags=["key"])
    create(store, "person", "Ada", employer_id=group, tags=["key"], phones=["+49 30 1234567"], lifecycle="active")
    create(store, "person", "Bob", employer_id=group, tags=["cold"])
    create(store, name="Sub", parent_id=group, lifecycle="active")

    def names(**filters: Any) -> list[str]:
        result = use_cases.list_contacts(ContactListQuery(**filters), ctx(), store)
        return [view.display_name for view in result.items]

    assert names(employer_id=group) == ["Ada", "Bob"]
    assert names(parent_id=group) == ["Sub"]
    assert names(tag="key") == ["Ada", "Group"]
    assert names(tag="key", kind="person") == ["Ada"]
    assert names(lifecycle="active") == ["Ada", "Sub"]
    assert names(kind="organization", lifecycle="active") == ["Sub"]
    assert names(phone="030 1234567", default_region="DE") == ["Ada"]
    assert names(phone="+49 30 1234567", tag="cold") == []
    assert names(owner_id=REP, q="b") == ["Bob"]


def test_a_searched_phone_or_region_that_is_none_is_a_400_on_that_field() -> None:
    store = FakeContacts()
    for filters, field_name in (
        ({"phone": "not a phone"}, "phone"),
        ({"phone": "1", "default_region": "ZZ"}, "default_region"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            use_cases.list_contacts(ContactListQuery(**filters), ctx(), store)
        assert refused.value.details[0].field == field_name
