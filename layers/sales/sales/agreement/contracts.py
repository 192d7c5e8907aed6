"""The distribution agreement operations: make one, read one, list a partner's, activate, terminate."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Policy, Role, Scenario
from sales.agreement import use_cases as use
from sales.agreement import views as m
from sales.partner.contracts import ADMIN
from sales.partner.contracts import NOT_FOUND as PARTNER_NOT_FOUND

_OWNERS = ("@sales-channel",)
_ID = {"id": "agreement_id"}
# A partner principal reads the agreements it is a party to (any other is unknown to it).
PARTIES = Policy(roles=frozenset({Role.SALES, Role.ADMIN, Role.PARTNER}))
NOT_FOUND = ErrorCase("AGREEMENT_NOT_FOUND", 404, "no agreement has this id, or the calling partner is no party to it")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the agreement's status does not allow it; details name the current status"
)
_RULES = (
    "Status runs pending -> active -> terminated (or pending -> terminated); two active agreements of one reseller "
    "and distributor never overlap in time. A terminated agreement clears no deal any more."
)
NEW = {
    "reseller_id": "{partner.id}",
    "distributor_id": "{distributor.id}",
    "territory": ["DE", "at"],
    "starts_on": "2026-01-01",
}

CREATE = Contract(
    key="sales.agreement.create",
    version="1.0.0",
    kind="command",
    description="Make a pending distribution agreement: a reseller may route deals through a distributor.",
    goal="Record which distributor serves a reseller, where and when.",
    context="The territory is ISO 3166-1 alpha-2 codes (stored upper-case, sorted, once each). " + _RULES,
    http=Http("POST", "/sales/distribution-agreements", 201),
    use_case=use.create_agreement,
    input=m.CreateAgreementInput,
    output=m.AgreementView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner", "agreement"),
    emits=(Emits("agreement.created", "1.0.0", "the agreement is stored, pending"),),
    errors=(ErrorCase("INVALID_REFERENCE", 422, "a party is no partner, or not of the subtype its side needs"),),
    scenarios=(
        Scenario(
            "make-an-agreement",
            ("A reseller and a distributor",),
            ("An admin makes an agreement for DE and AT from January",),
            ("201, pending, territory [AT, DE]",),
        ),
        Scenario(
            "swapped-parties",
            ("A reseller and a distributor",),
            ("An admin names the distributor as reseller",),
            ("422 INVALID_REFERENCE naming both sides",),
        ),
    ),
    examples=(
        Example("make", NEW, {"status": "pending", "territory": ["AT", "DE"]}, 201, setup=("partner", "distributor")),
        Example(
            "swapped",
            {**NEW, "reseller_id": "{distributor.id}", "distributor_id": "{partner.id}"},
            None,
            422,
            setup=("partner", "distributor"),
            error_code="INVALID_REFERENCE",
        ),
    ),
)

GET = Contract(
    key="sales.agreement.get",
    version="1.0.0",
    kind="query",
    description="Read one distribution agreement.",
    goal="Show an agreement's parties, territory, dates and status.",
    context="A partner principal reads the agreements it is a party to. " + _RULES,
    http=Http("GET", "/sales/distribution-agreements/{id}", 200, _ID),
    use_case=use.get_agreement,
    input=m.AgreementRef,
    output=m.AgreementView,
    policy=PARTIES,
    owners=_OWNERS,
    tags=("partner", "agreement"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get", ("An agreement",), ("Read it",), ("Its parties and dates",)),),
    examples=(
        Example("get", {"agreement_id": "{agreement.id}"}, {"id": "{agreement.id}"}, setup=("agreement",)),
        Example(
            "get-unknown",
            {"agreement_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="AGREEMENT_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="sales.agreement.list",
    version="1.0.0",
    kind="query",
    description="A partner's distribution agreements, as reseller or distributor, newest first.",
    goal="See whom a partner works with.",
    context="A partner principal lists its own only.",
    http=Http("GET", "/sales/partners/{id}/agreements", 200, {"id": "partner_id"}),
    use_case=use.partner_agreements,
    input=m.PartnerAgreementsQuery,
    output=m.AgreementView,
    paginated=True,
    policy=PARTIES,
    owners=_OWNERS,
    tags=("partner", "agreement"),
    errors=(PARTNER_NOT_FOUND,),
    scenarios=(Scenario("both-sides", ("An agreement",), ("List the distributor's",), ("The agreement is there",)),),
    examples=(
        Example(
            "list",
            {"partner_id": "{agreement.distributor_id}"},
            {"__items__": [{"id": "{agreement.id}"}]},
            setup=("agreement",),
        ),
    ),
)

ACTIVATE = Contract(
    key="sales.agreement.activate",
    version="1.0.0",
    kind="command",
    description="Bring a pending agreement into force.",
    goal="Let the reseller route deals through the distributor.",
    context=(
        "Refused with 409 AGREEMENT_OVERLAP when another active agreement of the pair overlaps its dates, also "
        "when two activations race (the pair's active agreements are one item under a version). " + _RULES
    ),
    http=Http("POST", "/sales/distribution-agreements/{id}/activate", 200, _ID),
    use_case=use.activate_agreement,
    input=m.AgreementRef,
    output=m.AgreementView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner", "agreement"),
    emits=(Emits("agreement.activated", "1.0.0", "the agreement is active"),),
    errors=(
        NOT_FOUND,
        INVALID_TRANSITION,
        ErrorCase("AGREEMENT_OVERLAP", 409, "an active agreement of the pair overlaps; details name it"),
    ),
    scenarios=(
        Scenario(
            "overlap",
            ("An active agreement of a pair from January, open-ended",),
            ("An admin activates another of the pair from June",),
            ("409 AGREEMENT_OVERLAP naming the first",),
        ),
    ),
    examples=(Example("activate", {"agreement_id": "{agreement.id}"}, {"status": "active"}, setup=("agreement",)),),
)

TERMINATE = Contract(
    key="sales.agreement.terminate",
    version="1.0.0",
    kind="command",
    description="End an agreement, pending or active; it clears no deal from now on.",
    goal="Stop a reseller routing deals through a distributor.",
    context=_RULES,
    http=Http("POST", "/sales/distribution-agreements/{id}/terminate", 200, _ID),
    use_case=use.terminate_agreement,
    input=m.AgreementRef,
    output=m.AgreementView,
    policy=ADMIN,
    owners=_OWNERS,
    tags=("partner", "agreement"),
    emits=(Emits("agreement.terminated", "1.0.0", "the agreement ended"),),
    errors=(NOT_FOUND, INVALID_TRANSITION),
    scenarios=(
        Scenario("terminate-twice", ("A terminated agreement",), ("Terminate it",), ("409 INVALID_TRANSITION",)),
    ),
    examples=(
        Example("terminate", {"agreement_id": "{agreement.id}"}, {"status": "terminated"}, setup=("agreement",)),
    ),
)

CONTRACTS: tuple[Contract, ...] = (CREATE, GET, LIST, ACTIVATE, TERMINATE)
