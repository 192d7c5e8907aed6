"""The Contact aggregate: anyone Sales deals with, organization or person, and its place in the hierarchy.

Email addresses are unique across live contacts; the store enforces that with one claim item per
address, so the aggregate only normalizes and validates them. Phones are stored as E.164 (sales.contact.phones).

Hierarchy links point up: an organization's `parent_id` (its group), a person's `employer_id` (an
organization) and `manager_id` (a person). The aggregate checks what it can see alone (a link that does not
fit its own kind, a link to itself); that the target exists, is live, has the right kind and closes no cycle
is the use case's to check, since it needs the other contacts.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kernel.aggregate import UNCHANGED, AggregateRoot
from kernel.clock import to_rfc3339
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from sales.contact.events import (
    Bridge,
    ContactBridged,
    ContactConversionRequested,
    ContactCreated,
    ContactDeleted,
    ContactMerged,
    ContactRestored,
    ContactSnapshot,
    ContactUpdated,
)
from sales.contact.names import name_key
from sales.contact.phones import InvalidPhone, to_e164
from sales.contact.places import Address, InvalidPlace, country_code, website

DISPLAY_NAME_MAX = 200
EMAILS_MAX = 10
PHONES_MAX = 10
TAGS_MAX = 20
PHONE_TEXT_MAX = 40
# The hierarchy links, and the kind of contact each may start from and point to.
LINKS: dict[str, tuple[str, str]] = {
    "parent_id": ("organization", "organization"),
    "employer_id": ("person", "organization"),
    "manager_id": ("person", "person"),
}


class ContactKind(StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"


class ConversionTarget(StrEnum):
    TENANT = "tenant"
    APPLICATION_USER = "application_user"


class Lifecycle(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    DISQUALIFIED = "disqualified"


class InvalidEmail(ValueError):
    """Not an email address. The message never repeats the text: callers name the field, not the value."""

    def __init__(self) -> None:
        super().__init__("not an email address")


def normalize_email(email: str) -> str:
    """The one form an address is stored, claimed and searched under; raises InvalidEmail if it is none.

    Spellings a person reads as the same address must give the same form, or uniqueness is bypassed: invisible
    format characters (zero-width space, soft hyphen, direction marks, BOM) are dropped, letters lowercased,
    Unicode composed (NFC: "é" as one code point or as "e" plus a combining accent) and the domain's trailing
    dots (the fully qualified spelling) dropped. What remains must pass email-validator's syntax check, without
    DNS lookups (whether mail gets delivered is not ours to judge); its normalized form also spells an
    internationalized domain one way, whether it came as Unicode or as punycode.
    """
    text = email if email.isascii() else "".join(char for char in email if unicodedata.category(char) != "Cf")
    text = unicodedata.normalize("NFC", text.strip().lower())
    local, at, domain = text.rpartition("@")
    if at:
        text = f"{local}@{domain.rstrip('.')}"
    return _validated(text)


def _validated(address: str) -> str:
    # Imported on first use, not with this module: the import costs 60-100 ms of cold start, and most
    # handlers never see an email address.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidEmail() from None


def _display_name(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > DISPLAY_NAME_MAX:
        raise ValidationFailed(
            f"display_name must be 1-{DISPLAY_NAME_MAX} characters",
            [FieldIssue("display_name", f"must be 1-{DISPLAY_NAME_MAX} characters")],
        )
    return cleaned


def _emails(emails: list[str]) -> list[str]:
    cleaned: list[str] = []
    for index, email in enumerate(emails):
        try:
            address = normalize_email(email)
        except InvalidEmail as error:
            raise ValidationFailed(
                f"emails[{index}] is not an email address", [FieldIssue(f"emails[{index}]", str(error))]
            ) from None
        if address not in cleaned:
            cleaned.append(address)
    if len(cleaned) > EMAILS_MAX:
        raise ValidationFailed(f"at most {EMAILS_MAX} emails", [FieldIssue("emails", f"at most {EMAILS_MAX}")])
    return cleaned


def _phones(phones: list[str], region: str | None) -> list[str]:
    cleaned: list[str] = []
    for index, phone in enumerate(phones):
        try:
            if len(phone) > PHONE_TEXT_MAX:
                raise InvalidPhone()
            number = to_e164(phone, region)
        except InvalidPhone as error:
            raise ValidationFailed(
                f"phones[{index}] is not a phone number", [FieldIssue(f"phones[{index}]", str(error))]
            ) from None
        if number not in cleaned:
            cleaned.append(number)
    if len(cleaned) > PHONES_MAX:
        raise ValidationFailed(f"at most {PHONES_MAX} phones", [FieldIssue("phones", f"at most {PHONES_MAX}")])
    return cleaned


def _place(field_name: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except InvalidPlace as error:
        raise ValidationFailed(f"{field_name} {error}", [FieldIssue(field_name, str(error))]) from None


def _region(default_region: str | None, country: str | None) -> str | None:
    """The region national phone numbers are read in: the one given with the request, else the contact's."""
    if default_region is None:
        return country
    return _place("default_region", country_code, default_region)  # type: ignore[no-any-return]


