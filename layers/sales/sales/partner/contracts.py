"""The partner operations: admit an organization to the program, read and list profiles, the reseller's tier and
its history, suspend, reinstate, convert a reseller into a distributor."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Policy, Role, Scenario
from sales.partner import use_cases as use
from sales.partner import views as m

_OWNERS = ("@sales-channel",)
_ID = {"id": "partner_id"}
# Only admins run the program; a partner principal reads its own profile (any other is unknown to it).
ADMIN = Policy(roles=frozenset({Role.ADMIN}))
OWN = Policy(roles=frozenset({Role.SALES, Role.ADMIN, Role.PARTNER}))
NOT_FOUND = ErrorCase("PARTNER_NOT_FOUND", 404, "no partner has this id, or it is not the calling partner's")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the profile's status or subtype does not allow it; details name the current one"
)
_PROGRAM = (
    "A profile is a reseller (tier authorized, gold or platinum) or a distributor (no tier), active or "
    "suspended. Tiers are changed by admins only, each change kept with its reason."
)

CREATE = Contract(
    key="sales.partner.create",
    version="1.0.0",
    kind="command",
    description="Admit an organization contact to the partner program as a reseller or a distributor.",
    goal="Give a channel partner a profile that deals, agreements and shared leads can name.",
    context="One profile per contact; a reseller starts at tier authorized unless given another. " + _PROGRAM,
    http=Http("POST", "/sales/partners", 201),
    use_case=use.create_partner,
    input=m.CreatePartnerInput,
    output=m.PartnerView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner",),
    emits=(Emits("partner.created", "1.0.0", "the profile is stored"),),
    errors=(
        ErrorCase("CONTACT_NOT_FOUND", 422, "contact_id is not a live contact"),
        ErrorCase("INVALID_REFERENCE", 422, "contact_id is a person; partners are organizations"),
        ErrorCase("PARTNER_EXISTS", 409, "the contact already has a profile; details name it"),
    ),
    scenarios=(
        Scenario(
            "admit-a-reseller",
            ("An organization contact without a profile",),
            ("An admin admits it as a reseller without a tier",),
            ("201, tier authorized, status active, partner.created",),
        ),
        Scenario(
            "second-profile",
            ("An organization that is already a partner",),
            ("An admin admits it again",),
            ("409 PARTNER_EXISTS naming the profile; nothing is stored",),
        ),
        Scenario(
            "distributor-with-a-tier",
            ("An organization contact",),
            ("An admin admits it as a distributor with tier gold",),
            ("400 naming tier",),
        ),
    ),
    examples=(
        Example(
            "admit-gold-reseller",
            {"contact_id": "{contact.id}", "subtype": "reseller", "tier": "gold"},
            {"subtype": "reseller", "tier": "gold", "status": "active", "contact_id": "{contact.id}"},
            201,
            setup=("contact",),
        ),
        Example(
            "admit-a-person",
            {"contact_id": "{employee.id}", "subtype": "distributor"},
            None,
            422,
            setup=("employee",),
            error_code="INVALID_REFERENCE",
        ),
    ),
)

GET = Contract(
    key="sales.partner.get",
    version="1.0.0",
    kind="query",
    description="Read one partner profile.",
    goal="Show a partner's subtype, tier and status.",
    context="A partner principal reads its own profile only; ETag carries the version.",
    http=Http("GET", "/sales/partners/{id}", 200, _ID),
    use_case=use.get_partner,
    input=m.PartnerRef,
    output=m.PartnerView,
    policy=OWN,
    owners=_OWNERS,
    tags=("partner",),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "foreign-profile",
            ("Two partners",),
            ("One partner's principal reads the other's profile",),
            ("404 PARTNER_NOT_FOUND, as for an unknown id",),
        ),
    ),
    examples=(
        Example("get", {"partner_id": "{partner.id}"}, {"id": "{partner.id}", "tier": "gold"}, setup=("partner",)),
        Example(
            "get-unknown",
            {"partner_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="PARTNER_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="sales.partner.list",
    version="1.0.0",
    kind="query",
    description="List partner profiles, newest first, by subtype, tier and status.",
    goal="Find the resellers of a tier, the distributors, or the suspended partners.",
    context="Every filter given must match; a tier implies subtype reseller.",
    http=Http("GET", "/sales/partners"),
    use_case=use.list_partners,
    input=m.PartnerListQuery,
    output=m.PartnerView,
    paginated=True,
    owners=_OWNERS,
    tags=("partner",),
    scenarios=(
        Scenario("gold-resellers", ("A gold reseller and a distributor",), ("List tier=gold",), ("Only the reseller",)),
    ),
    examples=(
        Example("list", {}, {"__pagination__": {"page_size": 20}}, setup=("partner",)),
        Example(
            "list-gold-resellers",
            {"tier": "gold", "status": "active"},
            {"__items__": [{"tier": "gold"}]},
            setup=("partner",),
        ),
    ),
)

CHANGE_TIER = Contract(
    key="sales.partner.change_tier",
    version="1.0.0",
    kind="command",
    description="Move a reseller to another program tier, with the reason; the change joins its tier history.",
    goal="Reward or downgrade a reseller; its quotes use the new tier's discount from now on.",
    context="Admins only, never the partner itself. The same tier again changes nothing. " + _PROGRAM,
    http=Http("PUT", "/sales/partners/{id}/tier", 200, _ID),
    use_case=use.change_tier,
    input=m.ChangeTierInput,
    output=m.PartnerView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner", "tier"),
    emits=(Emits("partner.tier_changed", "1.0.0", "the tier changed"),),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario(
            "promote",
            ("A gold reseller",),
            ("An admin moves it to platinum with a reason",),
            ("200, tier platinum; the history gains gold -> platinum with the reason and the admin",),
        ),
        Scenario(
            "partner-promotes-itself",
            ("A reseller's own principal",),
            ("It changes its tier",),
            ("403 FORBIDDEN; nothing changes",),
        ),
    ),
    examples=(
        Example(
            "promote",
            {"partner_id": "{partner.id}", "tier": "platinum", "reason": "Passed 1M EUR in 2026"},
            {"tier": "platinum"},
            setup=("partner",),
        ),
        Example(
            "tier-of-a-distributor",
            {"partner_id": "{distributor.id}", "tier": "gold", "reason": "Mistake"},
            None,
            409,
            setup=("distributor",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

TIER_HISTORY = Contract(
    key="sales.partner.tier_history",
    version="1.0.0",
    kind="query",
    description="A reseller's tier changes, oldest first: from, to, reason, actor, at.",
    goal="Audit who changed a partner's tier, when and why.",
    context="The first entry is the tier the reseller joined with (from null). One Query of the profile's partition.",
    http=Http("GET", "/sales/partners/{id}/tier-history", 200, _ID),
    use_case=use.tier_history,
    input=m.PartnerRef,
    output=m.TierHistoryView,
    policy=OWN,
    owners=_OWNERS,
    tags=("partner", "tier", "audit"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("history", ("A reseller promoted once",), ("Read it",), ("Two entries",)),),
    examples=(
        Example(
            "history",
            {"partner_id": "{partner.id}"},
            {"tier": "gold", "entries": [{"from": None, "to": "gold"}]},
            setup=("partner",),
        ),
    ),
)


def _status_contract(
    verb: str, description: str, goal: str, event: str, from_status: str, example: Example
) -> Contract:
    # A second suspension of a suspended partner, a reinstatement of an active one.
    twice = "suspended_partner" if verb == "suspend" else "partner"
    return Contract(
        key=f"sales.partner.{verb}",
        version="1.0.0",
        kind="command",
        description=description,
        goal=goal,
        context=f"Only from {from_status}; anything else is 409 INVALID_TRANSITION. " + _PROGRAM,
        http=Http("POST", f"/sales/partners/{{id}}/{verb}", 200, _ID),
        use_case=getattr(use, f"{verb}_partner"),
        input=m.PartnerRef,
        output=m.PartnerView,
        policy=ADMIN,
        owners=_OWNERS,
        tags=("partner",),
        emits=(Emits(event, "1.0.0", "the status changed"),),
        errors=(NOT_FOUND, INVALID_TRANSITION),
        scenarios=(
            Scenario(
                f"{verb}-twice",
                (f"A partner already {'suspended' if verb == 'suspend' else 'active'}",),
                (f"An admin asks to {verb} it",),
                ("409 INVALID_TRANSITION naming the current status",),
            ),
        ),
        examples=(
            example,
            Example(
                f"{verb}-twice",
                {"partner_id": "{" + twice + ".id}"},
                None,
                409,
                setup=(twice,),
                error_code="INVALID_TRANSITION",
            ),
        ),
    )


SUSPEND = _status_contract(
    "suspend",
    "Suspend a partner: it registers no deals and is shared no leads until reinstated.",
    "Pause a partner that breaks the program's rules.",
    "partner.suspended",
    "active",
    Example("suspend", {"partner_id": "{partner.id}"}, {"status": "suspended"}, setup=("partner",)),
)
REINSTATE = _status_contract(
    "reinstate",
    "Reinstate a suspended partner.",
    "Let a partner back into the program.",
    "partner.reinstated",
    "suspended",
    Example("reinstate", {"partner_id": "{suspended_partner.id}"}, {"status": "active"}, setup=("suspended_partner",)),
)

CONVERT = Contract(
    key="sales.partner.convert_to_distributor",
    version="1.0.0",
    kind="command",
    description="Turn a reseller into a distributor; its tier is cleared.",
    goal="Follow a partner that moved from reselling to distributing.",
    context=(
        "Refused while the reseller still has open registered deals routed direct (409 OPEN_DIRECT_DEALS, "
        "checked in the conversion's own transaction); a distributor cannot convert again. " + _PROGRAM
    ),
    http=Http("POST", "/sales/partners/{id}/convert-to-distributor", 200, _ID),
    use_case=use.convert_to_distributor,
    input=m.PartnerRef,
    output=m.PartnerView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner",),
    emits=(Emits("partner.converted_to_distributor", "1.0.0", "the reseller is a distributor"),),
    errors=(
        NOT_FOUND,
        INVALID_TRANSITION,
        ErrorCase("OPEN_DIRECT_DEALS", 409, "the reseller has open registered deals routed direct"),
    ),
    scenarios=(
        Scenario(
            "convert",
            ("A gold reseller without open direct deals",),
            ("An admin converts it",),
            ("200, subtype distributor, tier null",),
        ),
        Scenario(
            "open-direct-deal",
            ("A reseller with an open deal it registered with route direct",),
            ("An admin converts it",),
            ("409 OPEN_DIRECT_DEALS; the profile is unchanged",),
        ),
    ),
    examples=(
        Example(
            "convert",
            {"partner_id": "{partner.id}"},
            {"subtype": "distributor", "tier": None},
            setup=("partner",),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (CREATE, GET, LIST, CHANGE_TIER, TIER_HISTORY, SUSPEND, REINSTATE, CONVERT)
