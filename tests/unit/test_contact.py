"""The Contact aggregate (basic slice of SPEC §3.2): normalization, validation, events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sales.domain.contact import (
    DISPLAY_NAME_MAX,
    Contact,
    ContactKind,
    Lifecycle,
    normalize_email,
)
from sales.domain.errors import ValidationFailed

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
OWNER = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
OTHER = "019b72b6-e679-7635-a86d-ac29a7923f3d"


def new_contact(**overrides: object) -> Contact:
    arguments: dict[str, object] = {
        "kind": ContactKind.ORGANIZATION,
        "display_name": "Acme Devices GmbH",
        "owner_id": OWNER,
        "now": NOW,
    }
    arguments.update(overrides)
    return Contact.create(**arguments)  # type: ignore[arg-type]


def test_create_defaults() -> None:
    contact = new_contact()
    assert uuid.UUID(contact.id).version == 7
    assert contact.kind is ContactKind.ORGANIZATION
    assert contact.display_name == "Acme Devices GmbH"
    assert contact.owner_id == OWNER
    assert contact.lifecycle is Lifecycle.PROSPECT
    assert contact.emails == []
    assert contact.phones == []
    assert contact.tags == []
    assert contact.bridge is None
    assert contact.version == 0
    assert contact.created_at == contact.updated_at == NOW
    assert not contact.is_deleted


def test_create_records_contact_created() -> None:
    contact = new_contact(kind=ContactKind.PERSON, display_name="Ada Lovelace", emails=["Ada@Example.org"])
    [event] = contact.pending_events
    assert event.event_type == "contact.created"
    assert event.event_version == "1.0.0"
    assert event.aggregate_id == contact.id
    assert event.data == {
        "contact_id": contact.id,
        "kind": "person",
        "display_name": "Ada Lovelace",
        "owner_id": OWNER,
        "emails": ["ada@example.org"],
        "lifecycle": "prospect",
    }


@pytest.mark.parametrize("name", ["", "   ", "x" * (DISPLAY_NAME_MAX + 1)])
def test_display_name_must_be_1_to_200_characters(name: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_contact(display_name=name)
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["display_name"]


def test_display_name_is_trimmed_and_200_characters_are_allowed() -> None:
    assert new_contact(display_name="  Acme  ").display_name == "Acme"
    assert new_contact(display_name="x" * DISPLAY_NAME_MAX).display_name == "x" * DISPLAY_NAME_MAX


def test_emails_are_trimmed_lowercased_and_deduplicated() -> None:
    contact = new_contact(emails=[" Sales@ACME.example ", "sales@acme.example", "billing@acme.example"])
    assert contact.emails == ["sales@acme.example", "billing@acme.example"]


def test_normalize_email() -> None:
    assert normalize_email("  Ada@Example.ORG ") == "ada@example.org"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@example.org", "@example.org", "a@@example.org", ""])
def test_invalid_emails_are_rejected_with_their_position(email: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_contact(emails=["ok@example.org", email])
    assert [issue.field for issue in caught.value.details] == ["emails[1]"]


def test_at_most_ten_distinct_emails() -> None:
    assert len(new_contact(emails=[f"a{i}@example.org" for i in range(10)]).emails) == 10
    with pytest.raises(ValidationFailed):
        new_contact(emails=[f"a{i}@example.org" for i in range(11)])


def test_phones_are_validated_and_deduplicated() -> None:
    contact = new_contact(phones=[" +49 30 1234567 ", "+49 30 1234567", "(030) 123-45"])
    assert contact.phones == ["+49 30 1234567", "(030) 123-45"]
    with pytest.raises(ValidationFailed) as caught:
        new_contact(phones=["call me maybe"])
    assert [issue.field for issue in caught.value.details] == ["phones[0]"]


def test_tags_are_trimmed_deduplicated_and_blank_ones_dropped() -> None:
    assert new_contact(tags=[" vip", "vip", " ", "key account"]).tags == ["vip", "key account"]
    with pytest.raises(ValidationFailed):
        new_contact(tags=[f"t{i}" for i in range(21)])


def test_update_changes_only_given_fields_and_records_contact_updated() -> None:
    contact = new_contact(emails=["sales@acme.example"], tags=["vip"])
    contact.pending_events.clear()
    contact.update(now=LATER, lifecycle=Lifecycle.ACTIVE, display_name=" Acme AG ")
    assert contact.lifecycle is Lifecycle.ACTIVE
    assert contact.display_name == "Acme AG"
    assert contact.emails == ["sales@acme.example"]
    assert contact.tags == ["vip"]
    assert contact.owner_id == OWNER
    assert contact.updated_at == LATER
    [event] = contact.pending_events
    assert event.event_type == "contact.updated"
    assert event.data["lifecycle"] == "active"
    assert event.data["display_name"] == "Acme AG"


def test_update_emails_owner_phones_and_tags() -> None:
    contact = new_contact(emails=["sales@acme.example"])
    contact.update(now=LATER, emails=["NEW@acme.example"], owner_id=OTHER, phones=["+1 555 0100"], tags=[])
    assert contact.emails == ["new@acme.example"]
    assert contact.owner_id == OTHER
    assert contact.phones == ["+1 555 0100"]
    assert contact.tags == []


def test_update_validates_like_create() -> None:
    contact = new_contact()
    with pytest.raises(ValidationFailed):
        contact.update(now=LATER, display_name="")
    with pytest.raises(ValidationFailed):
        contact.update(now=LATER, emails=["nope"])


def test_delete_and_restore_record_events() -> None:
    contact = new_contact()
    contact.pending_events.clear()
    contact.delete(now=LATER)
    assert contact.is_deleted
    assert contact.deleted_at == LATER
    contact.restore(now=LATER + timedelta(minutes=1))
    assert not contact.is_deleted
    assert [event.event_type for event in contact.pending_events] == ["contact.deleted", "contact.restored"]
    assert all(event.data == {"contact_id": contact.id} for event in contact.pending_events)
