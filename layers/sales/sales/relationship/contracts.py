"""The relationship operations: typed links between contacts of the buying network."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.relationship import use_cases as use
from sales.relationship import views as m

_OWNERS = ("@sales-contacts",)
_PATH = "/sales/contacts/{id}/relationships"
_ID = {"id": "contact_id"}
CONTACT_NOT_FOUND = ErrorCase("CONTACT_NOT_FOUND", 404, "no live contact has the path's id")
NOT_FOUND = ErrorCase("RELATIONSHIP_NOT_FOUND", 404, "the contact has no live relationship with this id")
DECISION_MAKER = {"contact_id": "{employee.id}", "to_id": "{contact.id}", "type": "decision_maker_for"}

CREATE = Contract(
    key="sales.relationship.create",
    version="1.0.0",
    kind="command",
    description="Link the contact to another one by a typed relationship (from the path's contact to `to_id`).",
    goal="Record who influences, decides for, supplies or buys from whom in the buying network.",
    context="Types: colleague, reports_to, influences, decision_maker_for, partner_of, supplier_of, customer_of, "
    "other (with a label). Two different live contacts; one relationship per (from, to, type); at most 200 per "
    "contact.",
    http=Http("POST", _PATH, 201, _ID),
    use_case=use.create_relationship,
    input=m.CreateRelationshipInput,
    output=m.RelationshipView,
    owners=_OWNERS,
    tags=("contact", "relationship"),
    emits=(Emits("relationship.created", "1.0.0", "the relationship is stored"),),
    errors=(
        CONTACT_NOT_FOUND,
        ErrorCase("INVALID_REFERENCE", 422, "to_id is not a live contact"),
        ErrorCase("DUPLICATE_RELATIONSHIP", 409, "the two contacts already have a relationship of this type"),
        ErrorCase("TOO_MANY_RELATIONSHIPS", 409, "one of the contacts already has 200 relationships"),
    ),
    scenarios=(
        Scenario(
            "decision-maker",
            ("A person employed by a customer",),
            ("A rep records the person as decision maker for the customer",),
            ("The relationship is stored from the person to the customer", "relationship.created is emitted"),
        ),
        Scenario(
            "duplicate",
            ("The relationship exists",),
            ("A rep records it again",),
            ("409 DUPLICATE_RELATIONSHIP naming the existing one",),
        ),
    ),
    examples=(
        Example(
            "decision-maker",
            DECISION_MAKER,
            {"from_id": "{employee.id}", "to_id": "{contact.id}", "type": "decision_maker_for", "label": None},
            201,
            setup=("employee",),
        ),
        Example(
            "other-with-label",
            {"contact_id": "{employee.id}", "to_id": "{contact.id}", "type": "other", "label": "former advisor"},
            {"type": "other", "label": "former advisor"},
            201,
            setup=("employee",),
        ),
        Example(
            "duplicate",
            {"contact_id": "{relationship.from_id}", "to_id": "{relationship.to_id}", "type": "decision_maker_for"},
            None,
            409,
            setup=("relationship",),
            error_code="DUPLICATE_RELATIONSHIP",
        ),
        Example(
            "to-a-deleted-contact",
            {"contact_id": "{contact.id}", "to_id": "{deleted_contact.id}", "type": "partner_of"},
            None,
            422,
            setup=("contact", "deleted_contact"),
            error_code="INVALID_REFERENCE",
        ),
    ),
)

LIST = Contract(
    key="sales.relationship.list",
    version="1.0.0",
    kind="query",
    description="List the contact's relationships in both directions, oldest first.",
    goal="See a contact's place in the buying network.",
    context="Each with direction outgoing (from this contact) or incoming; a relationship whose other contact "
    "is deleted is hidden until that contact is restored.",
    http=Http("GET", _PATH, 200, _ID),
    use_case=use.list_relationships,
    input=m.RelationshipsQuery,
    output=m.ContactRelationshipView,
    paginated=True,
    owners=_OWNERS,
    tags=("contact", "relationship"),
    errors=(CONTACT_NOT_FOUND,),
    scenarios=(
        Scenario(
            "both-directions",
            ("A person is decision maker for a customer",),
            ("List the customer's relationships",),
            ("The relationship, incoming",),
        ),
    ),
    examples=(
        Example(
            "incoming",
            {"contact_id": "{relationship.to_id}"},
            {"__items__": [{"id": "{relationship.id}", "direction": "incoming"}], "__pagination__": {"total": 1}},
            setup=("relationship",),
        ),
        Example(
            "unknown-contact",
            {"contact_id": "{deleted_contact.id}"},
            None,
            404,
            setup=("deleted_contact",),
            error_code="CONTACT_NOT_FOUND",
        ),
    ),
)

DELETE = Contract(
    key="sales.relationship.delete",
    version="1.0.0",
    kind="command",
    description="Remove one of the contact's relationships (either end may).",
    goal="Correct the buying network.",
    context="The pair may be linked with the same type again afterwards.",
    http=Http("DELETE", _PATH + "/{relationship_id}", 204, {**_ID, "relationship_id": "relationship_id"}),
    use_case=use.delete_relationship,
    input=m.RelationshipRef,
    owners=_OWNERS,
    tags=("contact", "relationship"),
    emits=(Emits("relationship.deleted", "1.0.0", "the relationship was removed"),),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("remove", ("A relationship",), ("Delete it from either end",), ("It is no longer listed",)),),
    examples=(
        Example(
            "delete",
            {"contact_id": "{relationship.to_id}", "relationship_id": "{relationship.id}"},
            None,
            204,
            setup=("relationship",),
        ),
        Example(
            "not-this-contacts",
            {"contact_id": "{contact.id}", "relationship_id": "{deal.id}"},
            None,
            404,
            setup=("deal",),
            error_code="RELATIONSHIP_NOT_FOUND",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (CREATE, LIST, DELETE)