def _address(values: dict[str, Any] | None) -> Address | None:
    if values is None:
        return None
    found = _place("address", Address.of, values)
    return None if found.is_empty else found


def _absorbed(field_name: str, mine: list[str], theirs: list[str], most: int) -> list[str]:
    together = list(dict.fromkeys([*mine, *theirs]))
    if len(together) > most:
        raise Conflict(
            f"together the two contacts have {len(together)} {field_name}, more than the {most} a contact may",
            "MERGE_TOO_LARGE",
            [FieldIssue(field_name, f"at most {most} together; remove some first")],
        )
    return together


def _tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if len(cleaned) > TAGS_MAX:
        raise ValidationFailed(f"at most {TAGS_MAX} tags", [FieldIssue("tags", f"at most {TAGS_MAX}")])
    return cleaned


@dataclass(kw_only=True)
class Contact(AggregateRoot):
    kind: ContactKind
    display_name: str
    owner_id: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    tags: list[str] = field(default_factory=list)
    website: str | None = None
    country: str | None = None
    address: Address | None = None
    parent_id: str | None = None
    employer_id: str | None = None
    manager_id: str | None = None
    # A conversion asked for: {"target", "status": "pending" | "done", "requested_at"}.
    conversion: dict[str, Any] | None = None
    # Set by the conversion bridge only: {"kind", "id", "bridged_at"}.
    bridge: dict[str, Any] | None = None
    # On a merged duplicate: the contact it was merged into. A merged contact is gone for good (deleted too,
    # so it leaves every list and index) and never comes back.
    merged_into: str | None = None
    # On a survivor: duplicates absorbed whose records the merge worker is still re-pointing, then those done.
    pending_merges: list[str] = field(default_factory=list)
    merged_from: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        kind: ContactKind,
        display_name: str,
        owner_id: str,
        now: datetime,
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        default_region: str | None = None,
        lifecycle: Lifecycle = Lifecycle.PROSPECT,
        tags: list[str] | None = None,
        website_url: str | None = None,
        country: str | None = None,
        address: dict[str, Any] | None = None,
        parent_id: str | None = None,
        employer_id: str | None = None,
        manager_id: str | None = None,
    ) -> Contact:
        country_value = _place("country", country_code, country) if country is not None else None
        contact = cls(
            id=new_id(),
            kind=kind,
            display_name=_display_name(display_name),
            owner_id=owner_id,
            emails=_emails(emails or []),
            phones=_phones(phones or [], _region(default_region, country_value)),
            lifecycle=lifecycle,
            tags=_tags(tags or []),
            website=_place("website", website, website_url) if website_url is not None else None,
            country=country_value,
            address=_address(address),
            created_at=now,
            updated_at=now,
        )
        for link, target in (("parent_id", parent_id), ("employer_id", employer_id), ("manager_id", manager_id)):
            contact._link(link, target)
        contact.record(contact._snapshot(ContactCreated))
        return contact

    def update(
        self,
        *,
        now: datetime,
        display_name: str | None = None,
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        default_region: str | None = None,
        owner_id: str | None = None,
        lifecycle: Lifecycle | None = None,
        tags: list[str] | None = None,
        website_url: Any = UNCHANGED,
        country: Any = UNCHANGED,
        address: Any = UNCHANGED,
        parent_id: Any = UNCHANGED,
        employer_id: Any = UNCHANGED,
        manager_id: Any = UNCHANGED,
    ) -> None:
        """Absent fields (None for the required ones, UNCHANGED for the optional ones) stay; an optional field
        given as None is cleared."""
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = _display_name(display_name)
        if emails is not None:
            changes["emails"] = _emails(emails)
        if country is not UNCHANGED:
            changes["country"] = _place("country", country_code, country) if country is not None else None
        if phones is not None:
            changes["phones"] = _phones(phones, _region(default_region, changes.get("country", self.country)))
        elif default_region is not None:
            _region(default_region, None)  # still a 400 when it names no country, even with no phones to read
        if owner_id is not None:
            changes["owner_id"] = owner_id
        if lifecycle is not None:
            changes["lifecycle"] = lifecycle
        if tags is not None:
            changes["tags"] = _tags(tags)
        if website_url is not UNCHANGED:
            changes["website"] = _place("website", website, website_url) if website_url is not None else None
        if address is not UNCHANGED:
            changes["address"] = _address(address)
        for link, target in (("parent_id", parent_id), ("employer_id", employer_id), ("manager_id", manager_id)):
            if target is not UNCHANGED:
                self._check_link(link, target)
                changes[link] = target
        changes = {field_name: value for field_name, value in changes.items() if getattr(self, field_name) != value}
        if not changes:
            return  # an empty or unchanged PATCH stores nothing and emits nothing
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        self.touch(now)
        self.record(self._snapshot(ContactUpdated))

    def request_conversion(self, target: ConversionTarget, *, now: datetime) -> None:
        """Ask, once, for this contact to become a tenant or an application user."""
        if self.bridge is not None or self.conversion is not None:
            state = "done" if self.bridge is not None else str((self.conversion or {}).get("status", "pending"))
            raise Conflict(f"a conversion of contact {self.id} is already {state}", "CONVERSION_ALREADY_REQUESTED")
        self.conversion = {"target": target.value, "status": "pending", "requested_at": to_rfc3339(now)}
        self.touch(now)
        self.record(
            ContactConversionRequested(
                contact_id=self.id,
                kind=self.kind.value,
                display_name=self.display_name,
                emails=list(self.emails),
                target=target.value,
            )
        )

    def bridge_to(self, kind: ConversionTarget, reference: str, *, now: datetime) -> bool:
        """Link the contact to what was created for it. False, changing nothing, when it is linked already
        (to the same reference: a repeat; to another one: not ours to overwrite)."""
        if self.bridge is not None:
            return False
        bridged = Bridge(kind=kind.value, id=reference, bridged_at=to_rfc3339(now))
        self.bridge = {"kind": bridged.kind, "id": bridged.id, "bridged_at": bridged.bridged_at}
        target = (self.conversion or {}).get("target", kind.value)
        self.conversion = {**(self.conversion or {"requested_at": None}), "target": target, "status": "done"}
        self.touch(now)
        self.record(ContactBridged(contact_id=self.id, bridge=bridged))
        return True

    @property
    def is_merged(self) -> bool:
        return self.merged_into is not None

    @property
    def merge_status(self) -> str | None:
        """`pending` while the records of a duplicate it absorbed are being re-pointed, then `done`."""
        if self.pending_merges:
            return "pending"
        return "done" if self.merged_from else None

    def absorb(self, duplicate: Contact, *, now: datetime) -> None:
        """Merge `duplicate` into this contact: take its emails, phones and tags, and each field this contact
        leaves empty; the duplicate is marked merged. Re-pointing the records that name the duplicate (deals,
        relationships, contacts linked to it) is the merge worker's, after `contact.merged`."""
        if duplicate.id == self.id:
            raise ValidationFailed(
                "a contact cannot be merged into itself", [FieldIssue("duplicate_id", "must be another contact")]
            )
        if duplicate.kind != self.kind:
            raise Conflict(
                f"contact {duplicate.id} is a {duplicate.kind.value}, {self.id} a {self.kind.value}: only contacts "
                "of the same kind merge",
                "KIND_MISMATCH",
                [FieldIssue("duplicate_id", f"must be a {self.kind.value}")],
            )
        for busy in (self, duplicate):
            if busy.pending_merges:
                raise Conflict(
                    f"contact {busy.id} is still absorbing an earlier merge; retry when its merge_status is done",
                    "MERGE_PENDING",
                )
        if (self.conversion or self.bridge) and (duplicate.conversion or duplicate.bridge):
            raise Conflict(
                f"contacts {self.id} and {duplicate.id} both have a conversion; only one of two merged contacts may",
                "CONVERSION_CONFLICT",
            )
        emails = _absorbed("emails", self.emails, duplicate.emails, EMAILS_MAX)
        phones = _absorbed("phones", self.phones, duplicate.phones, PHONES_MAX)
        tags = _absorbed("tags", self.tags, duplicate.tags, TAGS_MAX)
        self.emails, self.phones, self.tags = emails, phones, tags
        for name in ("website", "country", "address", "conversion", "bridge"):
            if getattr(self, name) is None:
                setattr(self, name, copy.deepcopy(getattr(duplicate, name)))
        for link in LINKS:
            mine, theirs = getattr(self, link), getattr(duplicate, link)
            if mine == duplicate.id or mine is None:
                # A link up to the duplicate now goes where the duplicate's went; never to this contact itself.
                setattr(self, link, theirs if theirs not in (None, self.id) else None)
        self.pending_merges.append(duplicate.id)
        self.merged_from.append(duplicate.id)
        self.touch(now)
        duplicate.merged_into = self.id
        duplicate.deleted_at = now
        for link in LINKS:
            setattr(duplicate, link, None)  # a merged contact hangs under nothing
        duplicate.touch(now)
        self.record(self._snapshot(ContactMerged, duplicate_id=duplicate.id))

    def finish_merge(self, duplicate_id: str, *, now: datetime) -> bool:
        """Every record of `duplicate_id` points here now. False, changing nothing, if that was noted before."""
        if duplicate_id not in self.pending_merges:
            return False
        self.pending_merges.remove(duplicate_id)
        self.touch(now)
        return True

    def relink(self, link: str, target: str | None, *, now: datetime) -> None:
        """Point hierarchy link `link` at `target` (None clears it), as an update of that field alone."""
        links: dict[str, Any] = {name: target if name == link else UNCHANGED for name in LINKS}
        self.update(
            now=now, parent_id=links["parent_id"], employer_id=links["employer_id"], manager_id=links["manager_id"]
        )

    def drop_absorbed_link(self, link: str, before: Contact) -> None:
        """Give up a hierarchy link the merge took from the duplicate (its target is gone, of the wrong kind, or
        would close a cycle): the link is what it was before, or none if it pointed at the duplicate."""
        previous = getattr(before, link)
        setattr(self, link, None if previous in self.merged_from else previous)

    def links(self) -> dict[str, str]:
        """The hierarchy links this contact has, by field."""
        found = {"parent_id": self.parent_id, "employer_id": self.employer_id, "manager_id": self.manager_id}
        return {link: target for link, target in found.items() if target is not None}

    def _link(self, link: str, target: str | None) -> None:
        self._check_link(link, target)
        setattr(self, link, target)

    def _check_link(self, link: str, target: str | None) -> None:
        if target is None:
            return
        own_kind, _target_kind = LINKS[link]
        if self.kind.value != own_kind:
            raise ValidationFailed(
                f"{link} is for {own_kind}s only", [FieldIssue(link, f"a {self.kind.value} has no {link}")]
            )
        if target == self.id:
            raise ValidationFailed(f"{link} must name another contact", [FieldIssue(link, "must not be the contact")])

    def delete(self, *, now: datetime) -> None:
        self.deleted_at = now
        self.touch(now)
        self.record(ContactDeleted(contact_id=self.id))

    def restore(self, *, now: datetime) -> None:
        self.deleted_at = None
        self.touch(now)
        self.record(ContactRestored(contact_id=self.id))

    def _snapshot(self, event: type[ContactSnapshot], **extra: Any) -> ContactSnapshot:
        return event(
            **extra,
            contact_id=self.id,
            kind=self.kind.value,
            display_name=self.display_name,
            owner_id=self.owner_id,
            emails=list(self.emails),
            lifecycle=self.lifecycle.value,
        )


@dataclass(frozen=True, kw_only=True)
class ContactFilter:
    """What a contact list is asked for; every field given must match (a name prefix for `q`, the E.164 form
    for `phone`, one of the contact's tags for `tag`)."""

    q: str | None = None
    phone: str | None = None
    kind: ContactKind | None = None
    lifecycle: Lifecycle | None = None
    owner_id: str | None = None
    tag: str | None = None
    parent_id: str | None = None
    employer_id: str | None = None

    def matches(self, contact: Contact) -> bool:
        return (
            (self.q is None or name_key(contact.display_name).startswith(name_key(self.q)))
            and (self.phone is None or self.phone in contact.phones)
            and (self.kind is None or contact.kind == self.kind)
            and (self.lifecycle is None or contact.lifecycle == self.lifecycle)
            and (self.owner_id is None or contact.owner_id == self.owner_id)
            and (self.tag is None or self.tag in contact.tags)
            and (self.parent_id is None or contact.parent_id == self.parent_id)
            and (self.employer_id is None or contact.employer_id == self.employer_id)
        )
