"""Authorization on every contract: no principal -> 401, a role outside the contract policy -> 403, and a
partner reaches only its own records (404 otherwise, indistinguishable from an unknown id). One shared moto
account (module scope); every refused request must leave both tables as they were.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import boto3
import pytest

from kernel.contract import Contract, Role
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.aws import TABLE
from tests.support.table import Snapshot
from tools.registry import ALL

PARTNER = "partner-0001"
IDS = [contract.key for contract in ALL]
NOT_FOR_PARTNERS = [contract for contract in ALL if Role.PARTNER not in contract.policy.roles]
FOR_PARTNERS = [contract for contract in ALL if Role.PARTNER in contract.policy.roles]


def _request(contract: Contract, record_id: str) -> tuple[str, dict[str, Any] | None]:
    path = contract.http.path.replace("{id}", record_id).replace("{stage}", "lead")
    return path, ({} if contract.http.method in ("POST", "PUT", "PATCH") else None)


def _call(api: Api, contract: Contract, record_id: str, body: Any = None, **kwargs: Any) -> Any:
    path, empty = _request(contract, record_id)
    return api.call(contract.http.method, path, empty if body is None else body, **kwargs)


def _target(contract: Contract, seeded: dict[str, Any]) -> str:
    if contract.bounded_context == "billing":
        return str(
            seeded[contract.aggregate if contract.aggregate in ("job", "invoice", "payment") else "invoice"]["id"]
        )
    return str(seeded["contact" if contract.aggregate == "contact" else "deal"]["id"])


OTHER_CONTEXT = {"sales": "billing", "billing": "sales"}


@pytest.mark.parametrize("contract", ALL, ids=IDS)
def test_staff_of_one_context_are_forbidden_in_the_other(
    shared_api: Api, seeded: dict[str, Any], contract: Contract
) -> None:
    """A billing clerk may call no Sales route, and a sales rep (no group, or `sales`) no Billing route: each is
    403 on the other's records and writes nothing. Admins may call both."""
    groups = ["billing"] if contract.bounded_context == "sales" else ["sales", ""]
    before = Snapshot.take()
    for group in groups:
        caller = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b004", group)
        reply = _call(caller, contract, _target(contract, seeded))
        assert_error(reply, 403, "FORBIDDEN")
    assert Snapshot.take() == before


@pytest.mark.parametrize("contract", ALL, ids=IDS)
def test_no_principal_is_401_unauthenticated(shared_api: Api, seeded: dict[str, Any], contract: Contract) -> None:
    before = Snapshot.take()
    reply = _call(shared_api, contract, _target(contract, seeded), anonymous=True)
    assert_error(reply, 401, "UNAUTHENTICATED")
    assert Snapshot.take() == before


@pytest.mark.parametrize(
    "principal",
    [{}, {"sub": ""}, {"sub": "   "}, {"cognito:groups": "admin"}, {"sub": 42}],
    ids=["no-claims", "empty-sub", "blank-sub", "groups-without-sub", "numeric-sub"],
)
def test_claims_without_a_subject_are_no_principal(
    shared_api: Api, seeded: dict[str, Any], principal: dict[str, Any]
) -> None:
    reply = Api(principal).get(f"/sales/deals/{seeded['deal']['id']}")
    assert reply.status == 401 and reply.error_code == "UNAUTHENTICATED", reply.body


@pytest.mark.parametrize("contract", NOT_FOR_PARTNERS, ids=[contract.key for contract in NOT_FOR_PARTNERS])
def test_a_partner_only_principal_is_forbidden_where_the_policy_lacks_partner(
    shared_api: Api, seeded: dict[str, Any], contract: Contract
) -> None:
    partner = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b001", "partner", PARTNER)
    before = Snapshot.take()
    reply = _call(partner, contract, _target(contract, seeded))
    assert_error(reply, 403, "FORBIDDEN")
    assert Snapshot.take() == before


@pytest.mark.parametrize(
    ("groups", "partner_id"),
    [("partner", None), ("guest", None), ("guest,auditor", PARTNER)],
    ids=["partner-without-partner-id", "unknown-group", "unknown-groups-with-partner-id"],
)
def test_a_principal_without_a_usable_role_is_forbidden_everywhere(
    shared_api: Api, seeded: dict[str, Any], groups: str, partner_id: str | None
) -> None:
    """A `partner` whose token lacks custom:partner_id acts for nobody, and groups the service does not know
    grant nothing: neither may fall back to the sales role."""
    nobody = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b002", groups, partner_id)
    before = Snapshot.take()
    for contract in ALL:
        reply = _call(nobody, contract, _target(contract, seeded))
        assert (reply.status, reply.error_code) == (403, "FORBIDDEN"), (contract.key, reply.body)
    assert Snapshot.take() == before


