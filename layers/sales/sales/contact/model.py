"""The Contact aggregate: anyone Sales deals with, organization or person (the slice deals need so far).

Email addresses are unique across live contacts; the store enforces that with one claim item per
address, so the aggregate only normalizes and validates them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kernel.aggregate import AggregateRoot
from kernel.errors import FieldIssue, ValidationFailed
from kernel.ids import new_id
from sales.contact.events import ContactCreated, ContactDeleted, ContactRestored, ContactSnapshot, ContactUpdated

DISPLAY_NAME_MAX = 200
EMAILS_MAX = 10
PHONES_MAX = 10
TAGS_MAX = 20
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{3,32}$")


class ContactKind(StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"


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


def _phones(phones: list[str]) -> list[str]:
    cleaned: list[str] = []
    for index, phone in enumerate(phones):
        number = phone.strip()
        if not PHONE_RE.match(number):
            raise ValidationFailed(
                f"phones[{index}] is not a phone number", [FieldIssue(f"phones[{index}]", "not a phone number")]
            )
        if number not in cleaned:
            cleaned.append(number)
    if len(cleaned) > PHONES_MAX:
        raise ValidationFailed(f"at most {PHONES_MAX} phones", [FieldIssue("phones", f"at most {PHONES_MAX}")])
    return cleaned


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
    # Set by the conversion bridge only: {"tenant_id"|"application_user_id", "bridged_at"}.
    bridge: dict[str, Any] | None = None

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
        lifecycle: Lifecycle = Lifecycle.PROSPECT,
        tags: list[str] | None = None,
    ) -> Contact:
        contact = cls(
            id=new_id(),
            kind=kind,
            display_name=_display_name(display_name),
            owner_id=owner_id,
            emails=_emails(emails or []),
            phones=_phones(phones or []),
            lifecycle=lifecycle,
            tags=_tags(tags or []),
            created_at=now,
            updated_at=now,
        )
        contact.record(contact._snapshot(ContactCreated))
        return contact

    def update(
        self,
        *,
        now: datetime,
        display_name: str | None = None,
        emails: list[str] | None = None,
        phones: list[str] | None = None,
        owner_id: str | None = None,
        lifecycle: Lifecycle | None = None,
        tags: list[str] | None = None,
    ) -> None:
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = _display_name(display_name)
        if emails is not None:
            changes["emails"] = _emails(emails)
        if phones is not None:
            changes["phones"] = _phones(phones)
        if owner_id is not None:
            changes["owner_id"] = owner_id
        if lifecycle is not None:
            changes["lifecycle"] = lifecycle
        if tags is not None:
            changes["tags"] = _tags(tags)
        changes = {field_name: value for field_name, value in changes.items() if getattr(self, field_name) != value}
        if not changes:
            return  # an empty or unchanged PATCH stores nothing and emits nothing
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        self.touch(now)
        self.record(self._snapshot(ContactUpdated))

    def delete(self, *, now: datetime) -> None:
        self.deleted_at = now
        self.touch(now)
        self.record(ContactDeleted(contact_id=self.id))

    def restore(self, *, now: datetime) -> None:
        self.deleted_at = None
        self.touch(now)
        self.record(ContactRestored(contact_id=self.id))

    def _snapshot(self, event: type[ContactSnapshot]) -> ContactSnapshot:
        return event(
            contact_id=self.id,
            kind=self.kind.value,
            display_name=self.display_name,
            owner_id=self.owner_id,
            emails=list(self.emails),
            lifecycle=self.lifecycle.value,
        )
