"""The Relationship aggregate and its use cases against in-memory stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kernel.context import Principal, RequestContext
from kernel.errors import Conflict, NotFound, ReferenceNotFound, ValidationFailed
from sales.contact import use_cases as contacts_use
from sales.contact.views import ContactRef, CreateContactInput
from sales.relationship import use_cases
from sales.relationship.model import Relationship, RelationshipType
from sales.relationship.views import CreateRelationshipInput, RelationshipRef, RelationshipsQuery
from tests.support.fakes import FakeContacts, FakeRelationships

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
A, B = "019b72b7-339c-73ca-850c-8459913f2cde", "019b72b7-339c-73ca-850c-8459913f2cdf"


def ctx() -> RequestContext:
    return RequestContext(Principal("0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b", frozenset({"sales"})), "test")


def test_a_relationship_links_two_different_contacts_and_records_its_event() -> None:
    relationship = Relationship.create(from_id=A, to_id=B, type=RelationshipType.INFLUENCES, label=" ", now=NOW)
    assert relationship.label is None
    [event] = relationship.pending_events
    assert event.event_type == "relationship.created" and event.data["type"] == "influences"
    with pytest.raises(ValidationFailed) as refused:
        Relationship.create(from_id=A, to_id=A, type=RelationshipType.COLLEAGUE, label=None, now=NOW)
    assert refused.value.details[0].field == "to_id"


def test_type_other_needs_a_label_of_at_most_200_characters() -> None:
    for label in (None, "  "):
        with pytest.raises(ValidationFailed) as refused:
            Relationship.create(from_id=A, to_id=B, type=RelationshipType.OTHER, label=label, now=NOW)
        assert refused.value.details[0].field == "label"
    with pytest.raises(ValidationFailed):
        Relationship.create(from_id=A, to_id=B, type=RelationshipType.OTHER, label="x" * 201, now=NOW)
    made = Relationship.create(from_id=A, to_id=B, type=RelationshipType.OTHER, label=" old friend ", now=NOW)
    assert made.label == "old friend"


def _world() -> tuple[FakeContacts, FakeRelationships, str, str]:
    contacts = FakeContacts()
    people = [
        str(contacts_use.create_contact(CreateContactInput(kind="person", display_name=name), ctx(), contacts).id)
        for name in ("Ada", "Bob")
    ]
    return contacts, FakeRelationships(contacts), people[0], people[1]


def test_use_cases_create_list_both_ways_and_delete_from_either_end() -> None:
    contacts, relationships, ada, bob = _world()
    made = use_cases.create_relationship(
        CreateRelationshipInput(contact_id=ada, to_id=bob, type="colleague"), ctx(), relationships, contacts
    )
    seen = use_cases.list_relationships(RelationshipsQuery(contact_id=bob), ctx(), relationships, contacts)
    assert [(view.id, view.direction) for view in seen.items] == [(made.id, "incoming")]
    with pytest.raises(Conflict):
        use_cases.create_relationship(
            CreateRelationshipInput(contact_id=ada, to_id=bob, type="colleague"), ctx(), relationships, contacts
        )
    use_cases.delete_relationship(RelationshipRef(contact_id=bob, relationship_id=made.id), ctx(), relationships)
    with pytest.raises(NotFound):
        use_cases.delete_relationship(RelationshipRef(contact_id=ada, relationship_id=made.id), ctx(), relationships)
    assert [event.event_type for event in relationships.published] == ["relationship.created", "relationship.deleted"]


def test_a_deleted_end_is_refused_and_hides_what_links_to_it() -> None:
    contacts, relationships, ada, bob = _world()
    use_cases.create_relationship(
        CreateRelationshipInput(contact_id=ada, to_id=bob, type="influences"), ctx(), relationships, contacts
    )
    contacts_use.delete_contact(ContactRef(contact_id=bob), ctx(), contacts)
    assert use_cases.list_relationships(RelationshipsQuery(contact_id=ada), ctx(), relationships, contacts).items == []
    with pytest.raises(ReferenceNotFound):
        use_cases.create_relationship(
            CreateRelationshipInput(contact_id=ada, to_id=bob, type="colleague"), ctx(), relationships, contacts
        )
    with pytest.raises(NotFound):
        use_cases.list_relationships(RelationshipsQuery(contact_id=bob), ctx(), relationships, contacts)
    contacts_use.restore_contact(ContactRef(contact_id=bob), ctx(), contacts)
    shown = use_cases.list_relationships(RelationshipsQuery(contact_id=ada), ctx(), relationships, contacts)
    assert len(shown.items) == 1 and shown.pagination.total == 1
