"""The campaign operations: plan, read, list, change, activate, complete, cancel, and the figures."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.campaign import use_cases as use
from sales.campaign import views as m

_OWNERS = ("@sales-marketing",)
_ID = {"id": "campaign_id"}
NOT_FOUND = ErrorCase("CAMPAIGN_NOT_FOUND", 404, "no campaign has this id")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the campaign's status does not allow it; details name the current status"
)
_STATUSES = (
    "Status runs planned -> active -> completed, or cancelled from planned or active; completed and cancelled "
    "campaigns no longer change."
)
LAUNCH = {
    "name": "Spring device launch",
    "type": "webinar",
    "starts_on": "{future_date}",
    "budget": {"amount": 1500000, "currency": "EUR"},
}

CREATE = Contract(
    key="sales.campaign.create",
    version="1.0.0",
    kind="command",
    description="Plan a campaign: name, type, dates, budget and owner.",
    goal="Record a marketing push before it raises leads.",
    context="A new campaign is planned; leads may name it once it is active. " + _STATUSES,
    http=Http("POST", "/sales/campaigns", 201),
    use_case=use.create_campaign,
    input=m.CreateCampaignInput,
    output=m.CampaignView,
    owners=_OWNERS,
    tags=("campaign",),
    emits=(Emits("campaign.created", "1.0.0", "the campaign is stored"),),
    scenarios=(
        Scenario(
            "plan-campaign",
            ("No campaign yet",),
            ("Marketing plans a webinar with a EUR budget",),
            ("201, status planned, the budget in minor units",),
        ),
        Scenario(
            "ends-before-it-starts",
            ("Nothing",),
            ("A campaign whose ends_on is before its starts_on",),
            ("400 naming ends_on and nothing is stored",),
        ),
    ),
    examples=(
        Example("plan", LAUNCH, {"status": "planned", "budget": {"amount": 1500000, "currency": "EUR"}}, 201),
        Example(
            "budget-zero",
            {"name": "Free", "type": "email", "budget": {"amount": 0, "currency": "EUR"}},
            None,
            400,
            error_code="VALIDATION_ERROR",
        ),
    ),
)

GET = Contract(
    key="sales.campaign.get",
    version="1.0.0",
    kind="query",
    description="Read one campaign.",
    goal="Show a campaign.",
    context="ETag carries the version.",
    http=Http("GET", "/sales/campaigns/{id}", 200, _ID),
    use_case=use.get_campaign,
    input=m.CampaignRef,
    output=m.CampaignView,
    owners=_OWNERS,
    tags=("campaign",),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-campaign", ("A campaign",), ("Read it",), ("Its fields",)),),
    examples=(
        Example("get", {"campaign_id": "{campaign.id}"}, {"id": "{campaign.id}"}, setup=("campaign",)),
        Example(
            "get-unknown",
            {"campaign_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="CAMPAIGN_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="sales.campaign.list",
    version="1.0.0",
    kind="query",
    description="List campaigns, newest first, by status and type.",
    goal="Find a campaign to raise leads from.",
    context="Both filters may be given; every filter given must match.",
    http=Http("GET", "/sales/campaigns"),
    use_case=use.list_campaigns,
    input=m.CampaignListQuery,
    output=m.CampaignView,
    paginated=True,
    owners=_OWNERS,
    tags=("campaign",),
    scenarios=(
        Scenario(
            "active-campaigns",
            ("A planned and an active campaign",),
            ("List status=active",),
            ("Only the active one",),
        ),
    ),
    examples=(
        Example("list", {}, {"__pagination__": {"page_size": 20}}, setup=("campaign",)),
        Example(
            "list-active-webinars",
            {"status": "active", "type": "webinar"},
            {"__pagination__": {"page_size": 20}},
            setup=("active_campaign",),
        ),
    ),
)

UPDATE = Contract(
    key="sales.campaign.update",
    version="1.0.0",
    kind="command",
    description="Change a planned or active campaign's name, type, dates, budget or owner.",
    goal="Keep a campaign's plan current.",
    context="Absent fields stay; starts_on, ends_on or budget given as null are cleared. " + _STATUSES,
    http=Http("PATCH", "/sales/campaigns/{id}", 200, _ID),
    use_case=use.update_campaign,
    input=m.UpdateCampaignInput,
    output=m.CampaignView,
    owners=_OWNERS,
    tags=("campaign",),
    emits=(Emits("campaign.updated", "1.0.0", "something changed"),),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario(
            "raise-budget",
            ("A planned campaign with a EUR budget",),
            ("Marketing raises the budget",),
            ("The new budget is stored and campaign.updated emitted",),
        ),
        Scenario(
            "change-a-finished-campaign",
            ("A cancelled campaign",),
            ("Marketing renames it",),
            ("409 INVALID_TRANSITION naming status cancelled",),
        ),
    ),
    examples=(
        Example(
            "raise-budget",
            {"campaign_id": "{campaign.id}", "budget": {"amount": 2000000, "currency": "EUR"}},
            {"budget": {"amount": 2000000, "currency": "EUR"}},
            setup=("campaign",),
        ),
        Example(
            "rename-cancelled",
            {"campaign_id": "{cancelled_campaign.id}", "name": "Too late"},
            None,
            409,
            setup=("cancelled_campaign",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)


def _transition(key: str, verb: str, to: str, event: str, from_text: str, setup: str, wrong: str) -> Contract:
    return Contract(
        key=f"sales.campaign.{key}",
        version="1.0.0",
        kind="command",
        description=f"{verb.capitalize()} a campaign ({from_text} -> {to}).",
        goal=f"Mark that the campaign is {to}.",
        context=_STATUSES,
        http=Http("POST", f"/sales/campaigns/{{id}}/{key}", 200, _ID),
        use_case=getattr(use, f"{key}_campaign"),
        input=m.CampaignRef,
        output=m.CampaignView,
        owners=_OWNERS,
        tags=("campaign",),
        emits=(Emits(event, "1.0.0", f"the campaign is {to}"),),
        errors=(NOT_FOUND, INVALID_TRANSITION),
        scenarios=(
            Scenario(f"{key}-campaign", (f"A campaign {from_text}",), (f"Marketing asks to {verb} it",), (to,)),
            Scenario(
                f"{key}-wrong-status",
                (f"A {wrong} campaign",),
                (f"Marketing asks to {verb} it",),
                (f"409 INVALID_TRANSITION naming status {wrong}",),
            ),
        ),
        examples=(
            Example(key, {"campaign_id": f"{{{setup}.id}}"}, {"status": to}, setup=(setup,)),
            Example(
                f"{key}-{wrong}",
                {"campaign_id": f"{{{wrong}_campaign.id}}"},
                None,
                409,
                setup=(f"{wrong}_campaign",),
                error_code="INVALID_TRANSITION",
            ),
        ),
    )


ACTIVATE = _transition("activate", "activate", "active", "campaign.activated", "planned", "campaign", "cancelled")
COMPLETE = _transition(
    "complete", "complete", "completed", "campaign.completed", "active", "active_campaign", "cancelled"
)
CANCEL = _transition(
    "cancel", "cancel", "cancelled", "campaign.cancelled", "planned or active", "active_campaign", "cancelled"
)

STATS = Contract(
    key="sales.campaign.stats",
    version="1.0.0",
    kind="query",
    description="A campaign's figures: its leads by status, the deals they were won as, cost per lead and return "
    "on budget.",
    goal="Tell whether a campaign paid off.",
    context="Lead figures change with each lead command; won figures follow deal -> opportunity -> lead -> "
    "campaign and are fed by deal.won, so they trail a win by the time the event takes to arrive. cost_per_lead "
    "needs a budget and leads; return_on_budget needs the budget and every won value in one currency.",
    http=Http("GET", "/sales/campaigns/{id}/stats", 200, _ID),
    use_case=use.campaign_stats,
    input=m.CampaignRef,
    output=m.CampaignStatsView,
    owners=_OWNERS,
    tags=("campaign", "stats"),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "new-campaign-figures",
            ("A campaign with no lead yet",),
            ("Read its figures",),
            ("Every count 0, no cost per lead, no return on budget",),
        ),
    ),
    examples=(
        Example(
            "figures",
            {"campaign_id": "{campaign.id}"},
            {"leads": 0, "won_deals": 0, "won_value_by_currency": [], "cost_per_lead": None},
            setup=("campaign",),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (CREATE, GET, LIST, UPDATE, ACTIVATE, COMPLETE, CANCEL, STATS)