@pytest.mark.parametrize("contract", ALL, ids=IDS)
def test_the_policy_roles_pass_the_role_check(shared_api: Api, contract: Contract) -> None:
    """Unknown ids and empty bodies: the request gets past authorization and fails later, writing nothing."""
    before = Snapshot.take()
    # No group at all is a sales rep; so is a sales rep who is also a partner.
    staff = ["", "sales,partner"] if Role.SALES in contract.policy.roles else []
    for group in [*sorted(role.value for role in contract.policy.roles), *staff]:
        caller = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b003", group, PARTNER)
        reply = _call(caller, contract, str(uuid.uuid4()))
        assert reply.status not in (401, 403) and reply.status < 500, (group, reply.body)
    assert Snapshot.take() == before


# -- partners see only their own records ------------------------------------------------------------------
@pytest.fixture(scope="module")
def reach(shared_api: Api, seeded: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per aggregate a partner principal may reach: the record of the seeded reseller ("mine"), the record of
    the seeded distributor ("theirs") and an internal record neither may see ("internal").

    Deals: one resold by the reseller, one distributed by the distributor, written straight into the table as
    the partner channel records them."""
    reseller, distributor = seeded["partner"]["id"], seeded["distributor"]["id"]
    body = {"customer_id": seeded["contact"]["id"], "value": 10, "currency": "USD"}
    deals = {}
    for name, channel in (
        ("mine", {"reseller_id": reseller, "distributor_id": None, "route": "direct"}),
        ("theirs", {"reseller_id": None, "distributor_id": distributor, "route": "distributor"}),
    ):
        deal = shared_api.post("/sales/deals", {**body, "name": name, "expected_close_date": seeded["future"]}).data
        boto3.resource("dynamodb").Table(TABLE).update_item(
            Key={"PK": f"DEAL#{deal['id']}", "SK": "DEAL"},
            UpdateExpression="SET channel = :channel",
            ExpressionAttributeValues={":channel": channel},
        )
        deals[name] = deal["id"]
    return {
        "lead": {
            "mine": seeded["shared_lead"]["id"],
            "theirs": seeded["their_lead"]["id"],
            "theirs_as": seeded["other_reseller"]["id"],
            "internal": seeded["lead"]["id"],
        },
        "agreement": {
            "mine": seeded["agreement"]["id"],
            "theirs": seeded["foreign_agreement"]["id"],
            "internal": seeded["internal_agreement"]["id"],
        },
        "deal": {**deals, "internal": seeded["deal"]["id"]},
        "partner": {"mine": reseller, "theirs": distributor, "internal": seeded["suspended_partner"]["id"]},
    }


def _without_ids(body: Any, *ids: str) -> str:
    text = json.dumps(body, sort_keys=True)
    for record_id in ids:
        text = text.replace(record_id, "<id>")
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)


def _not_found_code(contract: Contract) -> str:
    return next(case.code for case in contract.errors if case.status == 404)


def _records_of(contract: Contract) -> str:
    """Which records a route's `{id}` names: a partner's under /sales/partners, else the aggregate's."""
    return "partner" if contract.http.path.startswith("/sales/partners/") else contract.aggregate


# A valid body for the partner routes that take one (a reseller registering a deal direct).
BODIES: dict[str, Any] = {
    "sales.deal.register": lambda seeded: {
        "customer_id": seeded["contact"]["id"],
        "name": "Walked registration",
        "value": 100,
        "currency": "EUR",
        "expected_close_date": seeded["future"],
        "route": "direct",
    }
}


def test_every_partner_route_is_walked() -> None:
    """A route opened to partners names the records a partner reaches on it (the fixture above)."""
    assert {_records_of(contract) for contract in FOR_PARTNERS} <= {"deal", "partner", "agreement", "lead"}
    assert all(contract.http.method == "GET" or contract.key in BODIES for contract in FOR_PARTNERS)


@pytest.mark.parametrize("contract", FOR_PARTNERS, ids=[contract.key for contract in FOR_PARTNERS])
def test_a_partner_reaches_its_own_records_and_nothing_else(
    shared_api: Api, seeded: dict[str, Any], reach: dict[str, dict[str, str]], contract: Contract
) -> None:
    records = reach[_records_of(contract)]
    mine = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b004", "partner", seeded["partner"]["id"])
    theirs = shared_api.as_user(
        "0192f1c4-7d3e-7a10-8b55-00000000b005", "partner", records.get("theirs_as", seeded["distributor"]["id"])
    )
    body = BODIES[contract.key](seeded) if contract.key in BODIES else None
    walked = _call(mine, contract, records["mine"], body=body)
    assert walked.status in (200, 201), walked.body
    if contract.key not in BODIES:  # a distributor registers nothing: its own route answers 409 NOT_A_RESELLER
        assert _call(theirs, contract, records["theirs"]).status == 200

    unknown_id = str(uuid.uuid4())
    unknown = _call(mine, contract, unknown_id, body=body)
    assert unknown.status == 404 and unknown.error_code == _not_found_code(contract)
    before = Snapshot.take()
    for caller, record_id in ((mine, records["theirs"]), (mine, records["internal"]), (theirs, records["mine"])):
        hidden = _call(caller, contract, record_id, body=body)
        assert hidden.status == 404, hidden.body
        assert _without_ids(hidden.body, record_id) == _without_ids(unknown.body, unknown_id), "no existence leak"
        assert hidden.headers.get("ETag") is None
    assert Snapshot.take() == before
