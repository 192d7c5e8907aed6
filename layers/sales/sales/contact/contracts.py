"""The contact operations: create, read, list, update, delete and restore, with hierarchy links and list filters."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.contact import use_cases as use
from sales.contact import views as m
from sales.deal.views import DealView

_OWNERS = ("@sales-contacts",)
_ID = {"id": "contact_id"}
NOT_FOUND = ErrorCase("CONTACT_NOT_FOUND", 404, "no live contact has this id")
MERGED = ErrorCase("CONTACT_MERGED", 404, "the contact was merged into another; details name it (merged_into)")
DUPLICATE = ErrorCase("DUPLICATE_CONTACT", 409, "a live contact already has one of the emails")
INVALID_REFERENCE = ErrorCase(
    "INVALID_REFERENCE", 422, "a hierarchy link names no live contact of the kind it points to"
)
CYCLE = ErrorCase("CYCLE", 409, "the hierarchy link would put the contact above itself")
TOO_DEEP = ErrorCase("HIERARCHY_TOO_DEEP", 409, "the hierarchy above the linked contact is deeper than 10 levels")
_LINK_RULES = (
    "Hierarchy links point up: an organization's parent_id names its group organization, a person's employer_id "
    "an organization and manager_id a person; a link never closes a cycle."
)
ACME = {
    "kind": "organization",
    "display_name": "Acme Devices GmbH",
    "emails": ["sales@acme.example"],
    "phones": ["+49 30 1234567"],
}

CREATE = Contract(
    key="sales.contact.create",
    version="1.0.0",
    kind="command",
    description="Create a contact (organization or person).",
    goal="Record someone Sales deals with, before any deal exists.",
    context="Emails are unique across live contacts; phones are stored as E.164. " + _LINK_RULES,
    http=Http("POST", "/sales/contacts", 201),
    use_case=use.create_contact,
    layers=("phones",),
    input=m.CreateContactInput,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact",),
    emits=(Emits("contact.created", "1.0.0", "the contact is stored"),),
    errors=(DUPLICATE, INVALID_REFERENCE, CYCLE, TOO_DEEP),
    scenarios=(
        Scenario("create-contact", ("No contact uses the email",), ("A rep creates one",), ("lifecycle prospect",)),
        Scenario(
            "create-employee",
            ("A live organization",),
            ("A rep creates a person employed by it, with a national phone number and a country",),
            ("The person links to the organization", "The phone is stored as E.164"),
        ),
        Scenario(
            "employer-of-the-wrong-kind",
            ("A live person",),
            ("A rep creates a person whose employer is that person",),
            ("422 INVALID_REFERENCE on employer_id and nothing is stored",),
        ),
        Scenario(
            "duplicate-email",
            ("A live contact has the email",),
            ("A rep creates another with it",),
            ("409 DUPLICATE_CONTACT naming the existing id",),
        ),
    ),
    examples=(
        Example(
            "create-organization",
            ACME,
            {"kind": "organization", "lifecycle": "prospect", "emails": ["sales@acme.example"]},
            201,
        ),
        Example(
            "create-person-camel",
            {"kind": "person", "displayName": "Ada Lovelace", "emails": ["Ada@Example.org"]},
            {"display_name": "Ada Lovelace", "emails": ["ada@example.org"]},
            201,
        ),
        Example(
            "duplicate",
            {"kind": "person", "display_name": "Twin", "emails": ["{contact.emails[0]}"]},
            None,
            409,
            setup=("contact",),
            error_code="DUPLICATE_CONTACT",
        ),
        Example(
            "create-employee",
            {
                "kind": "person",
                "display_name": "Grace Hopper",
                "employer_id": "{contact.id}",
                "phones": ["030 1234567"],
                "country": "DE",
                "website": "grace.example",
                "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
            },
            {"employer_id": "{contact.id}", "phones": ["+49301234567"], "website": "https://grace.example"},
            201,
            setup=("contact",),
        ),
        Example(
            "employer-is-a-person",
            {"kind": "person", "display_name": "Intern", "employer_id": "{employee.id}"},
            None,
            422,
            setup=("employee",),
            error_code="INVALID_REFERENCE",
        ),
    ),
)

GET = Contract(
    key="sales.contact.get",
    version="1.0.0",
    kind="query",
    description="Read one live contact.",
    goal="Show a contact.",
    context="ETag carries the version. A contact merged into another answers 404 CONTACT_MERGED, the other's id "
    "in details (merged_into).",
    http=Http("GET", "/sales/contacts/{id}", 200, _ID),
    use_case=use.get_contact,
    input=m.ContactRef,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact",),
    errors=(NOT_FOUND, MERGED),
    scenarios=(
        Scenario("get-contact", ("A contact",), ("Read it",), ("Its fields",)),
        Scenario(
            "get-merged",
            ("A contact merged into another",),
            ("Read it",),
            ("404 CONTACT_MERGED with details [{field: merged_into, message: <the survivor's id>}]",),
        ),
    ),
    examples=(
        Example("get", {"contact_id": "{contact.id}"}, {"id": "{contact.id}"}, setup=("contact",)),
        Example(
            "get-merged",
            {"contact_id": "{merged_contact.id}"},
            None,
            404,
            setup=("contact", "merged_contact"),
            error_code="CONTACT_MERGED",
        ),
        Example("get-bad-id", {"contact_id": "not-a-uuid"}, None, 400, error_code="VALIDATION_ERROR"),
    ),
)

LIST = Contract(
    key="sales.contact.list",
    version="1.0.0",
    kind="query",
    description="List live contacts by name, filtered by name prefix (q), exact email or phone, kind, lifecycle, "
    "owner, tag, parent organization or employer.",
    goal="Find a contact.",
    context="Sorted by display name; every filter given must match.",
    http=Http("GET", "/sales/contacts"),
    use_case=use.list_contacts,
    layers=("phones",),
    input=m.ContactListQuery,
    output=m.ContactView,
    paginated=True,
    owners=_OWNERS,
    tags=("contact", "search"),
    scenarios=(
        Scenario("search", ("Contacts Acme and Bolt",), ("Search q=ac",), ("Only Acme",)),
        Scenario(
            "employees",
            ("An organization with one employee and one subsidiary",),
            ("List by employer_id, then by parent_id",),
            ("The employee, then the subsidiary",),
        ),
    ),
    examples=(
        Example(
            "employees",
            {"employer_id": "{contact.id}"},
            {"__items__": [{"id": "{employee.id}"}], "__pagination__": {"total": 1}},
            setup=("employee",),
        ),
        Example(
            "subsidiaries",
            {"parent_id": "{contact.id}", "kind": "organization"},
            {"__items__": [{"id": "{subsidiary.id}"}], "__pagination__": {"total": 1}},
            setup=("subsidiary",),
        ),
        Example(
            "by-phone",
            {"phone": "+49 30 1234567"},
            {"__items__": [{"id": "{contact.id}"}]},
            setup=("contact",),
        ),
        Example(
            "search-prefix",
            {"q": "acme"},
            {"__items__": [{"display_name": "Acme Devices GmbH"}]},
            setup=("contact",),
        ),
        Example(
            "search-email",
            {"email": "SALES@acme.example"},
            {"__items__": [{"id": "{contact.id}"}]},
            setup=("contact",),
        ),
    ),
)

UPDATE = Contract(
    key="sales.contact.update",
    version="1.0.0",
    kind="command",
    description="Change some fields of a contact (absent fields stay; null clears an optional one).",
    goal="Keep contact data current.",
    context="Changing emails re-checks uniqueness. " + _LINK_RULES,
    http=Http("PATCH", "/sales/contacts/{id}", 200, _ID),
    use_case=use.update_contact,
    layers=("phones",),
    input=m.UpdateContactInput,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact",),
    emits=(Emits("contact.updated", "1.0.0", "the contact changed"),),
    errors=(NOT_FOUND, DUPLICATE, INVALID_REFERENCE, CYCLE, TOO_DEEP),
    scenarios=(
        Scenario("activate", ("A prospect",), ("Set lifecycle active",), ("lifecycle active",)),
        Scenario(
            "cycle",
            ("A group organization with a subsidiary under it",),
            ("A rep sets the group's parent to the subsidiary",),
            ("409 CYCLE on parent_id and nothing changes",),
        ),
    ),
    examples=(
        Example(
            "cycle",
            {"contact_id": "{contact.id}", "parent_id": "{subsidiary.id}"},
            None,
            409,
            setup=("subsidiary",),
            error_code="CYCLE",
        ),
        Example(
            "clear-employer",
            {"contact_id": "{employee.id}", "employer_id": None, "website": "https://ada.example"},
            {"employer_id": None, "website": "https://ada.example"},
            setup=("employee",),
        ),
        Example(
            "activate",
            {"contact_id": "{contact.id}", "lifecycle": "active"},
            {"lifecycle": "active"},
            setup=("contact",),
        ),
    ),
)

DELETE = Contract(
    key="sales.contact.delete",
    version="1.0.0",
    kind="command",
    description="Soft-delete a contact that has no live deals; its emails become free.",
    goal="Remove a contact created by mistake.",
    context="Deals must always reference a live contact.",
    http=Http("DELETE", "/sales/contacts/{id}", 204, _ID),
    use_case=use.delete_contact,
    input=m.ContactRef,
    owners=_OWNERS,
    tags=("contact",),
    emits=(Emits("contact.deleted", "1.0.0", "the contact was soft-deleted"),),
    errors=(NOT_FOUND, ErrorCase("CONTACT_HAS_DEALS", 409, "live deals still reference the contact")),
    scenarios=(Scenario("with-deals", ("A contact with a live deal",), ("Delete it",), ("409 CONTACT_HAS_DEALS",)),),
    examples=(
        Example("delete", {"contact_id": "{contact.id}"}, None, 204, setup=("contact",)),
        Example(
            "delete-with-deals",
            {"contact_id": "{contact.id}"},
            None,
            409,
            setup=("deal",),
            error_code="CONTACT_HAS_DEALS",
        ),
    ),
)

RESTORE = Contract(
    key="sales.contact.restore",
    version="1.0.0",
    kind="command",
    description="Bring back a soft-deleted contact (its emails must still be free).",
    goal="Undo a deletion.",
    context="Restoring a live contact changes nothing.",
    http=Http("POST", "/sales/contacts/{id}/restore", 200, _ID),
    use_case=use.restore_contact,
    input=m.ContactRef,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact",),
    emits=(Emits("contact.restored", "1.0.0", "a deleted contact came back"),),
    errors=(NOT_FOUND, DUPLICATE),
    scenarios=(Scenario("restore", ("A deleted contact",), ("Restore it",), ("It is found again",)),),
    examples=(
        Example(
            "restore",
            {"contact_id": "{deleted_contact.id}"},
            {"id": "{deleted_contact.id}"},
            setup=("deleted_contact",),
        ),
    ),
)

DEALS = Contract(
    key="sales.contact.deals",
    version="1.0.0",
    kind="query",
    description="List the live deals of a contact (as customer).",
    goal="See a customer's pipeline.",
    context="Served by the customer index, totals from the customer's counter.",
    http=Http("GET", "/sales/contacts/{id}/deals", 200, _ID),
    use_case=use.contact_deals,
    input=m.ContactDealsQuery,
    output=DealView,
    paginated=True,
    owners=_OWNERS,
    tags=("contact", "deal"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("customer-deals", ("A contact with one deal",), ("List its deals",), ("That deal",)),),
    examples=(Example("deals", {"contact_id": "{contact.id}"}, {"__items__": [{"id": "{deal.id}"}]}, setup=("deal",)),),
)

NETWORK = Contract(
    key="sales.contact.network",
    version="1.0.0",
    kind="query",
    description="The buying network around a contact: the contacts within `depth` steps over relationships and "
    "hierarchy links in both directions, and the links between them.",
    goal="See who around a customer matters: its group, its people, who influences and decides.",
    context="Breadth-first, nearest first; the contact is a node at distance 0 and counts toward `limit` "
    "(default 100, at most 500), which sets `truncated` when it leaves contacts out. Hierarchy links appear as "
    "edges of type parent, employer or manager from the contact to the one above it. Deleted contacts are not "
    "nodes. Reads one step per contact expanded and one batch per 100 contacts added, never the whole table.",
    http=Http("GET", "/sales/contacts/{id}/network", 200, _ID),
    use_case=use.contact_network,
    input=m.NetworkQuery,
    output=m.NetworkView,
    owners=_OWNERS,
    tags=("contact", "network"),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "people-of-a-customer",
            ("An organization with an employee who is decision maker for it",),
            ("Read the organization's network at depth 1",),
            ("The organization at distance 0 and the employee at distance 1", "An employer edge and the relationship"),
        ),
    ),
    examples=(
        Example(
            "depth-one",
            {"contact_id": "{relationship.to_id}"},
            {"root_id": "{relationship.to_id}", "depth": 1, "truncated": False},
            setup=("relationship",),
        ),
        Example(
            "limit-one",
            {"contact_id": "{contact.id}", "limit": 1},
            {"truncated": True},
            setup=("employee",),
        ),
    ),
)

CONVERT = Contract(
    key="sales.contact.convert",
    version="1.0.0",
    kind="command",
    description="Ask for the contact to become a tenant or an application user; Federation creates it and the "
    "conversion bridge then sets the contact's bridge.",
    goal="Turn a customer into a tenant, or a person into an application user, without Sales knowing Federation.",
    context="Accepted (202) with conversion status pending; once Federation reports the creation, the contact "
    "carries bridge {kind, id, bridged_at} and conversion status done. One conversion per contact.",
    http=Http("POST", "/sales/contacts/{id}/convert", 202, _ID),
    use_case=use.convert_contact,
    input=m.ConvertContactInput,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact", "conversion"),
    emits=(Emits("contact.conversion_requested", "1.0.0", "the conversion is asked for"),),
    errors=(
        NOT_FOUND,
        ErrorCase("CONVERSION_ALREADY_REQUESTED", 409, "a conversion of the contact is pending or done"),
    ),
    scenarios=(
        Scenario(
            "convert-customer",
            ("A live organization never converted",),
            ("A rep asks for it to become a tenant",),
            ("202 with conversion pending", "contact.conversion_requested is emitted"),
        ),
        Scenario(
            "convert-twice",
            ("A conversion of the contact is pending",),
            ("A rep asks again",),
            ("409 CONVERSION_ALREADY_REQUESTED",),
        ),
    ),
    examples=(
        Example(
            "to-tenant",
            {"contact_id": "{contact.id}", "target": "tenant"},
            {"conversion": {"target": "tenant", "status": "pending"}, "bridge": None},
            202,
            setup=("contact",),
        ),
        Example(
            "twice",
            {"contact_id": "{converted_contact.id}", "target": "tenant"},
            None,
            409,
            setup=("converted_contact",),
            error_code="CONVERSION_ALREADY_REQUESTED",
        ),
    ),
)

MERGE = Contract(
    key="sales.contact.merge",
    version="1.0.0",
    kind="command",
    description="Merge a duplicate into this contact: it absorbs the duplicate's emails, phones, tags and the "
    "fields it leaves empty; the duplicate's deals, relationships and linked contacts are re-pointed to it in "
    "the background.",
    goal="Keep one record per customer when the same organization or person was entered twice.",
    context="Both contacts are live and of the same kind, and neither is absorbing another merge. The duplicate "
    "answers 404 CONTACT_MERGED (details: merged_into) from then on; the survivor shows merge_status pending "
    "until every record naming the duplicate names it instead, then done. At most one of the two may have a "
    "conversion. Merging the same duplicate again answers as the first merge did.",
    http=Http("POST", "/sales/contacts/{id}/merge", 200, _ID),
    use_case=use.merge_contacts,
    input=m.MergeContactsInput,
    output=m.ContactView,
    owners=_OWNERS,
    tags=("contact", "merge"),
    emits=(Emits("contact.merged", "1.0.0", "the duplicate is merged; its records are re-pointed next"),),
    errors=(
        NOT_FOUND,
        MERGED,
        ErrorCase("INVALID_REFERENCE", 422, "duplicate_id names no live contact"),
        ErrorCase("KIND_MISMATCH", 409, "the two contacts are of different kinds"),
        ErrorCase("MERGE_PENDING", 409, "one of the contacts is still absorbing an earlier merge"),
        ErrorCase("MERGE_TOO_LARGE", 409, "together they would have more emails, phones or tags than one may"),
        ErrorCase("TOO_MANY_RELATIONSHIPS", 409, "together they would have more than 200 relationships"),
        ErrorCase("CONVERSION_CONFLICT", 409, "both contacts have a conversion"),
        ErrorCase("DUPLICATE_CONTACT", 409, "an email of the survivor's is taken in the meantime"),
    ),
    scenarios=(
        Scenario(
            "merge-duplicate",
            ("Two live organizations for the same company, the duplicate with its own email and deals",),
            ("A rep merges the duplicate into the other",),
            (
                "200 with the survivor holding both emails and merge_status pending",
                "contact.merged is emitted",
                "The duplicate answers 404 CONTACT_MERGED naming the survivor",
                "The merge worker re-points the duplicate's deals and relationships, then merge_status is done",
            ),
        ),
        Scenario(
            "merge-person-into-organization",
            ("A live organization and a live person",),
            ("A rep merges the person into the organization",),
            ("409 KIND_MISMATCH and nothing changes",),
        ),
    ),
    examples=(
        Example(
            "merge",
            {"contact_id": "{contact.id}", "duplicate_id": "{duplicate_contact.id}"},
            {
                "id": "{contact.id}",
                "emails": ["sales@acme.example", "info@acme-devices.example"],
                "merge_status": "pending",
            },
            setup=("contact", "duplicate_contact"),
        ),
        Example(
            "into-a-person",
            {"contact_id": "{contact.id}", "duplicate_id": "{employee.id}"},
            None,
            409,
            setup=("contact", "employee"),
            error_code="KIND_MISMATCH",
        ),
        Example(
            "merged-already-elsewhere",
            {"contact_id": "{merged_contact.id}", "duplicate_id": "{contact.id}"},
            None,
            404,
            setup=("contact", "merged_contact"),
            error_code="CONTACT_MERGED",
        ),
    ),
)

DUPLICATES = Contract(
    key="sales.contact.duplicates",
    version="1.0.0",
    kind="query",
    description="Likely duplicates of a live contact, each with its reasons: the same E.164 phone, the same "
    "email or website domain (free-mail domains ignored), or the same casefolded name.",
    goal="Find the records a merge should fold together.",
    context="At most 25 contacts per phone, domain or name; most reasons first.",
    http=Http("GET", "/sales/contacts/{id}/duplicates", 200, _ID),
    use_case=use.contact_duplicates,
    input=m.ContactRef,
    output=m.DuplicatesView,
    owners=_OWNERS,
    tags=("contact", "duplicates"),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "same-domain-and-phone",
            ("Two organizations with the same phone and email domain",),
            ("Ask for one's duplicates",),
            ("The other, with reasons same_domain and same_phone",),
        ),
    ),
    examples=(
        Example(
            "same-name",
            {"contact_id": "{contact.id}"},
            {"contact_id": "{contact.id}", "candidates": []},
            setup=("contact",),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    CREATE,
    GET,
    LIST,
    UPDATE,
    DELETE,
    RESTORE,
    DEALS,
    NETWORK,
    CONVERT,
    DUPLICATES,
    MERGE,
)
