"""Edge models of the contact operations: inputs and views."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, LooseId, Output, QueryInput, ShortText, Tag, Text
from sales.contact.model import Contact, ContactKind, ConversionTarget, Lifecycle, normalize_email
from sales.contact.network import MAX_DEPTH, MAX_LIMIT, Network

# A searched address is normalized as a stored one is (sales.contact.model.normalize_email), so any spelling
# of a stored address finds it; one that is no email address at all is a 400 on `email`, never echoed.
# Addresses in bodies are left to the Contact aggregate, which names the failing one as emails[i].
EmailQuery = Annotated[str, AfterValidator(normalize_email)]


class ContactRef(Input):
    contact_id: Id


_REGION = "ISO 3166-1 alpha-2 country whose national numbers `phones` may be written as (default: `country`)"
_LINK = "hierarchy link; null clears it"


class AddressInput(Input):
    line1: ShortText | None = None
    line2: ShortText | None = None
    city: ShortText | None = None
    postal_code: ShortText | None = None
    region: ShortText | None = None
    country: ShortText | None = Field(default=None, description="ISO 3166-1 alpha-2")


class CreateContactInput(Input):
    kind: ContactKind
    display_name: ShortText = Field(min_length=1)
    emails: list[ShortText] = Field(default_factory=list, max_length=10)
    phones: list[ShortText] = Field(
        default_factory=list, max_length=10, description="stored as E.164; national numbers need a region"
    )
    default_region: ShortText | None = Field(default=None, description=_REGION)
    owner_id: LooseId | None = Field(default=None, description="defaults to the caller")
    lifecycle: Lifecycle = Lifecycle.PROSPECT
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    website: Text | None = Field(default=None, description="http(s) address; https:// is assumed when absent")
    country: ShortText | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. DE")
    address: AddressInput | None = None
    parent_id: Id | None = Field(default=None, description="organizations: the group organization above it")
    employer_id: Id | None = Field(default=None, description="persons: the organization they work for")
    manager_id: Id | None = Field(default=None, description="persons: the person they report to")


class UpdateContactInput(ContactRef):
    display_name: ShortText | None = Field(default=None, min_length=1)
    emails: list[ShortText] | None = Field(default=None, max_length=10)
    phones: list[ShortText] | None = Field(default=None, max_length=10)
    default_region: ShortText | None = Field(default=None, description=_REGION)
    owner_id: LooseId | None = None
    lifecycle: Lifecycle | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    website: Text | None = Field(default=None, description="null clears it")
    country: ShortText | None = Field(default=None, description="null clears it")
    address: AddressInput | None = Field(default=None, description="replaces the whole address; null clears it")
    parent_id: Id | None = Field(default=None, description=_LINK)
    employer_id: Id | None = Field(default=None, description=_LINK)
    manager_id: Id | None = Field(default=None, description=_LINK)


class ContactListQuery(ListQuery):
    q: str | None = Field(default=None, min_length=1, max_length=200, description="display-name prefix")
    email: EmailQuery | None = Field(
        default=None,
        min_length=3,
        max_length=254,
        description="exact email; matched as stored, whatever its case, Unicode form, invisible characters or "
        "trailing dot of the domain",
    )
    phone: str | None = Field(
        default=None, min_length=1, max_length=40, description="a phone number, matched in its E.164 form"
    )
    default_region: str | None = Field(
        default=None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 to read a national `phone` in"
    )
    kind: ContactKind | None = None
    lifecycle: Lifecycle | None = None
    owner_id: LooseId | None = None
    tag: Tag | None = None
    parent_id: Id | None = Field(default=None, description="organizations directly under this one")
    employer_id: Id | None = Field(default=None, description="persons employed by this organization")


class ConvertContactInput(ContactRef):
    target: ConversionTarget = Field(description="what Federation is asked to create for the contact")


class MergeContactsInput(ContactRef):
    duplicate_id: Id = Field(description="the contact merged into this one; it answers 404 CONTACT_MERGED after")


class ContactDealsQuery(ListQuery):
    contact_id: Id


class AddressView(Output):
    line1: str | None
    line2: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None


class ContactView(Output):
    id: str
    kind: ContactKind
    display_name: str
    emails: list[str]
    phones: list[str]
    owner_id: str
    lifecycle: Lifecycle
    tags: list[str]
    website: str | None
    country: str | None
    address: AddressView | None
    parent_id: str | None
    employer_id: str | None
    manager_id: str | None
    conversion: dict[str, Any] | None = Field(description="{target, status: pending|done, requested_at} once asked")
    bridge: dict[str, Any] | None = Field(description="{kind: tenant|application_user, id, bridged_at} once bridged")
    merge_status: Literal["pending", "done"] | None = Field(
        description="after a merge into this contact: pending while the duplicate's records are re-pointed here"
    )
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
            website=contact.website,
            country=contact.country,
            address=AddressView(**contact.address.as_dict()) if contact.address else None,
            parent_id=contact.parent_id,
            employer_id=contact.employer_id,
            manager_id=contact.manager_id,
            conversion=contact.conversion,
            bridge=contact.bridge,
            merge_status=contact.merge_status,
            version=contact.version,
            created_at=to_rfc3339(contact.created_at),
            updated_at=to_rfc3339(contact.updated_at),
        )


class NetworkQuery(QueryInput):
    contact_id: Id
    depth: int = Field(default=1, ge=1, le=MAX_DEPTH, description="steps from the contact, 1 to 3")
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT, description="most contacts returned, the contact included")


class NetworkNode(Output):
    id: str
    kind: ContactKind
    display_name: str
    distance: int


class NetworkEdge(Output):
    from_id: str
    to_id: str
    type: str = Field(description="a relationship type, or parent, employer or manager for hierarchy links")
    label: str | None


class NetworkView(Output):
    root_id: str
    depth: int
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool

    @classmethod
    def of(cls, network: Network) -> NetworkView:
        return cls(
            root_id=network.root.id,
            depth=network.depth,
            nodes=[
                NetworkNode(id=contact.id, kind=contact.kind, display_name=contact.display_name, distance=distance)
                for contact, distance in network.nodes.values()
            ],
            edges=[
                NetworkEdge(from_id=link.from_id, to_id=link.to_id, type=link.type, label=link.label)
                for link in network.links.values()
            ],
            truncated=network.truncated,
        )


class LookAlike(Output):
    contact: ContactView
    reasons: list[str] = Field(description="same_phone, same_domain (of an email or the website), same_name")


class DuplicatesView(Output):
    contact_id: str
    candidates: list[LookAlike] = Field(description="most reasons first, then by name")
