"""The deal operations: the pipeline from lead to a won or lost deal, its statistics, forecast and history."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Policy, Role, Scenario
from sales.deal import channel
from sales.deal import use_cases as use
from sales.deal import views as m

_OWNERS = ("@sales-pipeline",)
# Partners may read the deals routed through them (404 for any other); they list them via the partner channel.
PARTNER_READ = Policy(roles=frozenset({Role.SALES, Role.ADMIN, Role.PARTNER}))
_ID = {"id": "deal_id"}
NOT_FOUND = ErrorCase("DEAL_NOT_FOUND", 404, "no live deal has this id")
CHANNEL_NOT_CLEARED = ErrorCase(
    "CHANNEL_NOT_CLEARED",
    409,
    "a partner deal's channel is not cleared: no agreement of the pair active on the close date, or the direct "
    "exception is not granted",
)
CUSTOMER_NOT_FOUND = ErrorCase("CUSTOMER_NOT_FOUND", 422, "customer_id is not a live contact")
NEW_DEAL = {
    "customer_id": "{contact.id}",
    "name": "Enterprise Software License",
    "value": 50000000,
    "currency": "USD",
    "expected_close_date": "{future_date}",
}

CREATE = Contract(
    key="sales.deal.create",
    version="1.0.0",
    kind="command",
    description="Create a deal for a customer; it starts in stage lead at 10 %.",
    goal="Start tracking a sales opportunity in the pipeline.",
    context="A rep qualifies interest from a contact and opens a deal for it.",
    http=Http("POST", "/sales/deals", 201),
    use_case=use.create_deal,
    input=m.CreateDealInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal", "pipeline"),
    emits=(Emits("deal.created", "1.0.0", "the deal is stored"),),
    errors=(CUSTOMER_NOT_FOUND,),
    scenarios=(
        Scenario(
            "create-deal-happy-path",
            ("A live contact exists",),
            ("A rep creates a deal for it with a future expected close date",),
            ("The deal is in stage lead with probability 10 and source inbound", "deal.created is emitted"),
        ),
        Scenario(
            "create-deal-unknown-customer",
            ("No contact has the given id",),
            ("A rep creates a deal for it",),
            ("The request fails with CUSTOMER_NOT_FOUND and nothing is stored",),
        ),
    ),
    examples=(
        Example(
            "create-an-enterprise-deal",
            NEW_DEAL,
            {"stage": "lead", "probability": 10, "source": "inbound", "status": "open", "value": 50000000},
            201,
            setup=("contact",),
        ),
        Example(
            "create-camel-case",
            {
                "customerId": "{contact.id}",
                "name": "Cloud Migration Project",
                "value": 120000,
                "currency": "JPY",
                "expectedCloseDate": "{future_date}",
            },
            {"currency": "JPY", "value": 120000, "stage": "lead"},
            201,
            setup=("contact",),
        ),
        Example(
            "create-unknown-customer",
            {**NEW_DEAL, "customer_id": "019b72b7-0636-79b5-b8fe-28b439ec801d"},
            None,
            422,
            error_code="CUSTOMER_NOT_FOUND",
        ),
    ),
)

GET = Contract(
    key="sales.deal.get",
    version="1.0.0",
    kind="query",
    description="Read one live deal.",
    goal="Show a deal with its stage, probability and value.",
    context="Deal detail page; the ETag header carries the version for If-Match.",
    http=Http("GET", "/sales/deals/{id}", 200, _ID),
    use_case=use.get_deal,
    input=m.DealRef,
    output=m.DealView,
    policy=PARTNER_READ,
    owners=_OWNERS,
    tags=("deal",),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-deal", ("A deal exists",), ("A rep reads it",), ("All its fields are returned",)),),
    examples=(
        Example("get-existing", {"deal_id": "{deal.id}"}, {"id": "{deal.id}", "stage": "lead"}, setup=("deal",)),
        Example(
            "get-unknown",
            {"deal_id": "019b72b7-339c-73ca-850c-8459913f2cde"},
            None,
            404,
            error_code="DEAL_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="sales.deal.list",
    version="1.0.0",
    kind="query",
    description="List live deals, newest first, with filters and pagination.",
    goal="Browse the pipeline.",
    context="Pipeline table; `?page=` is kept for clients that page by number, `cursor` is preferred.",
    http=Http("GET", "/sales/deals"),
    use_case=use.list_deals,
    input=m.DealListQuery,
    output=m.DealView,
    paginated=True,
    owners=_OWNERS,
    tags=("deal", "pipeline"),
    scenarios=(
        Scenario(
            "list-deals-paginated",
            ("45 live deals",),
            ("A rep lists page 1 with page_size 20",),
            ("20 deals, total 45, total_pages 3",),
        ),
    ),
    examples=(
        Example(
            "list-first-page",
            {"page": 1, "page_size": 20},
            {"__pagination__": {"page": 1, "page_size": 20}},
            setup=("deal",),
        ),
        Example("list-by-status", {"status": "open"}, {"__pagination__": {"page_size": 20}}, setup=("deal",)),
    ),
)

UPDATE_BASIC_INFO = Contract(
    key="sales.deal.update_basic_info",
    version="1.0.0",
    kind="command",
    description="Change a deal's name, expected close date, source, tags or assignee.",
    goal="Keep the deal's description and forecast date current.",
    context="Negotiation moves the close date and renames the deal; value and stage have their own routes.",
    http=Http("PUT", "/sales/deals/{id}/basic-info", 200, _ID),
    use_case=use.update_basic_info,
    input=m.UpdateBasicInfoInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal",),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario("rename-deal", ("A deal exists",), ("A rep renames it and moves its date",), ("Both are stored",)),
    ),
    examples=(
        Example(
            "update-basic-info",
            {
                "deal_id": "{deal.id}",
                "name": "Enterprise License + Support",
                "expected_close_date": "{future_date}",
            },
            {"name": "Enterprise License + Support"},
            setup=("deal",),
        ),
    ),
)

UPDATE_VALUE = Contract(
    key="sales.deal.update_value",
    version="1.0.0",
    kind="command",
    description="Change the value (minor units) and currency of an open deal.",
    goal="Track the price as negotiation progresses.",
    context="The price changes as negotiation progresses; the currency may change with it.",
    http=Http("PUT", "/sales/deals/{id}/value", 200, _ID),
    use_case=use.update_value,
    input=m.UpdateValueInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal", "money"),
    emits=(Emits("deal.value_changed", "1.0.0", "the value or currency changed"),),
    errors=(NOT_FOUND, ErrorCase("UPDATE_VALUE_FAILED", 400, "the deal is closed")),
    scenarios=(
        Scenario(
            "raise-value",
            ("An open deal at 500,000.00 USD",),
            ("The rep sets 750,000.00 USD",),
            ("The value is 75000000", "deal.value_changed is emitted"),
        ),
    ),
    examples=(
        Example(
            "update-value",
            {"deal_id": "{deal.id}", "value": 75000000, "currency": "USD"},
            {"value": 75000000, "currency": "USD"},
            setup=("deal",),
        ),
        Example(
            "update-value-float-rejected",
            {"deal_id": "{deal.id}", "value": 750000.5, "currency": "USD"},
            None,
            400,
            setup=("deal",),
            error_code="VALIDATION_ERROR",
        ),
    ),
)

MOVE_STAGE = Contract(
    key="sales.deal.move_stage",
    version="1.0.0",
    kind="command",
    description="Move a deal to another stage; probability follows the stage. closed_won/closed_lost win/lose it.",
    goal="Progress a deal through the pipeline.",
    context="Skips and backward moves are allowed among open stages; closed stages are terminal.",
    http=Http("PUT", "/sales/deals/{id}/stage", 200, _ID),
    use_case=use.move_stage,
    input=m.MoveStageInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal", "pipeline"),
    emits=(
        Emits("deal.stage_changed", "1.0.0", "the deal moved between open stages"),
        Emits("deal.won", "1.1.0", "the move was to closed_won"),
        Emits("deal.lost", "1.0.0", "the move was to closed_lost"),
    ),
    errors=(
        NOT_FOUND,
        ErrorCase("MOVE_STAGE_FAILED", 400, "the deal is in a terminal stage, or the target is intake"),
        CHANNEL_NOT_CLEARED,
    ),
    scenarios=(
        Scenario(
            "qualify",
            ("A deal in lead",),
            ("The rep moves it to qualified",),
            ("Stage qualified, probability 25", "deal.stage_changed is emitted"),
        ),
        Scenario(
            "terminal",
            ("A won deal",),
            ("The rep moves it to negotiation",),
            ("400 MOVE_STAGE_FAILED: cannot move from terminal stage closed_won",),
        ),
    ),
    examples=(
        Example(
            "move-to-qualified",
            {"deal_id": "{deal.id}", "stage": "qualified"},
            {"stage": "qualified", "probability": 25},
            setup=("deal",),
        ),
        Example(
            "skip-to-proposal",
            {"deal_id": "{deal.id}", "stage": "proposal"},
            {"stage": "proposal", "probability": 50},
            setup=("deal",),
        ),
        Example(
            "move-from-terminal",
            {"deal_id": "{won_deal.id}", "stage": "negotiation"},
            None,
            400,
            setup=("won_deal",),
            error_code="MOVE_STAGE_FAILED",
        ),
    ),
)

WIN = Contract(
    key="sales.deal.win",
    version="1.0.0",
    kind="command",
    description="Mark a deal as won.",
    goal="Close a deal as successful.",
    context="Deal closing flow; deal.won hands the deal to provisioning and billing.",
    http=Http("POST", "/sales/deals/{id}/win", 200, _ID),
    use_case=use.win_deal,
    input=m.WinDealInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("crm", "deal", "won"),
    emits=(Emits("deal.won", "1.1.0", "Deal is won"),),
    errors=(NOT_FOUND, ErrorCase("MARK_WON_FAILED", 400, "the deal is lost or already won"), CHANNEL_NOT_CLEARED),
    scenarios=(
        Scenario(
            "win-deal-happy-path",
            ("Deal is open",),
            ("User marks deal as won",),
            ("Deal status becomes WON", "DealWon event is emitted"),
        ),
        Scenario("win-lost-deal", ("Deal is lost",), ("User marks it as won",), ("400 MARK_WON_FAILED",)),
    ),
    examples=(
        Example(
            "mark-won",
            {"dealId": "{deal.id}", "actualValue": 52000, "note": "Signed contract attached"},
            {
                "id": "{deal.id}",
                "status": "won",
                "stage": "closed_won",
                "probability": 100,
                "value": 52000,
                "actual_value": 52000,
            },
            setup=("deal",),
        ),
        Example(
            "win-at-the-signed-price",
            {"deal_id": "{deal.id}", "close_date": "2025-12-31"},
            {"stage": "closed_won", "probability": 100, "actual_close_date": "2025-12-31"},
            setup=("deal",),
        ),
        Example(
            "win-lost",
            {"deal_id": "{lost_deal.id}"},
            None,
            400,
            setup=("lost_deal",),
            error_code="MARK_WON_FAILED",
        ),
    ),
)

LOSE = Contract(
    key="sales.deal.lose",
    version="1.0.0",
    kind="command",
    description="Mark a deal as lost, optionally with the reason.",
    goal="Close a deal as unsuccessful and learn why.",
    context="Losing a deal without a reason teaches nothing: always give one.",
    http=Http("POST", "/sales/deals/{id}/lose", 200, _ID),
    use_case=use.lose_deal,
    input=m.LoseDealInput,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal", "lost"),
    emits=(Emits("deal.lost", "1.0.0", "Deal is lost"),),
    errors=(NOT_FOUND, ErrorCase("MARK_LOST_FAILED", 400, "the deal is won or already lost")),
    scenarios=(
        Scenario(
            "lose-deal",
            ("Deal is open",),
            ("Rep marks it lost with a reason",),
            ("Stage closed_lost, probability 0",),
        ),
        Scenario("lose-won-deal", ("Deal is won",), ("Rep marks it lost",), ("400 MARK_LOST_FAILED",)),
    ),
    examples=(
        Example(
            "lose-to-a-competitor",
            {"deal_id": "{deal.id}", "close_date": "2025-12-31", "reason": "Lost to competitor - pricing"},
            {
                "stage": "closed_lost",
                "probability": 0,
                "actual_close_date": "2025-12-31",
                "loss_reason": "Lost to competitor - pricing",
            },
            setup=("deal",),
        ),
        Example(
            "lose-won",
            {"deal_id": "{won_deal.id}"},
            None,
            400,
            setup=("won_deal",),
            error_code="MARK_LOST_FAILED",
        ),
    ),
)

DELETE = Contract(
    key="sales.deal.delete",
    version="1.0.0",
    kind="command",
    description="Soft-delete a deal: it leaves gets, lists and stats until restored.",
    goal="Remove a deal created by mistake without losing its history.",
    context="A soft delete: the deal leaves lists and stats, answers 204 No Content, and can be restored.",
    http=Http("DELETE", "/sales/deals/{id}", 204, _ID),
    use_case=use.delete_deal,
    input=m.DealRef,
    owners=_OWNERS,
    tags=("deal",),
    emits=(Emits("deal.deleted", "1.0.0", "the deal was soft-deleted"),),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario("delete-deal", ("A deal exists",), ("A rep deletes it",), ("GET answers 404", "stats drop it")),
    ),
    examples=(Example("delete", {"deal_id": "{deal.id}"}, None, 204, setup=("deal",)),),
)

RESTORE = Contract(
    key="sales.deal.restore",
    version="1.0.0",
    kind="command",
    description="Bring a soft-deleted deal back into gets, lists and stats.",
    goal="Undo a deletion.",
    context="Restoring a live deal changes nothing.",
    http=Http("POST", "/sales/deals/{id}/restore", 200, _ID),
    use_case=use.restore_deal,
    input=m.DealRef,
    output=m.DealView,
    owners=_OWNERS,
    tags=("deal",),
    emits=(Emits("deal.restored", "1.0.0", "a deleted deal came back"),),
    errors=(NOT_FOUND, CUSTOMER_NOT_FOUND),
    scenarios=(Scenario("restore", ("A deleted deal",), ("A rep restores it",), ("It is listed and counted again",)),),
    examples=(
        Example(
            "restore-deleted",
            {"deal_id": "{deleted_deal.id}"},
            {"id": "{deleted_deal.id}"},
            setup=("deleted_deal",),
        ),
    ),
)

LIST_BY_STAGE = Contract(
    key="sales.deal.list_by_stage",
    version="1.0.0",
    kind="query",
    description="List live deals in one stage.",
    goal="See what sits in a stage.",
    context="A stage column of the pipeline board, e.g. every deal in proposal.",
    http=Http("GET", "/sales/deals/stage/{stage}", 200, {"stage": "stage"}),
    use_case=use.list_by_stage,
    input=m.StageListQuery,
    output=m.DealView,
    paginated=True,
    owners=_OWNERS,
    tags=("deal", "pipeline"),
    scenarios=(
        Scenario("by-stage", ("Deals in lead and proposal",), ("List stage proposal",), ("Only proposal deals",)),
    ),
    examples=(
        Example("list-lead", {"stage": "lead"}, {"__items__": [{"stage": "lead"}]}, setup=("deal",)),
        Example("list-bad-stage", {"stage": "won"}, None, 400, error_code="VALIDATION_ERROR"),
    ),
)

PIPELINE_STATS = Contract(
    key="sales.deal.pipeline_stats",
    version="1.0.0",
    kind="query",
    description="Count live deals per stage, and open value per stage per currency.",
    goal="Pipeline dashboard.",
    context="Read from sharded counters kept in the write transaction: constant cost, never a scan.",
    http=Http("GET", "/sales/deals/stats/pipeline"),
    use_case=use.pipeline_stats,
    input=m.NoInput,
    output=m.PipelineStatsView,
    owners=_OWNERS,
    tags=("deal", "stats"),
    scenarios=(Scenario("pipeline", ("Deals in several stages",), ("Read pipeline stats",), ("Counts per stage",)),),
    examples=(Example("pipeline-stats", {}, {"stats": {"lead": 1}}, setup=("deal",)),),
)

WON_STATS = Contract(
    key="sales.deal.won_stats",
    version="1.0.0",
    kind="query",
    description="Count and revenue of won deals, per currency; a single total only when one currency.",
    goal="Revenue dashboard.",
    context="Never sums different currencies.",
    http=Http("GET", "/sales/deals/stats/won"),
    use_case=use.won_stats,
    input=m.NoInput,
    output=m.WonStatsView,
    owners=_OWNERS,
    tags=("deal", "stats"),
    scenarios=(
        Scenario(
            "one-currency",
            ("Won deals all in USD",),
            ("Read won stats",),
            ("count, total_value and currency set",),
        ),
        Scenario(
            "mixed",
            ("Won deals in USD and EUR",),
            ("Read won stats",),
            ("total_value null, by_currency lists both",),
        ),
    ),
    examples=(Example("won-stats", {}, {"count": 1, "currency": "USD", "total_value": 50000000}, setup=("won_deal",)),),
)

FORECAST = Contract(
    key="sales.deal.forecast",
    version="1.0.0",
    kind="query",
    description="Open deals per expected-close month per currency: count, value and probability-weighted value.",
    goal="Revenue forecast by period.",
    context="Intake deals are excluded; default range is the current month and the 11 after it (max 36).",
    http=Http("GET", "/sales/deals/stats/forecast"),
    use_case=use.forecast,
    input=m.ForecastQuery,
    output=m.ForecastView,
    owners=_OWNERS,
    tags=("deal", "stats", "forecast"),
    scenarios=(
        Scenario(
            "forecast",
            ("An open lead deal of 500,000.00 USD closing next month",),
            ("Read the forecast",),
            ("One row: count 1, value 50000000, weighted 5000000",),
        ),
    ),
    examples=(Example("forecast-default", {}, {"months": [{"count": 1, "weighted_value": 5000000}]}, setup=("deal",)),),
)

HISTORY = Contract(
    key="sales.deal.history",
    version="1.0.0",
    kind="query",
    description="Every stage change of a deal: from, to, actor, at, and the time spent in the stage left.",
    goal="Audit how a deal progressed.",
    context="One Query over the deal's partition.",
    http=Http("GET", "/sales/deals/{id}/history", 200, _ID),
    use_case=use.deal_history,
    input=m.DealRef,
    output=m.DealHistoryView,
    policy=PARTNER_READ,
    owners=_OWNERS,
    tags=("deal", "audit"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("history", ("A deal moved lead -> qualified",), ("Read history",), ("Two entries",)),),
    examples=(
        Example(
            "history",
            {"deal_id": "{deal.id}"},
            {"stage": "lead", "entries": [{"to_stage": "lead"}]},
            setup=("deal",),
        ),
    ),
)

# -- the partner channel ------------------------------------------------------------------------------------
_CHANNEL_OWNERS = ("@sales-channel",)
# A reseller registers its own deals (any other reseller is unknown to it); an admin may register for any.
RESELLER_OR_ADMIN = Policy(roles=frozenset({Role.ADMIN, Role.PARTNER}))
ADMIN_ONLY = Policy(roles=frozenset({Role.ADMIN}))
PARTNER_NOT_FOUND = ErrorCase("PARTNER_NOT_FOUND", 404, "no partner has this id, or it is not the calling partner's")
_CHANNEL = (
    "A partner deal can be won only when its channel is cleared: through a distributor with an agreement of the "
    "pair active on the close date, or direct with a granted exception (409 CHANNEL_NOT_CLEARED otherwise)."
)
REGISTERED = {
    "customer_id": "{contact.id}",
    "name": "Fleet of 40 devices",
    "value": 7960000,
    "currency": "EUR",
    "expected_close_date": "{future_date}",
    "route": "direct",
}

REGISTER = Contract(
    key="sales.deal.register",
    version="1.0.0",
    kind="command",
    description="A reseller registers a deal: stage intake, source partner, routed through a distributor or direct.",
    goal="Let a reseller claim a deal it brings, routed the way the program allows.",
    context=(
        "Through a distributor, the pair needs an active agreement; direct asks for an exception an admin decides. "
        "A `customer` object creates the contact in the deal's transaction. The reseller's profile (an active "
        "reseller) and the pair's agreements are checked in that transaction too. " + _CHANNEL
    ),
    http=Http("POST", "/sales/partners/{id}/deals", 201, {"id": "partner_id"}),
    use_case=channel.register_deal,
    input=m.RegisterDealInput,
    output=m.DealView,
    policy=RESELLER_OR_ADMIN,
    owners=_CHANNEL_OWNERS,
    tags=("deal", "partner"),
    emits=(
        Emits("deal.created", "1.0.0", "the deal is stored in stage intake"),
        Emits("deal.registered", "1.0.0", "with its channel"),
        Emits("contact.created", "1.0.0", "a `customer` object was given"),
    ),
    errors=(
        PARTNER_NOT_FOUND,
        ErrorCase("NOT_A_RESELLER", 409, "the partner is a distributor"),
        ErrorCase("PARTNER_NOT_ACTIVE", 409, "the reseller is suspended"),
        ErrorCase("NO_ACTIVE_AGREEMENT", 409, "route distributor, but the pair has no active agreement"),
        ErrorCase("INVALID_REFERENCE", 422, "distributor_id names no active distributor"),
        CUSTOMER_NOT_FOUND,
    ),
    scenarios=(
        Scenario(
            "through-a-distributor",
            ("A gold reseller and a distributor with an active agreement",),
            ("The reseller registers a deal routed through the distributor",),
            ("201, stage intake, source partner, channel route distributor", "deal.registered is emitted"),
        ),
        Scenario(
            "direct",
            ("A reseller",),
            ("It registers a deal routed direct",),
            ("201, channel direct_exception requested",),
        ),
        Scenario(
            "another-resellers-id",
            ("Two resellers",),
            ("One registers a deal under the other's id",),
            ("404 PARTNER_NOT_FOUND; nothing is stored",),
        ),
    ),
    examples=(
        Example(
            "register-direct",
            {**REGISTERED, "partner_id": "{partner.id}"},
            {"stage": "intake", "source": "partner", "channel": {"route": "direct", "direct_exception": "requested"}},
            201,
            setup=("contact", "partner"),
        ),
        Example(
            "register-new-customer",
            {
                **{key: value for key, value in REGISTERED.items() if key != "customer_id"},
                "partner_id": "{partner.id}",
                "customer": {"kind": "organization", "display_name": "Brand New GmbH", "country": "DE"},
            },
            {"stage": "intake", "channel": {"reseller_id": "{partner.id}"}},
            201,
            setup=("partner",),
        ),
        Example(
            "register-as-a-distributor",
            {**REGISTERED, "partner_id": "{distributor.id}"},
            None,
            409,
            setup=("contact", "distributor"),
            error_code="NOT_A_RESELLER",
        ),
    ),
)

DIRECT_EXCEPTION = Contract(
    key="sales.deal.decide_direct_exception",
    version="1.0.0",
    kind="command",
    description="Grant or deny a partner deal's request to be sold direct, without a distributor.",
    goal="Clear (or refuse) the channel of a deal a reseller wants to sell direct.",
    context="Once per deal, by an admin; who decided and when join the channel. " + _CHANNEL,
    http=Http("POST", "/sales/deals/{id}/direct-exception", 200, _ID),
    use_case=channel.decide_direct_exception,
    input=m.DirectExceptionInput,
    output=m.DealView,
    policy=ADMIN_ONLY,
    owners=_CHANNEL_OWNERS,
    tags=("deal", "partner"),
    emits=(Emits("deal.channel_changed", "1.0.0", "the exception was decided"),),
    errors=(
        NOT_FOUND,
        ErrorCase("INVALID_TRANSITION", 409, "not a direct partner deal awaiting a decision; details say why"),
    ),
    scenarios=(
        Scenario(
            "grant",
            ("A deal a reseller registered direct",),
            ("An admin grants the exception",),
            ("200, direct_exception granted, decided_by the admin; the deal may be won",),
        ),
    ),
    examples=(
        Example(
            "grant",
            {"deal_id": "{direct_deal.id}", "decision": "granted"},
            {"channel": {"direct_exception": "granted"}},
            setup=("direct_deal",),
        ),
    ),
)

REALLOCATE = Contract(
    key="sales.deal.reallocate_distributor",
    version="1.0.0",
    kind="command",
    description="Route an open partner deal through another distributor, with the reason; kept in its history.",
    goal="Move a deal to the distributor that should serve it now.",
    context=(
        "By an admin. The distributor it leaves keeps seeing the deal in its list, value and lines masked. " + _CHANNEL
    ),
    http=Http("PUT", "/sales/deals/{id}/distributor", 200, _ID),
    use_case=channel.reallocate_distributor,
    input=m.ReallocateInput,
    output=m.DealView,
    policy=ADMIN_ONLY,
    owners=_CHANNEL_OWNERS,
    tags=("deal", "partner"),
    emits=(Emits("deal.channel_changed", "1.0.0", "the deal has another distributor"),),
    errors=(
        NOT_FOUND,
        ErrorCase("INVALID_TRANSITION", 409, "the deal is closed or no partner deal"),
        ErrorCase("INVALID_REFERENCE", 422, "distributor_id names no active distributor"),
    ),
    scenarios=(
        Scenario(
            "move-on",
            ("A deal routed through distributor A",),
            ("An admin reallocates it to distributor B with a reason",),
            ("200, channel distributor B; the history has A -> B with the reason; A's list shows it masked",),
        ),
    ),
    examples=(
        Example(
            "reallocate",
            {"deal_id": "{direct_deal.id}", "distributor_id": "{distributor.id}", "reason": "Regional coverage"},
            {"channel": {"route": "distributor", "distributor_id": "{distributor.id}"}},
            setup=("direct_deal", "distributor"),
        ),
    ),
)

PARTNER_LIST = Contract(
    key="sales.deal.partner_list",
    version="1.0.0",
    kind="query",
    description="A partner's deals: those a reseller registered, those routed through a distributor now or before.",
    goal="Give each partner its own view of the pipeline it works.",
    context=(
        "Newest first. A distributor sees the value and lines of a deal rerouted away from it as null, with "
        "masked: true (masked: false elsewhere). A partner principal lists its own only."
    ),
    http=Http("GET", "/sales/partners/{id}/deals", 200, {"id": "partner_id"}),
    use_case=channel.partner_deals,
    input=m.PartnerDealsQuery,
    output=m.PartnerDealView,
    paginated=True,
    policy=PARTNER_READ,
    owners=_CHANNEL_OWNERS,
    tags=("deal", "partner"),
    errors=(PARTNER_NOT_FOUND,),
    scenarios=(
        Scenario(
            "rerouted",
            ("A deal reallocated from distributor A to B",),
            ("A lists its deals",),
            ("The deal, value and lines null, masked true",),
        ),
    ),
    examples=(
        Example(
            "list",
            {"partner_id": "{partner.id}"},
            {"__items__": [{"id": "{direct_deal.id}", "masked": False}]},
            setup=("partner", "direct_deal"),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    CREATE,
    GET,
    LIST,
    UPDATE_BASIC_INFO,
    UPDATE_VALUE,
    MOVE_STAGE,
    WIN,
    LOSE,
    DELETE,
    RESTORE,
    LIST_BY_STAGE,
    PIPELINE_STATS,
    WON_STATS,
    FORECAST,
    HISTORY,
    REGISTER,
    DIRECT_EXCEPTION,
    REALLOCATE,
    PARTNER_LIST,
)
