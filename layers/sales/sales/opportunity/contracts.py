"""The opportunity operations: open, read, list, change, variants (add, replace, remove), compare, validate,
confirm into a deal, decline."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.deal.views import DealView
from sales.opportunity import use_cases as use
from sales.opportunity import views as m

_OWNERS = ("@sales-funnel",)
_ID = {"id": "opportunity_id"}
_VARIANT_ID = {"id": "opportunity_id", "variant_id": "variant_id"}
NOT_FOUND = ErrorCase("OPPORTUNITY_NOT_FOUND", 404, "no opportunity has this id")
VARIANT_NOT_FOUND = ErrorCase("VARIANT_NOT_FOUND", 404, "the opportunity has no variant with this id")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the opportunity's status does not allow it; details name the current status"
)
_STATUSES = (
    "Status runs exploring -> solutioning (first variant) -> validated -> confirmed, or declined (with a reason) "
    "from any open status. Variants change only before validation."
)
_PRICING = (
    "Per line: quantity x unit_price, the discount (0-100 %, two decimals) rounded half to even to the minor "
    "unit; totals are integer minor units of the variant's currency."
)
DEVICES = {"description": "Device", "product_code": "DEV-1", "quantity": 40, "unit_price": 19900}
STANDARD = {"name": "Standard", "currency": "EUR", "lines": [DEVICES]}

CREATE = Contract(
    key="sales.opportunity.create",
    version="1.0.0",
    kind="command",
    description="Open an opportunity for a live contact (a lead's conversion opens one too).",
    goal="Work out an offer with a customer.",
    context=_STATUSES,
    http=Http("POST", "/sales/opportunities", 201),
    use_case=use.create_opportunity,
    input=m.CreateOpportunityInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "funnel"),
    emits=(Emits("opportunity.created", "1.0.0", "the opportunity is stored"),),
    errors=(ErrorCase("INVALID_REFERENCE", 422, "customer_id names no live contact"),),
    scenarios=(Scenario("open", ("A live contact",), ("A rep opens an opportunity",), ("201, status exploring",)),),
    examples=(
        Example(
            "open",
            {"customer_id": "{contact.id}", "name": "Fleet renewal"},
            {"status": "exploring", "variants": []},
            201,
            setup=("contact",),
        ),
        Example(
            "deleted-customer",
            {"customer_id": "{deleted_contact.id}", "name": "Fleet renewal"},
            None,
            422,
            setup=("deleted_contact",),
            error_code="INVALID_REFERENCE",
        ),
    ),
)

GET = Contract(
    key="sales.opportunity.get",
    version="1.0.0",
    kind="query",
    description="Read one opportunity with its variants and their totals.",
    goal="Show an opportunity.",
    context="ETag carries the version. " + _PRICING,
    http=Http("GET", "/sales/opportunities/{id}", 200, _ID),
    use_case=use.get_opportunity,
    input=m.OpportunityRef,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "funnel"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get", ("An opportunity",), ("Read it",), ("Its fields and variants",)),),
    examples=(
        Example("get", {"opportunity_id": "{opportunity.id}"}, {"id": "{opportunity.id}"}, setup=("opportunity",)),
    ),
)

LIST = Contract(
    key="sales.opportunity.list",
    version="1.0.0",
    kind="query",
    description="List opportunities, newest first, by status, owner or customer.",
    goal="Work the offers in progress.",
    context="Every filter given must match.",
    http=Http("GET", "/sales/opportunities"),
    use_case=use.list_opportunities,
    input=m.OpportunityListQuery,
    output=m.OpportunityView,
    paginated=True,
    owners=_OWNERS,
    tags=("opportunity", "funnel"),
    scenarios=(Scenario("list", ("An opportunity",), ("List exploring ones",), ("It is listed",)),),
    examples=(
        Example("list", {}, {"__pagination__": {"page_size": 20}}, setup=("opportunity",)),
        Example(
            "list-exploring", {"status": "exploring"}, {"__pagination__": {"page_size": 20}}, setup=("opportunity",)
        ),
    ),
)

UPDATE = Contract(
    key="sales.opportunity.update",
    version="1.0.0",
    kind="command",
    description="Rename an open opportunity or give it another owner.",
    goal="Keep the opportunity's description current.",
    context=_STATUSES,
    http=Http("PATCH", "/sales/opportunities/{id}", 200, _ID),
    use_case=use.update_opportunity,
    input=m.UpdateOpportunityInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "funnel"),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(Scenario("rename", ("An open opportunity",), ("A rep renames it",), ("The name is stored",)),),
    examples=(
        Example(
            "rename",
            {"opportunity_id": "{opportunity.id}", "name": "Fleet renewal 2027"},
            {"name": "Fleet renewal 2027"},
            setup=("opportunity",),
        ),
    ),
)

ADD_VARIANT = Contract(
    key="sales.opportunity.add_variant",
    version="1.0.0",
    kind="command",
    description="Add a priced variant of the offer (at most 10); the first moves the opportunity to solutioning.",
    goal="Put comparable offers side by side.",
    context=_PRICING + " " + _STATUSES,
    http=Http("POST", "/sales/opportunities/{id}/variants", 201, _ID),
    use_case=use.add_variant,
    input=m.VariantInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "variant"),
    errors=(
        NOT_FOUND,
        INVALID_TRANSITION,
        ErrorCase("VARIANT_LIMIT", 409, "the opportunity has 10 variants already"),
    ),
    scenarios=(
        Scenario(
            "first-variant",
            ("An exploring opportunity",),
            ("A rep adds 40 devices at 199.00 EUR with 12.5 % off",),
            ("201, status solutioning, the variant's totals exact in cents",),
        ),
        Scenario("eleventh", ("An opportunity with 10 variants",), ("A rep adds one",), ("409 VARIANT_LIMIT",)),
    ),
    examples=(
        Example(
            "add",
            {"opportunity_id": "{opportunity.id}", **STANDARD, "lines": [{**DEVICES, "discount_percent": "12.5"}]},
            {"status": "solutioning"},
            201,
            setup=("opportunity",),
        ),
        Example(
            "add-to-validated",
            {"opportunity_id": "{validated_opportunity.id}", **STANDARD},
            None,
            409,
            setup=("validated_opportunity",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

REPLACE_VARIANT = Contract(
    key="sales.opportunity.replace_variant",
    version="1.0.0",
    kind="command",
    description="Replace a variant's name, currency, lines and notes (before validation only).",
    goal="Rework one offer without losing its place.",
    context=_PRICING + " " + _STATUSES,
    http=Http("PUT", "/sales/opportunities/{id}/variants/{variant_id}", 200, _VARIANT_ID),
    use_case=use.replace_variant,
    input=m.ReplaceVariantInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "variant"),
    errors=(NOT_FOUND, VARIANT_NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario("rework", ("A solutioning opportunity",), ("A rep changes a variant's quantity",), ("New totals",)),
    ),
    examples=(
        Example(
            "rework",
            {
                "opportunity_id": "{solutioning_opportunity.id}",
                "variant_id": "{solutioning_opportunity_variant.id}",
                **STANDARD,
                "lines": [{**DEVICES, "quantity": 50}],
            },
            {"status": "solutioning"},
            setup=("solutioning_opportunity",),
        ),
    ),
)

REMOVE_VARIANT = Contract(
    key="sales.opportunity.remove_variant",
    version="1.0.0",
    kind="command",
    description="Remove a variant (before validation only); removing the last one goes back to exploring.",
    goal="Drop an offer the customer will not take.",
    context=_STATUSES,
    http=Http("DELETE", "/sales/opportunities/{id}/variants/{variant_id}", 204, _VARIANT_ID),
    use_case=use.remove_variant,
    input=m.VariantRef,
    output=None,
    owners=_OWNERS,
    tags=("opportunity", "variant"),
    errors=(NOT_FOUND, VARIANT_NOT_FOUND, INVALID_TRANSITION),
    scenarios=(Scenario("drop", ("A solutioning opportunity",), ("A rep removes its variant",), ("204",)),),
    examples=(
        Example(
            "drop",
            {
                "opportunity_id": "{solutioning_opportunity.id}",
                "variant_id": "{solutioning_opportunity_variant.id}",
            },
            None,
            204,
            setup=("solutioning_opportunity",),
        ),
    ),
)

COMPARE = Contract(
    key="sales.opportunity.compare",
    version="1.0.0",
    kind="query",
    description="The variants side by side: totals, per-line differences and the cheapest per currency.",
    goal="Help the customer choose.",
    context="Lines match by product code, else description; a variant lacking a line shows null for it. "
    "Totals in different currencies are never compared with each other. " + _PRICING,
    http=Http("GET", "/sales/opportunities/{id}/compare", 200, _ID),
    use_case=use.compare_variants,
    input=m.OpportunityRef,
    output=m.ComparisonView,
    owners=_OWNERS,
    tags=("opportunity", "variant"),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "compare",
            ("Two EUR variants and one in USD",),
            ("Compare them",),
            ("The cheapest EUR variant and the USD one, each for its currency",),
        ),
    ),
    examples=(
        Example(
            "compare",
            {"opportunity_id": "{solutioning_opportunity.id}"},
            {"cheapest_by_currency": {"EUR": "{solutioning_opportunity_variant.id}"}},
            setup=("solutioning_opportunity",),
        ),
    ),
)

VALIDATE = Contract(
    key="sales.opportunity.validate",
    version="1.0.0",
    kind="command",
    description="Record the variant the customer chose; variants no longer change.",
    goal="Freeze the offer the customer agreed to.",
    context="From solutioning only. " + _STATUSES,
    http=Http("POST", "/sales/opportunities/{id}/validate", 200, _ID),
    use_case=use.validate_variant,
    input=m.ValidateInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "variant"),
    emits=(Emits("opportunity.validated", "1.0.0", "the variant is chosen"),),
    errors=(NOT_FOUND, VARIANT_NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario("validate", ("A solutioning opportunity",), ("The customer chooses a variant",), ("validated",)),
    ),
    examples=(
        Example(
            "validate",
            {
                "opportunity_id": "{solutioning_opportunity.id}",
                "variant_id": "{solutioning_opportunity_variant.id}",
            },
            {"status": "validated", "validated_variant_id": "{solutioning_opportunity_variant.id}"},
            setup=("solutioning_opportunity",),
        ),
    ),
)

CONFIRM = Contract(
    key="sales.opportunity.confirm",
    version="1.0.0",
    kind="command",
    description="Confirm a validated opportunity: the deal it becomes is created with the chosen variant's total, "
    "currency and lines.",
    goal="Turn the agreed offer into a deal in the pipeline.",
    context="From validated only. The opportunity and the deal are written in one transaction, so confirming "
    "twice, even at the same moment, opens one deal (the second is 409 INVALID_TRANSITION). The deal carries "
    "opportunity_id, variant_id and the lines frozen as they were.",
    http=Http("POST", "/sales/opportunities/{id}/confirm", 201, _ID),
    use_case=use.confirm_opportunity,
    input=m.ConfirmInput,
    output=DealView,
    owners=_OWNERS,
    tags=("opportunity", "deal"),
    emits=(
        Emits("opportunity.confirmed", "1.0.0", "the opportunity is confirmed"),
        Emits("deal.created", "1.0.0", "the deal is opened"),
    ),
    errors=(
        NOT_FOUND,
        INVALID_TRANSITION,
        ErrorCase("CUSTOMER_NOT_FOUND", 422, "the customer is no longer a live contact"),
    ),
    scenarios=(
        Scenario(
            "confirm",
            ("A validated opportunity, 40 devices at 199.00 EUR",),
            ("The customer confirms",),
            ("201 with the deal: value 796000 EUR, the lines, opportunity_id and variant_id",),
        ),
        Scenario("confirm-twice", ("A confirmed opportunity",), ("Confirm again",), ("409 INVALID_TRANSITION",)),
    ),
    examples=(
        Example(
            "confirm",
            {"opportunity_id": "{validated_opportunity.id}", "expected_close_date": "{future_date}"},
            {
                "value": 796000,
                "currency": "EUR",
                "opportunity_id": "{validated_opportunity.id}",
                "variant_id": "{validated_opportunity_variant.id}",
            },
            201,
            setup=("validated_opportunity",),
        ),
        Example(
            "confirm-twice",
            {"opportunity_id": "{confirmed_opportunity.id}", "expected_close_date": "{future_date}"},
            None,
            409,
            setup=("confirmed_opportunity",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

DECLINE = Contract(
    key="sales.opportunity.decline",
    version="1.0.0",
    kind="command",
    description="Decline an open opportunity, with the reason.",
    goal="Close an offer the customer will not take.",
    context=_STATUSES,
    http=Http("POST", "/sales/opportunities/{id}/decline", 200, _ID),
    use_case=use.decline_opportunity,
    input=m.DeclineInput,
    output=m.OpportunityView,
    owners=_OWNERS,
    tags=("opportunity", "funnel"),
    emits=(Emits("opportunity.declined", "1.0.0", "the opportunity is declined"),),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(Scenario("decline", ("An exploring opportunity",), ("The customer says no",), ("declined",)),),
    examples=(
        Example(
            "decline",
            {"opportunity_id": "{opportunity.id}", "reason": "Budget frozen"},
            {"status": "declined", "decline_reason": "Budget frozen"},
            setup=("opportunity",),
        ),
        Example(
            "decline-declined",
            {"opportunity_id": "{declined_opportunity.id}", "reason": "Again"},
            None,
            409,
            setup=("declined_opportunity",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    CREATE, GET, LIST, UPDATE, ADD_VARIANT, REPLACE_VARIANT, REMOVE_VARIANT, COMPARE, VALIDATE, CONFIRM, DECLINE,
)  # fmt: skip
