"""The Contact aggregate (the slice deals need): normalization, validation, events."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kernel.errors import ValidationFailed
from sales.contact.model import (
    DISPLAY_NAME_MAX,
    Contact,
    ContactKind,
    InvalidEmail,
    Lifecycle,
    normalize_email,
)

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


# Spellings of ada@example.org that read the same to a person but differ in code points.
LOOKALIKES = {
    "uppercase": "ADA@Example.ORG",
    "zero-width-space": "ada\u200b@example.org",
    "soft-hyphen": "a\u00add\u00ada@exam\u00adple.org",
    "right-to-left-mark": "\u200fada@example.org\u200f",
    "byte-order-mark": "\ufeffada@example.org",
    "word-joiner-in-domain": "ada@exa\u2060mple.org",
    "trailing-dot": "ada@example.org.",
    "trailing-dots-and-spaces": " ada@example.org.. ",
    "all-at-once": "\u200f A\u200bDA@EXAMPLE.ORG. \u00ad",
}


@pytest.mark.parametrize("spelling", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_spellings_normalize_to_one_address(spelling: str) -> None:
    assert normalize_email(spelling) == "ada@example.org"


def test_an_accent_as_one_code_point_or_two_is_one_address_in_composed_form() -> None:
    composed, decomposed = "ren\u00e9@example.org", "rene\u0301@example.org"
    assert composed != decomposed
    assert normalize_email(composed) == normalize_email(decomposed) == composed
    assert normalize_email("REN\u00c9@example.org") == normalize_email("RENE\u0301@example.org") == composed
    assert unicodedata.is_normalized("NFC", normalize_email(decomposed))


def test_an_internationalized_domain_has_one_spelling_unicode_or_punycode() -> None:
    assert normalize_email("Ada@B\u00dcCHER.example") == normalize_email("ada@xn--bcher-kva.example")


@pytest.mark.parametrize(
    "email",
    [*LOOKALIKES.values(), "ren\u00e9@example.org", "rene\u0301@example.org", "a+tag@sub.example.co.uk"],
)
def test_normalize_email_is_idempotent(email: str) -> None:
    once = normalize_email(email)
    assert normalize_email(once) == once


def test_lookalikes_of_one_address_are_one_email_of_a_contact() -> None:
    contact = new_contact(emails=[*LOOKALIKES.values(), "rene\u0301@example.org", "ren\u00e9@example.org"])
    assert contact.emails == ["ada@example.org", "ren\u00e9@example.org"]
    contact.update(now=LATER, emails=["ADA\u200b@example.org.", "other@example.org"])
    assert contact.emails == ["ada@example.org", "other@example.org"]


# What the email validator rejects (each with a reason): all refused, naming the position, never the text.
INVALID_EMAILS = {
    "no-at": "not-an-email",
    "two-ats": "a@@b.example",
    "two-ats-apart": "a@b@c.example",
    "no-domain-dot": "a@b",
    "no-domain-dot-longer": "ada@example",
    "space-in-local-part": "a b@example.org",
    "space-in-domain": "ada@exam ple.org",
    "no-local-part": "@example.org",
    "no-domain": "ada@",
    "empty": "",
    "only-invisible-characters": "\u200b\u00ad\u200f",
    "double-dot": "ada..lovelace@example.org",
    "leading-dot": ".ada@example.org",
    "domain-hyphen-start": "ada@-example.org",
    "underscore-in-domain": "ada@ex_ample.org",
    "numeric-top-level-domain": "ada@192.168.0.1",
    "ip-literal": "ada@[192.168.0.1]",
    "quoted-local-part": '"ada lovelace"@example.org',
    "display-name": "Ada <ada@example.org>",
    "reserved-domain": "ada@printer.local",
    "too-long": "a@" + "b" * 250 + ".example",
    "injection": "ada@example.org'; DROP TABLE contacts;--",
}


@pytest.mark.parametrize("email", INVALID_EMAILS.values(), ids=INVALID_EMAILS.keys())
def test_invalid_emails_are_rejected_with_their_position(email: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_contact(emails=["ok@example.org", email])
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["emails[1]"]
    said = [caught.value.message, *(issue.message for issue in caught.value.details)]
    assert said == ["emails[1] is not an email address", "not an email address"], "the address is not echoed"


@pytest.mark.parametrize("email", INVALID_EMAILS.values(), ids=INVALID_EMAILS.keys())
def test_normalize_email_raises_invalid_email_without_the_text(email: str) -> None:
    with pytest.raises(InvalidEmail) as caught:
        normalize_email(email)
    assert str(caught.value) == "not an email address"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__, "the validator's reason quotes it"


def test_update_rejects_an_invalid_email_at_its_position_and_keeps_the_old_ones() -> None:
    contact = new_contact(emails=["ada@example.org"])
    with pytest.raises(ValidationFailed) as caught:
        contact.update(now=LATER, emails=["new@example.org", "a@@b.example"])
    assert [issue.field for issue in caught.value.details] == ["emails[1]"]
    assert contact.emails == ["ada@example.org"]


def test_the_email_validator_is_imported_on_first_use_not_with_the_aggregate() -> None:
    # Cold start: handlers that never validate an address must not pay for the validator's import.
    probe = (
        "import sys; import sales.contact.model as c; assert 'email_validator' not in sys.modules; "
        "c.normalize_email('a@b.example'); assert 'email_validator' in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", probe], check=True, env=env, timeout=60)


def test_at_most_ten_distinct_emails() -> None:
    assert len(new_contact(emails=[f"a{i}@example.org" for i in range(10)]).emails) == 10
    with pytest.raises(ValidationFailed):
        new_contact(emails=[f"a{i}@example.org" for i in range(11)])


def test_phones_are_stored_as_e164_and_deduplicated() -> None:
    contact = new_contact(phones=[" +49 30 1234567 ", "+49301234567", "+1 (415) 555-2671"])
    assert contact.phones == ["+49301234567", "+14155552671"]


def test_a_national_number_is_read_in_the_default_region_else_the_contacts_country() -> None:
    assert new_contact(phones=["030 1234567"], default_region="de").phones == ["+49301234567"]
    assert new_contact(phones=["030 1234567"], country="DE").phones == ["+49301234567"]
    assert new_contact(phones=["(415) 555-2671"], country="DE", default_region="US").phones == ["+14155552671"]


@pytest.mark.parametrize(
    "phone",
    ["call me maybe", "030 1234567", "+49 1", "+999 123456789", "12", "+" + "1" * 50],
)
def test_a_phone_that_does_not_parse_is_a_400_naming_the_field_never_the_value(phone: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_contact(phones=["+49 30 1234567", phone])
    assert [issue.field for issue in caught.value.details] == ["phones[1]"]
    assert phone not in str(caught.value) and phone not in caught.value.details[0].message


def test_country_is_an_iso_3166_alpha2_code() -> None:
    assert new_contact(country=" de ").country == "DE"
    for bad in ("XX", "Germany", "DEU", "", "D"):
        with pytest.raises(ValidationFailed) as caught:
            new_contact(country=bad)
        assert [issue.field for issue in caught.value.details] == ["country"]
    with pytest.raises(ValidationFailed) as caught:
        new_contact(phones=["030 1234567"], default_region="ZZ")
    assert [issue.field for issue in caught.value.details] == ["default_region"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("acme.example", "https://acme.example"),
        ("HTTP://WWW.Acme.Example/contact?x=1", "http://www.acme.example/contact?x=1"),
        ("https://münchen.example", "https://xn--mnchen-3ya.example"),
    ],
)
def test_website_is_normalized(given: str, stored: str) -> None:
    assert new_contact(website_url=given).website == stored


@pytest.mark.parametrize(
    "bad", ["ftp://acme.example", "https://user:pw@acme.example", "http://localhost", "acme", "a b.example", "x" * 3000]
)
def test_a_website_that_is_no_web_address_is_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_contact(website_url=bad)
    assert [issue.field for issue in caught.value.details] == ["website"]


def test_address_fields_are_trimmed_and_its_country_checked() -> None:
    contact = new_contact(address={"line1": " Hauptstr. 1 ", "city": "Berlin", "country": "de"})
    assert contact.address is not None
    assert contact.address.as_dict() == {
        "line1": "Hauptstr. 1",
        "line2": None,
        "city": "Berlin",
        "postal_code": None,
        "region": None,
        "country": "DE",
    }
    assert new_contact(address={"line1": " "}).address is None  # nothing left: no address
    with pytest.raises(ValidationFailed):
        new_contact(address={"country": "Atlantis"})


def test_links_fit_the_contacts_own_kind_and_never_point_at_itself() -> None:
    organization = new_contact(parent_id=OTHER)
    assert organization.parent_id == OTHER
    person = new_contact(kind=ContactKind.PERSON, employer_id=OTHER, manager_id=OWNER)
    assert (person.employer_id, person.manager_id) == (OTHER, OWNER)
    for kind, link in ((ContactKind.PERSON, "parent_id"), (ContactKind.ORGANIZATION, "employer_id")):
        with pytest.raises(ValidationFailed) as caught:
            new_contact(kind=kind, **{link: OTHER})
        assert [issue.field for issue in caught.value.details] == [link]
    with pytest.raises(ValidationFailed) as caught:
        organization.update(now=LATER, parent_id=organization.id)
    assert [issue.field for issue in caught.value.details] == ["parent_id"]


def test_update_clears_an_optional_field_given_as_none_and_keeps_an_absent_one() -> None:
    contact = new_contact(website_url="acme.example", country="DE", parent_id=OTHER)
    contact.pending_events.clear()
    contact.update(now=LATER, website_url=None)
    assert (contact.website, contact.country, contact.parent_id) == (None, "DE", OTHER)
    contact.update(now=LATER, parent_id=None)
    assert contact.parent_id is None
    assert len(contact.pending_events) == 2


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
    contact.update(now=LATER, emails=["NEW@acme.example"], owner_id=OTHER, phones=["+1 415 555 2671"], tags=[])
    assert contact.emails == ["new@acme.example"]
    assert contact.owner_id == OTHER
    assert contact.phones == ["+14155552671"]
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
