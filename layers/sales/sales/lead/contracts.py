"""The lead operations: raise, read, list, change, start, qualify, disqualify, reopen, convert, and a contact's
leads."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Policy, Role, Scenario
from sales.lead import use_cases as use
from sales.lead import views as m
from sales.opportunity.views import OpportunityView

# A partner principal reads the leads shared with it (any other is unknown to it).
SHARED = Policy(roles=frozenset({Role.SALES, Role.ADMIN, Role.PARTNER}))
_OWNERS = ("@sales-funnel",)
_ID = {"id": "lead_id"}
NOT_FOUND = ErrorCase("LEAD_NOT_FOUND", 404, "no lead has this id")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the lead's status does not allow it; details name the current status"
)
_STATUSES = (
    "Status runs new -> working -> qualified -> converted; qualify also from new; disqualify (with a reason) from "
    "new, working or qualified; reopen takes a disqualified lead back to working."
)
WEB_LEAD = {"contact_id": "{contact.id}", "source": "web_form", "title": "Fleet of 40 devices"}

CREATE = Contract(
    key="sales.lead.create",
    version="1.0.0",
    kind="command",
    description="Raise a lead off a live contact, naming where it came from.",
    goal="Capture interest before it is worth an opportunity.",
    context="source campaign needs campaign_id, an active campaign (422 CAMPAIGN_NOT_ACTIVE otherwise); source "
    "partner needs partner_id. Contact and campaign are checked in the lead's own transaction. " + _STATUSES,
    http=Http("POST", "/sales/leads", 201),
    use_case=use.create_lead,
    input=m.CreateLeadInput,
    output=m.LeadView,
    owners=_OWNERS,
    tags=("lead", "funnel"),
    emits=(Emits("lead.created", "1.0.0", "the lead is stored"),),
    errors=(
        ErrorCase("INVALID_REFERENCE", 422, "contact_id names no live contact, or campaign_id no campaign"),
        ErrorCase("CAMPAIGN_NOT_ACTIVE", 422, "the campaign named is not active"),
    ),
    scenarios=(
        Scenario(
            "campaign-lead",
            ("A live contact and an active campaign",),
            ("A rep raises a campaign lead",),
            ("201, status new", "The campaign's lead count goes up by one"),
        ),
        Scenario(
            "lead-of-a-planned-campaign",
            ("A planned campaign",),
            ("A rep raises a lead naming it",),
            ("422 CAMPAIGN_NOT_ACTIVE and nothing is stored",),
        ),
    ),
    examples=(
        Example("web-form", WEB_LEAD, {"status": "new", "source": "web_form"}, 201, setup=("contact",)),
        Example(
            "campaign",
            {**WEB_LEAD, "source": "campaign", "campaign_id": "{active_campaign.id}"},
            {"status": "new", "campaign_id": "{active_campaign.id}"},
            201,
            setup=("contact", "active_campaign"),
        ),
        Example(
            "planned-campaign",
            {**WEB_LEAD, "source": "campaign", "campaign_id": "{campaign.id}"},
            None,
            422,
            setup=("contact", "campaign"),
            error_code="CAMPAIGN_NOT_ACTIVE",
        ),
    ),
)

GET = Contract(
    key="sales.lead.get",
    version="1.0.0",
    kind="query",
    description="Read one lead.",
    goal="Show a lead.",
    context="ETag carries the version. A partner principal reads the leads shared with it (any other is 404).",
    http=Http("GET", "/sales/leads/{id}", 200, _ID),
    use_case=use.get_lead,
    policy=SHARED,
    input=m.LeadRef,
    output=m.LeadView,
    owners=_OWNERS,
    tags=("lead", "funnel"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-lead", ("A lead",), ("Read it",), ("Its fields",)),),
    examples=(Example("get", {"lead_id": "{lead.id}"}, {"id": "{lead.id}"}, setup=("lead",)),),
)

LIST = Contract(
    key="sales.lead.list",
    version="1.0.0",
    kind="query",
    description="List leads, newest first, by status, source, owner, campaign or contact.",
    goal="Work the lead queue.",
    context="Every filter given must match.",
    http=Http("GET", "/sales/leads"),
    use_case=use.list_leads,
    input=m.LeadListQuery,
    output=m.LeadView,
    paginated=True,
    owners=_OWNERS,
    tags=("lead", "funnel"),
    scenarios=(
        Scenario(
            "campaign-leads",
            ("Two leads of an active campaign, one qualified",),
            ("List by campaign_id and status qualified",),
            ("The qualified one",),
        ),
    ),
    examples=(
        Example("list", {}, {"__pagination__": {"page_size": 20}}, setup=("lead",)),
        Example("list-new", {"status": "new"}, {"__pagination__": {"page_size": 20}}, setup=("lead",)),
    ),
)

OF_CONTACT = Contract(
    key="sales.lead.of_contact",
    version="1.0.0",
    kind="query",
    description="The leads raised off one contact, newest first.",
    goal="See a contact's interest at a glance.",
    context="The contact must be live.",
    http=Http("GET", "/sales/contacts/{id}/leads", 200, {"id": "contact_id"}),
    use_case=use.contact_leads,
    input=m.ContactLeadsQuery,
    output=m.LeadView,
    paginated=True,
    owners=_OWNERS,
    tags=("lead", "contact"),
    errors=(ErrorCase("CONTACT_NOT_FOUND", 404, "no live contact has this id"),),
    scenarios=(Scenario("contact-leads", ("A contact with a lead",), ("List its leads",), ("The lead",)),),
    examples=(
        Example(
            "contact-leads", {"contact_id": "{contact.id}"}, {"__pagination__": {"total": 1}}, setup=("contact", "lead")
        ),
    ),
)

UPDATE = Contract(
    key="sales.lead.update",
    version="1.0.0",
    kind="command",
    description="Change an open lead's title, need, estimated value or owner.",
    goal="Keep what is known of the interest current.",
    context="Absent fields stay; need or estimated_value given as null are cleared. Source and references never "
    "change. " + _STATUSES,
    http=Http("PATCH", "/sales/leads/{id}", 200, _ID),
    use_case=use.update_lead,
    input=m.UpdateLeadInput,
    output=m.LeadView,
    owners=_OWNERS,
    tags=("lead", "funnel"),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario(
            "estimate-lead",
            ("A new lead",),
            ("A rep sets its estimated value",),
            ("The value is stored in minor units",),
        ),
    ),
    examples=(
        Example(
            "estimate",
            {"lead_id": "{lead.id}", "estimated_value": {"amount": 4800000, "currency": "EUR"}},
            {"estimated_value": {"amount": 4800000, "currency": "EUR"}},
            setup=("lead",),
        ),
    ),
)


def _transition(
    key: str, to: str, from_text: str, body: dict[str, str], setup: str, wrong: str, event: str | None
) -> Contract:
    verb = key
    return Contract(
        key=f"sales.lead.{key}",
        version="1.0.0",
        kind="command",
        description=f"{verb.capitalize()} a lead ({from_text} -> {to}).",
        goal=f"Mark that the lead is {to}.",
        context=_STATUSES,
        http=Http("POST", f"/sales/leads/{{id}}/{key}", 200, _ID),
        use_case=getattr(use, f"{key}_lead"),
        input=m.DisqualifyInput if key == "disqualify" else m.LeadRef,
        output=m.LeadView,
        owners=_OWNERS,
        tags=("lead", "funnel"),
        emits=(Emits(event, "1.0.0", f"the lead is {to}"),) if event else (),
        errors=(NOT_FOUND, INVALID_TRANSITION),
        scenarios=(
            Scenario(f"{key}-lead", (f"A lead {from_text}",), (f"A rep asks to {verb} it",), (to,)),
            Scenario(
                f"{key}-wrong-status",
                (f"A {wrong} lead",),
                (f"A rep asks to {verb} it",),
                (f"409 INVALID_TRANSITION naming status {wrong}",),
            ),
        ),
        examples=(
            Example(key, {"lead_id": f"{{{setup}.id}}", **body}, {"status": to}, setup=(setup,)),
            Example(
                f"{key}-{wrong}",
                {"lead_id": f"{{{wrong}_lead.id}}", **body},
                None,
                409,
                setup=(f"{wrong}_lead",),
                error_code="INVALID_TRANSITION",
            ),
        ),
    )


START = _transition("start", "working", "new", {}, "lead", "converted", None)
QUALIFY = _transition("qualify", "qualified", "new or working", {}, "lead", "converted", "lead.qualified")
DISQUALIFY = _transition(
    "disqualify", "disqualified", "new, working or qualified", {"reason": "No budget this year"}, "lead",
    "converted", "lead.disqualified",
)  # fmt: skip
REOPEN = _transition("reopen", "working", "disqualified", {}, "disqualified_lead", "converted", "lead.reopened")

CONVERT = Contract(
    key="sales.lead.convert",
    version="1.0.0",
    kind="command",
    description="Convert a qualified lead into an opportunity for its contact.",
    goal="Move qualified interest into the offer stage.",
    context="Only from qualified. The lead and the opportunity are written in one transaction; the lead keeps "
    "opportunity_id. Converting twice is 409 LEAD_ALREADY_CONVERTED naming the opportunity. " + _STATUSES,
    http=Http("POST", "/sales/leads/{id}/convert", 201, _ID),
    use_case=use.convert_lead,
    input=m.ConvertLeadInput,
    output=OpportunityView,
    owners=_OWNERS,
    tags=("lead", "funnel", "opportunity"),
    emits=(
        Emits("lead.converted", "1.0.0", "the lead is converted"),
        Emits("opportunity.created", "1.0.0", "the opportunity is stored"),
    ),
    errors=(
        NOT_FOUND,
        INVALID_TRANSITION,
        ErrorCase("LEAD_ALREADY_CONVERTED", 409, "the lead was converted before; details name the opportunity"),
    ),
    scenarios=(
        Scenario(
            "convert-qualified",
            ("A qualified lead",),
            ("A rep converts it",),
            ("201 with the opportunity, status exploring, lead_id set", "The lead is converted"),
        ),
        Scenario("convert-twice", ("A converted lead",), ("A rep converts it again",), ("409 LEAD_ALREADY_CONVERTED",)),
    ),
    examples=(
        Example(
            "convert",
            {"lead_id": "{qualified_lead.id}", "opportunity_name": "Fleet renewal 2027"},
            {"status": "exploring", "lead_id": "{qualified_lead.id}", "name": "Fleet renewal 2027"},
            201,
            setup=("qualified_lead",),
        ),
        Example(
            "convert-twice",
            {"lead_id": "{converted_lead.id}"},
            None,
            409,
            setup=("converted_lead",),
            error_code="LEAD_ALREADY_CONVERTED",
        ),
    ),
)


SHARE = Contract(
    key="sales.lead.share",
    version="1.0.0",
    kind="command",
    description="Share a lead with a reseller of tier gold or platinum; its principal may read the lead from now on.",
    goal="Hand a lead to a trusted reseller to work.",
    context=(
        "Only an active reseller of tier gold or platinum (anything else 409 TIER_NOT_ELIGIBLE, checked against "
        "its profile in the share's transaction). Sharing again with the same reseller changes nothing."
    ),
    http=Http("POST", "/sales/leads/{id}/share", 200, _ID),
    use_case=use.share_lead,
    input=m.ShareLeadInput,
    output=m.LeadView,
    owners=_OWNERS,
    tags=("lead", "partner"),
    emits=(Emits("lead.shared", "1.0.0", "the lead is shared with the reseller"),),
    errors=(
        NOT_FOUND,
        ErrorCase("TIER_NOT_ELIGIBLE", 409, "the partner is no active reseller of tier gold or platinum"),
        ErrorCase("INVALID_REFERENCE", 422, "partner_id names no partner"),
        ErrorCase("SHARE_LIMIT", 409, "the lead is shared with 20 partners already"),
    ),
    scenarios=(
        Scenario(
            "share-with-gold",
            ("A lead and a gold reseller",),
            ("A rep shares the lead with it",),
            ("200, shared_with names it; the reseller's principal reads the lead", "lead.shared is emitted"),
        ),
        Scenario(
            "authorized-reseller",
            ("A reseller of tier authorized",),
            ("A rep shares a lead with it",),
            ("409 TIER_NOT_ELIGIBLE; nothing changes",),
        ),
    ),
    examples=(
        Example(
            "share",
            {"lead_id": "{lead.id}", "partner_id": "{partner.id}"},
            {"shared_with": ["{partner.id}"]},
            setup=("lead", "partner"),
        ),
        Example(
            "share-with-a-distributor",
            {"lead_id": "{lead.id}", "partner_id": "{distributor.id}"},
            None,
            409,
            setup=("lead", "distributor"),
            error_code="TIER_NOT_ELIGIBLE",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    SHARE,
    CREATE, GET, LIST, OF_CONTACT, UPDATE, START, QUALIFY, DISQUALIFY, REOPEN, CONVERT,
)  # fmt: skip
