"""Merging contacts, against the in-memory store: what the survivor absorbs, which hierarchy links it takes
over (never one to itself or one closing a cycle), and what a merge refuses."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.context import Principal, RequestContext
from kernel.errors import Conflict, NotFound, ReferenceNotFound, ValidationFailed
from sales.contact import use_cases
from sales.contact.views import ContactRef, CreateContactInput, MergeContactsInput
from tests.support.fakes import FakeContacts

REP = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"


def ctx() -> RequestContext:
    return RequestContext(Principal(REP, frozenset({"sales"})), "test")


def create(store: FakeContacts, kind: str = "organization", name: str = "Acme", **fields: Any) -> str:
    return str(use_cases.create_contact(CreateContactInput(kind=kind, display_name=name, **fields), ctx(), store).id)


def merge(store: FakeContacts, survivor: str, duplicate: str) -> Any:
    return use_cases.merge_contacts(MergeContactsInput(contact_id=survivor, duplicate_id=duplicate), ctx(), store)


def test_the_survivor_takes_what_it_lacks_and_keeps_what_it_has() -> None:
    store = FakeContacts()
    survivor = create(store, name="Acme", emails=["a@acme.example"], website="acme.example", tags=["vip"])
    duplicate = create(
        store,
        name="ACME",
        emails=["b@acme.example"],
        website="other.example",
        country="AT",
        tags=["vip", "dach"],
        address={"city": "Wien"},
    )
    view = merge(store, survivor, duplicate)
    assert view.emails == ["a@acme.example", "b@acme.example"] and view.tags == ["vip", "dach"]
    assert (view.website, view.country, view.address.city) == ("https://acme.example", "AT", "Wien")
    assert view.merge_status == "pending" and view.display_name == "Acme"
    assert store.stored[duplicate].merged_into == survivor and store.stored[duplicate].is_deleted
    assert store.owner_of_email("b@acme.example") == survivor
    assert store.event_types()[-1] == "contact.merged"
    with pytest.raises(NotFound) as gone:
        use_cases.get_contact(ContactRef(contact_id=duplicate), ctx(), store)
    assert gone.value.code == "CONTACT_MERGED" and gone.value.details[0].message == survivor


def test_links_up_are_taken_over_but_never_to_the_survivor_itself_or_into_a_cycle() -> None:
    store = FakeContacts()
    group = create(store, name="Group")
    survivor = create(store, name="Acme")
    duplicate = create(store, name="ACME", parent_id=group)
    assert merge(store, survivor, duplicate).parent_id == group

    # A duplicate above the survivor: the survivor's link to it goes where the duplicate's went.
    top = create(store, name="Top")
    middle = create(store, name="Middle", parent_id=top)
    below = create(store, name="Below", parent_id=middle)
    assert merge(store, below, middle).parent_id == top

    # The duplicate's group is below the survivor: taking that link would close a cycle, so it is given up.
    head = create(store, name="Head")
    branch = create(store, name="Branch", parent_id=head)
    twin = create(store, name="Head (twin)", parent_id=branch)
    assert merge(store, head, twin).parent_id is None


@pytest.mark.parametrize(
    ("duplicate_fields", "error", "code"),
    [
        ({"kind": "person"}, Conflict, "KIND_MISMATCH"),
        ({"emails": [f"d{i}@x.example" for i in range(10)]}, Conflict, "MERGE_TOO_LARGE"),
        ({"phones": [f"+49 30 12345{i:02d}" for i in range(10)]}, Conflict, "MERGE_TOO_LARGE"),
    ],
)
def test_a_merge_that_does_not_fit_is_refused(duplicate_fields: dict[str, Any], error: type, code: str) -> None:
    store = FakeContacts()
    survivor = create(store, name="Acme", emails=["s@x.example"], phones=["+49 30 9999999"])
    duplicate = create(store, **{"name": "ACME", **duplicate_fields})
    with pytest.raises(error) as refused:
        merge(store, survivor, duplicate)
    assert refused.value.code == code
    assert store.stored[duplicate].merged_into is None and not store.stored[survivor].pending_merges


def test_unknown_self_and_busy_merges_are_refused() -> None:
    store = FakeContacts()
    one, two, three = (create(store, name=name) for name in ("One", "Two", "Three"))
    with pytest.raises(ValidationFailed):
        merge(store, one, one)
    with pytest.raises(ReferenceNotFound):
        merge(store, one, "01a1d539-d6e0-7b41-8a2f-000000000000")
    store.relationship_counts.update({one: 150, two: 60})
    with pytest.raises(Conflict) as crowded:
        merge(store, one, two)
    assert crowded.value.code == "TOO_MANY_RELATIONSHIPS"
    store.relationship_counts.clear()
    merge(store, one, two)
    with pytest.raises(Conflict) as busy:
        merge(store, three, one)
    assert busy.value.code == "MERGE_PENDING"
    with pytest.raises(NotFound) as merged:
        merge(store, two, three)
    assert merged.value.code == "CONTACT_MERGED"
    assert merge(store, one, two).version == store.stored[one].version  # a repeat changes nothing
