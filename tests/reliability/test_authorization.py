"""Authorization on every contract: no principal -> 401, a role outside the contract policy -> 403, and a
partner sees only the deals routed through its own partner id (404 otherwise, indistinguishable from an
unknown id). One shared moto account (module scope); every refused request must leave both tables as they were.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import boto3
import pytest

from kernel.contract import Contract, Role
from sales.registry import ALL
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.aws import TABLE
from tests.support.table import Snapshot

PARTNER = "partner-0001"
OTHER_PARTNER = "partner-0002"
IDS = [contract.key for contract in ALL]
NOT_FOR_PARTNERS = [contract for contract in ALL if Role.PARTNER not in contract.policy.roles]
FOR_PARTNERS = [contract for contract in ALL if Role.PARTNER in contract.policy.roles]


def _request(contract: Contract, record_id: str) -> tuple[str, dict[str, Any] | None]:
    path = contract.http.path.replace("{id}", record_id).replace("{stage}", "lead")
    return path, ({} if contract.http.method in ("POST", "PUT", "PATCH") else None)


def _call(api: Api, contract: Contract, record_id: str, **kwargs: Any) -> Any:
    path, body = _request(contract, record_id)
    return api.call(contract.http.method, path, body, **kwargs)


def _target(contract: Contract, seeded: dict[str, Any]) -> str:
    return str(seeded["contact" if contract.aggregate == "contact" else "deal"]["id"])


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
    for group in [*sorted(role.value for role in contract.policy.roles), "", "sales,partner"]:
        caller = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b003", group, PARTNER)
        reply = _call(caller, contract, str(uuid.uuid4()))
        assert reply.status not in (401, 403) and reply.status < 500, (group, reply.body)
    assert Snapshot.take() == before


# -- partners see only their own deals --------------------------------------------------------------------
@pytest.fixture(scope="module")
def routed(shared_api: Api, seeded: dict[str, Any]) -> dict[str, str]:
    """Two deals routed through partners (as the partner channel will record them): one resold by PARTNER,
    one distributed by OTHER_PARTNER. Written straight into the table: no API sets a channel yet."""
    body = {"customer_id": seeded["contact"]["id"], "value": 10, "currency": "USD"}
    made = {}
    for name, channel in (
        ("resold", {"reseller_id": PARTNER, "distributor_id": None, "route": "direct"}),
        ("distributed", {"reseller_id": None, "distributor_id": OTHER_PARTNER, "route": "distributor"}),
    ):
        deal = shared_api.post("/sales/deals", {**body, "name": name, "expected_close_date": seeded["future"]}).data
        boto3.resource("dynamodb").Table(TABLE).update_item(
            Key={"PK": f"DEAL#{deal['id']}", "SK": "DEAL"},
            UpdateExpression="SET channel = :channel",
            ExpressionAttributeValues={":channel": channel},
        )
        made[name] = deal["id"]
    return made


def _without_ids(body: Any, *ids: str) -> str:
    text = json.dumps(body, sort_keys=True)
    for record_id in ids:
        text = text.replace(record_id, "<id>")
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)


@pytest.mark.parametrize("contract", FOR_PARTNERS, ids=[contract.key for contract in FOR_PARTNERS])
def test_a_partner_reads_the_deals_routed_through_it_and_nothing_else(
    shared_api: Api, seeded: dict[str, Any], routed: dict[str, str], contract: Contract
) -> None:
    mine = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b004", "partner", PARTNER)
    theirs = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000b005", "partner", OTHER_PARTNER)
    assert _call(mine, contract, routed["resold"]).status == 200
    assert _call(theirs, contract, routed["distributed"]).status == 200

    unknown_id = str(uuid.uuid4())
    unknown = _call(mine, contract, unknown_id)
    assert unknown.status == 404 and unknown.error_code == "DEAL_NOT_FOUND"
    before = Snapshot.take()
    for caller, deal_id in ((mine, routed["distributed"]), (mine, seeded["deal"]["id"]), (theirs, routed["resold"])):
        hidden = _call(caller, contract, deal_id)
        assert hidden.status == 404, hidden.body
        assert _without_ids(hidden.body, deal_id) == _without_ids(unknown.body, unknown_id), "no existence leak"
        assert hidden.headers.get("ETag") is None
    assert Snapshot.take() == before
