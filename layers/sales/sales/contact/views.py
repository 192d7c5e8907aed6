"""Edge models of the contact operations: inputs and views."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, LooseId, Output, ShortText, Tag
from sales.contact.model import Contact, ContactKind, Lifecycle, normalize_email

# A searched address is normalized as a stored one is (sales.contact.model.normalize_email), so any spelling
# of a stored address finds it; one that is no email address at all is a 400 on `email`, never echoed.
# Addresses in bodies are left to the Contact aggregate, which names the failing one as emails[i].
EmailQuery = Annotated[str, AfterValidator(normalize_email)]


class ContactRef(Input):
    contact_id: Id


class CreateContactInput(Input):
    kind: ContactKind
    display_name: ShortText = Field(min_length=1)
    emails: list[ShortText] = Field(default_factory=list, max_length=10)
    phones: list[ShortText] = Field(default_factory=list, max_length=10)
    owner_id: LooseId | None = Field(default=None, description="defaults to the caller")
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class UpdateContactInput(ContactRef):
    display_name: ShortText | None = Field(default=None, min_length=1)
    emails: list[ShortText] | None = Field(default=None, max_length=10)
    phones: list[ShortText] | None = Field(default=None, max_length=10)
    owner_id: LooseId | None = None
    lifecycle: Lifecycle | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)


class ContactListQuery(ListQuery):
    q: str | None = Field(default=None, min_length=1, max_length=200, description="display-name prefix")
    email: EmailQuery | None = Field(
        default=None,
        min_length=3,
        max_length=254,
        description="exact email; matched as stored, whatever its case, Unicode form, invisible characters or "
        "trailing dot of the domain",
    )


class ContactDealsQuery(ListQuery):
    contact_id: Id


class ContactView(Output):
    id: str
    kind: ContactKind
    display_name: str
    emails: list[str]
    phones: list[str]
    owner_id: str
    lifecycle: Lifecycle
    tags: list[str]
    bridge: dict[str, Any] | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, contact: Contact) -> ContactView:
        return cls(
            id=contact.id,
            kind=contact.kind,
            display_name=contact.display_name,
            emails=list(contact.emails),
            phones=list(contact.phones),
            owner_id=contact.owner_id,
            lifecycle=contact.lifecycle,
            tags=list(contact.tags),
            bridge=contact.bridge,
            version=contact.version,
            created_at=to_rfc3339(contact.created_at),
            updated_at=to_rfc3339(contact.updated_at),
        )
