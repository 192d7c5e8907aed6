"""Every deal route through its real handler under moto: payloads, status codes, error codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support import table
from tests.support.api import Api
from tests.support.assertions import RFC3339_UTC, assert_error
from tests.support.events import DEFAULT_USER
from tests.support.samples import OTHER_USER, SEED_CUSTOMER, SEED_REP, UNKNOWN_DEAL, seed_body, utc_today

NewDeal = Callable[..., dict[str, Any]]


# -- 1. create --------------------------------------------------------------------------------------
def test_create_with_the_seed_payload(api: Api, contact: dict, future: str) -> None:
    reply = api.post("/sales/deals", seed_body(contact["id"], future))
    assert reply.status == 201, reply.body
    assert reply.body["status"] == "success"
    data = reply.data
    assert {key: data[key] for key in ("customer_id", "assigned_to", "name", "value", "currency")} == {
        "customer_id": contact["id"],
        "assigned_to": SEED_REP,
        "name": "Enterprise Software License",
        "value": 50000000,
        "currency": "USD",
    }
    assert data["stage"] == "lead"
    assert data["probability"] == 10
    assert data["source"] == "inbound"
    assert data["status"] == "open"
    assert data["expected_close_date"] == future
    assert data["actual_close_date"] is None
    assert data["loss_reason"] is None
    assert data["actual_value"] is None
    assert data["note"] is None
    assert data["tags"] == []
    assert data["lines"] == []
    assert data["opportunity_id"] is None and data["variant_id"] is None and data["quote_id"] is None
    assert data["channel"] == {
        "reseller_id": None,
        "distributor_id": None,
        "route": "direct",
        "direct_exception": None,
        "decided_by": None,
        "decided_at": None,
    }
    assert data["version"] == 1
    assert uuid.UUID(data["id"]).version == 7
    assert RFC3339_UTC.match(data["created_at"]) and data["created_at"] == data["updated_at"]
    assert reply.headers["ETag"] == '"1"'
    assert all(key == key.lower() for key in data), "responses are snake_case"


def test_created_deal_is_readable(api: Api, deal: dict) -> None:
    reply = api.get(f"/sales/deals/{deal['id']}")
    assert reply.status == 200
    assert reply.data == deal


def test_assigned_to_defaults_to_the_caller(api: Api, contact: dict, future: str) -> None:
    body = seed_body(contact["id"], future)
    del body["assigned_to"]
    assert api.post("/sales/deals", body).data["assigned_to"] == DEFAULT_USER
    other = api.as_user(OTHER_USER)
    assert other.post("/sales/deals", body).data["assigned_to"] == OTHER_USER


def test_create_accepts_camel_case(api: Api, contact: dict, future: str) -> None:
    reply = api.post(
        "/sales/deals",
        {
            "customerId": contact["id"],
            "assignedTo": SEED_REP,
            "name": "Cloud Migration Project",
            "value": 120000,
            "currency": "JPY",
            "expectedCloseDate": future,
        },
    )
    assert reply.status == 201, reply.body
    assert reply.data["customer_id"] == contact["id"]
    assert reply.data["assigned_to"] == SEED_REP
    assert reply.data["expected_close_date"] == future
    assert (reply.data["value"], reply.data["currency"]) == (120000, "JPY")


def test_create_with_source_and_tags(api: Api, contact: dict, future: str) -> None:
    body = {**seed_body(contact["id"], future), "source": "referral", "tags": ["vip", "renewal", "vip"]}
    reply = api.post("/sales/deals", body)
    assert reply.status == 201, reply.body
    assert reply.data["source"] == "referral"
    assert reply.data["tags"] == ["vip", "renewal"]


def test_create_in_other_currencies_and_at_the_bounds(api: Api, contact: dict, future: str) -> None:
    for currency, value in (("JPY", 1), ("KWD", 1234567), ("EUR", 10**15), ("CHF", 1)):
        reply = api.post("/sales/deals", {**seed_body(contact["id"], future), "currency": currency, "value": value})
        assert reply.status == 201, reply.body
        assert (reply.data["value"], reply.data["currency"]) == (value, currency)


def test_create_writes_the_deal_its_history_and_deal_created_in_one_go(api: Api, contact: dict, future: str) -> None:
    reply = api.post("/sales/deals", seed_body(contact["id"], future), headers={"X-Correlation-Id": "corr-create-1"})
    deal_id = reply.data["id"]
    [row] = table.deal_outbox(deal_id)
    assert row["event_type"] == "deal.created"
    assert row["event_version"] == "1.0.0"
    assert row["source"] == "sales"
    assert row["aggregate_id"] == deal_id
    assert row["aggregate_type"] == "Deal"
    assert row["aggregate_version"] == 1
    assert row["actor"] == DEFAULT_USER
    assert row["correlation_id"] == "corr-create-1"
    assert reply.headers["X-Correlation-Id"] == "corr-create-1"
    assert uuid.UUID(row["event_id"]).version == 7
    assert RFC3339_UTC.match(row["occurred_at"])
    assert row["payload"] == {
        "deal_id": deal_id,
        "customer_id": contact["id"],
        "assigned_to": SEED_REP,
        "name": "Enterprise Software License",
        "value": 50000000,
        "currency": "USD",
        "stage": "lead",
        "probability": 10,
        "source": "inbound",
        "expected_close_date": future,
    }
    [history] = table.partition(f"DEAL#{deal_id}", "HISTORY#")
    assert (history.get("from_stage"), history["to_stage"], history["actor"]) == (None, "lead", DEFAULT_USER)


BAD_CREATE_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"value": 0}, "value"),
    ({"value": -1}, "value"),
    ({"value": -50000000}, "value"),
    ({"value": 500.5}, "value"),
    ({"value": 500.0}, "value"),
    ({"value": "100"}, "value"),
    ({"value": True}, "value"),
    ({"value": None}, "value"),
    ({"value": 10**15 + 1}, "value"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "usd"}, "currency"),
    ({"currency": "XAU"}, "currency"),
    ({"currency": "US"}, "currency"),
    ({"currency": 840}, "currency"),
    ({"expected_close_date": "2020-01-01"}, "expected_close_date"),
    ({"expected_close_date": "31/03/2027"}, "expected_close_date"),
    ({"expected_close_date": "2027-02-30"}, "expected_close_date"),
    ({"expected_close_date": "2027-03-31T00:00:00Z"}, "expected_close_date"),
    ({"name": "x" * 201}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": 42}, "name"),
    ({"unexpected": 1}, "unexpected"),
    ({"stage": "qualified"}, "stage"),  # a deal always starts in lead: stage is not an input
    ({"customer_id": "not-a-uuid"}, "customer_id"),
    ({"assigned_to": "not-a-uuid"}, "assigned_to"),
    ({"source": "cold-call"}, "source"),
    ({"tags": ["x" * 51]}, "tags[0]"),
]


def test_create_rejects_bad_input_and_writes_nothing(api: Api, contact: dict, future: str, subtests: Any) -> None:
    for change, field in BAD_CREATE_INPUT:
        with subtests.test(change=change):
            with table.nothing_written():
                reply = api.post("/sales/deals", {**seed_body(contact["id"], future), **change})
            assert_error(reply, 400, "VALIDATION_ERROR", field)


def test_create_rejects_today_as_expected_close_date(api: Api, contact: dict) -> None:
    with table.nothing_written():
        reply = api.post("/sales/deals", seed_body(contact["id"], utc_today()))
    assert_error(reply, 400, "VALIDATION_ERROR", "expected_close_date")


def test_camel_case_past_date_names_the_field(api: Api, contact: dict) -> None:
    body = seed_body(contact["id"], "2020-01-01")
    body["expectedCloseDate"] = body.pop("expected_close_date")
    reply = api.post("/sales/deals", body)
    assert_error(reply, 400, "VALIDATION_ERROR")
    fields = [issue["field"] for issue in reply.body["error"]["details"]]
    assert fields and all("close" in name.lower() for name in fields)


def test_create_requires_each_seed_field(api: Api, contact: dict, future: str, subtests: Any) -> None:
    for missing in ("customer_id", "name", "value", "currency", "expected_close_date"):
        with subtests.test(missing=missing):
            body = seed_body(contact["id"], future)
            del body[missing]
            with table.nothing_written():
                reply = api.post("/sales/deals", body)
            # Error details name fields as the API documents them: snake_case.
            assert_error(reply, 400, "VALIDATION_ERROR", missing)


def test_create_rejects_bodies_that_are_not_a_json_object(api: Api, subtests: Any) -> None:
    for raw in ("{not json", "[]", '"text"', "NaN", '{"value": NaN}', ""):
        with subtests.test(raw=raw):
            with table.nothing_written():
                reply = api.call("POST", "/sales/deals", raw_body=raw)
            assert reply.status == 400, reply.body
            assert reply.error_code in {"MALFORMED_JSON", "VALIDATION_ERROR"}


def test_create_for_an_unknown_customer_is_422(api: Api, future: str) -> None:
    with table.nothing_written():
        reply = api.post("/sales/deals", seed_body(SEED_CUSTOMER, future))
    assert_error(reply, 422, "CUSTOMER_NOT_FOUND", "customer_id")


def test_create_for_a_deleted_customer_is_422(api: Api, new_contact: Callable[..., dict], future: str) -> None:
    customer = new_contact()
    assert api.delete(f"/sales/contacts/{customer['id']}").status == 204
    with table.nothing_written():
        reply = api.post("/sales/deals", seed_body(customer["id"], future))
    assert_error(reply, 422, "CUSTOMER_NOT_FOUND", "customer_id")


# -- 2. get -----------------------------------------------------------------------------------------
def test_get_returns_etag_with_the_version(api: Api, deal: dict) -> None:
    reply = api.get(f"/sales/deals/{deal['id']}")
    assert reply.status == 200
    assert reply.headers["ETag"] == f'"{reply.data["version"]}"' == '"1"'
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
    reply = api.get(f"/sales/deals/{deal['id']}")
    assert reply.headers["ETag"] == '"2"'
    assert reply.data["version"] == 2


def test_get_accepts_an_uppercase_uuid(api: Api, deal: dict) -> None:
    reply = api.get(f"/sales/deals/{deal['id'].upper()}")
    assert reply.status == 200
    assert reply.data["id"] == deal["id"]


@pytest.mark.parametrize(
    "bad_id",
    ["not-a-uuid", "123", "019b72b7-339c-73ca-850c-8459913f2cdz", "{019b72b7-339c-73ca-850c-8459913f2cd}"],
)
def test_get_with_a_non_uuid_id_is_400(api: Api, bad_id: str) -> None:
    assert_error(api.get(f"/sales/deals/{bad_id}"), 400, "VALIDATION_ERROR", "deal_id")


def test_get_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.get(f"/sales/deals/{UNKNOWN_DEAL}"), 404, "DEAL_NOT_FOUND")


# -- 4. basic info ----------------------------------------------------------------------------------
def test_update_basic_info_seed_payload(api: Api, deal: dict, days_ahead: Callable[[int], str]) -> None:
    later = days_ahead(150)
    reply = api.put(
        f"/sales/deals/{deal['id']}/basic-info", {"name": "Enterprise License + Support", "expected_close_date": later}
    )
    assert reply.status == 200, reply.body
    assert reply.data["name"] == "Enterprise License + Support"
    assert reply.data["expected_close_date"] == later
    assert reply.data["version"] == 2
    assert reply.headers["ETag"] == '"2"'
    unchanged = {"value", "currency", "stage", "probability", "customer_id", "assigned_to", "source", "created_at"}
    assert {key: reply.data[key] for key in unchanged} == {key: deal[key] for key in unchanged}
    assert reply.data["updated_at"] >= deal["updated_at"]
    assert api.get(f"/sales/deals/{deal['id']}").data == reply.data


def test_update_basic_info_partial_and_camel_case(api: Api, deal: dict, days_ahead: Callable[[int], str]) -> None:
    later = days_ahead(200)
    reply = api.put(
        f"/sales/deals/{deal['id']}/basic-info",
        {"expectedCloseDate": later, "assignedTo": SEED_REP, "source": "outbound", "tags": ["key"]},
    )
    assert reply.status == 200, reply.body
    assert reply.data["name"] == deal["name"]
    assert reply.data["expected_close_date"] == later
    assert reply.data["assigned_to"] == SEED_REP
    assert reply.data["source"] == "outbound"
    assert reply.data["tags"] == ["key"]


def test_update_basic_info_rejects_bad_input(api: Api, deal: dict, subtests: Any) -> None:
    cases = [
        ({"expected_close_date": "2020-01-01"}, "expected_close_date"),
        ({"expected_close_date": utc_today()}, "expected_close_date"),
        ({"name": "x" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"value": 1}, "value"),  # value has its own route
        ({"stage": "proposal"}, "stage"),  # and so has the stage
        ({"assigned_to": "rep-1"}, "assigned_to"),
    ]
    for body, field in cases:
        with subtests.test(body=body):
            with table.nothing_written():
                reply = api.put(f"/sales/deals/{deal['id']}/basic-info", body)
            assert_error(reply, 400, "VALIDATION_ERROR", field)


def test_update_basic_info_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.put(f"/sales/deals/{UNKNOWN_DEAL}/basic-info", {"name": "x"}), 404, "DEAL_NOT_FOUND")


# -- 5. value ---------------------------------------------------------------------------------------
def test_update_value_seed_payload(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 75000000, "currency": "USD"})
    assert reply.status == 200, reply.body
    assert (reply.data["value"], reply.data["currency"]) == (75000000, "USD")
    assert reply.data["version"] == 2
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == ["deal.created", "deal.value_changed"]
    assert rows[-1]["aggregate_version"] == 2
    assert rows[-1]["payload"] == {
        "deal_id": deal["id"],
        "previous_value": 50000000,
        "previous_currency": "USD",
        "value": 75000000,
        "currency": "USD",
    }


def test_update_value_to_another_currency(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 1000, "currency": "KWD"})
    assert reply.status == 200, reply.body
    assert (reply.data["value"], reply.data["currency"]) == (1000, "KWD")


def test_update_value_to_the_same_value_changes_nothing(api: Api, deal: dict) -> None:
    with table.nothing_written():
        reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 50000000, "currency": "USD"})
    assert reply.status == 200
    assert reply.data["version"] == 1


def test_update_value_rejects_bad_money(api: Api, deal: dict, subtests: Any) -> None:
    cases = [
        ({"value": 0, "currency": "USD"}, "value"),
        ({"value": -5, "currency": "USD"}, "value"),
        ({"value": 500.5, "currency": "USD"}, "value"),
        ({"value": "100", "currency": "USD"}, "value"),
        ({"value": True, "currency": "USD"}, "value"),
        ({"value": 100, "currency": "XYZ"}, "currency"),
        ({"value": 100, "currency": "eur"}, "currency"),
        ({"value": 100}, "currency"),
        ({"currency": "USD"}, "value"),
    ]
    for body, field in cases:
        with subtests.test(body=body):
            with table.nothing_written():
                reply = api.put(f"/sales/deals/{deal['id']}/value", body)
            assert_error(reply, 400, "VALIDATION_ERROR", field)


@pytest.mark.parametrize("close", ["win", "lose"])
def test_update_value_of_a_closed_deal_is_refused(api: Api, deal: dict, close: str) -> None:
    assert api.post(f"/sales/deals/{deal['id']}/{close}", {}).status == 200
    with table.nothing_written():
        reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 1, "currency": "USD"})
    assert_error(reply, 400, "UPDATE_VALUE_FAILED")


def test_update_value_unknown_deal_is_404(api: Api) -> None:
    reply = api.put(f"/sales/deals/{UNKNOWN_DEAL}/value", {"value": 1, "currency": "USD"})
    assert_error(reply, 404, "DEAL_NOT_FOUND")


# -- auth -------------------------------------------------------------------------------------------
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/sales/deals", {"name": "x"}),
    ("GET", "/sales/deals/{id}", None),
    ("GET", "/sales/deals", None),
    ("PUT", "/sales/deals/{id}/basic-info", {"name": "x"}),
    ("PUT", "/sales/deals/{id}/value", {"value": 1, "currency": "USD"}),
    ("PUT", "/sales/deals/{id}/stage", {"stage": "qualified"}),
    ("POST", "/sales/deals/{id}/win", {}),
    ("POST", "/sales/deals/{id}/lose", {}),
    ("DELETE", "/sales/deals/{id}", None),
    ("POST", "/sales/deals/{id}/restore", None),
    ("GET", "/sales/deals/stage/lead", None),
    ("GET", "/sales/deals/stats/pipeline", None),
    ("GET", "/sales/deals/stats/won", None),
    ("GET", "/sales/deals/stats/forecast", None),
    ("GET", "/sales/deals/{id}/history", None),
]


def test_every_route_requires_a_principal(api: Api, deal: dict, subtests: Any) -> None:
    for method, path, body in ROUTES:
        with subtests.test(route=f"{method} {path}"):
            with table.nothing_written():
                reply = api.call(method, path.format(id=deal["id"]), body, anonymous=True)
            assert_error(reply, 401, "UNAUTHENTICATED")


# Partners may read the deals routed through them; any other deal answers like an unknown id (no existence leak).
PARTNER_READABLE = {("GET", "/sales/deals/{id}"), ("GET", "/sales/deals/{id}/history")}


def test_a_partner_only_principal_is_forbidden(api: Api, deal: dict, subtests: Any) -> None:
    partner = api.as_user(OTHER_USER, "partner", partner_id="019b72b7-0000-7000-8000-000000000001")
    for method, path, body in ROUTES:
        with subtests.test(route=f"{method} {path}"):
            with table.nothing_written():
                reply = partner.call(method, path.format(id=deal["id"]), body)
            if (method, path) in PARTNER_READABLE:
                assert_error(reply, 404, "DEAL_NOT_FOUND")
            else:
                assert_error(reply, 403, "FORBIDDEN")


def test_a_principal_without_sub_is_unauthenticated(api: Api, deal: dict) -> None:
    nobody = Api({"cognito:groups": "sales"})
    assert_error(nobody.get(f"/sales/deals/{deal['id']}"), 401, "UNAUTHENTICATED")
    blank = Api({"sub": "  ", "cognito:groups": "sales"})
    assert_error(blank.get(f"/sales/deals/{deal['id']}"), 401, "UNAUTHENTICATED")


def test_a_partner_group_without_partner_id_gains_no_sales_rights(api: Api, deal: dict) -> None:
    """A partner acts only for its own partner id; without one it may act for nobody."""
    partner = api.as_user(OTHER_USER, "partner")
    with table.nothing_written():
        moved = partner.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
        read = partner.get(f"/sales/deals/{deal['id']}")
    assert_error(moved, 403, "FORBIDDEN")
    assert read.status in (403, 404), read.body


def test_sales_and_admin_principals_are_allowed(api: Api, deal: dict, subtests: Any) -> None:
    stages = iter(["qualified", "proposal", "negotiation", "qualified", "proposal"])
    for groups in ("sales", "admin", "sales,partner", "admin sales", "[sales]"):
        with subtests.test(groups=groups):
            caller = api.as_user(OTHER_USER, groups, partner_id="019b72b7-0000-7000-8000-000000000001")
            reply = caller.put(f"/sales/deals/{deal['id']}/stage", {"stage": next(stages)})
            assert reply.status == 200, reply.body
            assert api.get(f"/sales/deals/{deal['id']}/history").data["entries"][-1]["actor"] == OTHER_USER


def test_error_bodies_never_leak_internals(api: Api) -> None:
    reply = api.call("POST", "/sales/deals", raw_body='{"value": ' + "[" * 50 + "]" * 50 + "}")
    assert reply.status == 400
    assert set(reply.body) == {"status", "error"}
    assert "Traceback" not in str(reply.body)


# -- Idempotency-Key ----------------------------------------------------------------
def test_idempotency_key_replays_a_create(api: Api, contact: dict, future: str) -> None:
    body = seed_body(contact["id"], future)
    first = api.post("/sales/deals", body, headers={"Idempotency-Key": "create-1"})
    assert first.status == 201, first.body
    with table.nothing_written():
        again = api.post("/sales/deals", body, headers={"Idempotency-Key": "create-1"})
        camel = {"customerId": body["customer_id"], **{k: v for k, v in body.items() if k != "customer_id"}}
        spelled_otherwise = api.post("/sales/deals", camel, headers={"Idempotency-Key": "create-1"})
    assert (again.status, again.body) == (201, first.body)
    assert (spelled_otherwise.status, spelled_otherwise.body) == (201, first.body)
    assert api.get("/sales/deals").body["pagination"]["total"] == 1
    assert table.event_types(table.deal_outbox(first.data["id"])) == ["deal.created"]


def test_idempotency_key_reused_with_another_body_is_422(api: Api, contact: dict, future: str) -> None:
    body = seed_body(contact["id"], future)
    api.post("/sales/deals", body, headers={"Idempotency-Key": "create-2"})
    with table.nothing_written():
        reply = api.post("/sales/deals", {**body, "value": 1}, headers={"Idempotency-Key": "create-2"})
    assert_error(reply, 422, "IDEMPOTENCY_KEY_REUSED")


def test_idempotency_keys_are_scoped_per_caller_and_operation(api: Api, contact: dict, future: str) -> None:
    body = seed_body(contact["id"], future)
    mine = api.post("/sales/deals", body, headers={"Idempotency-Key": "shared"})
    theirs = api.as_user(OTHER_USER).post("/sales/deals", body, headers={"Idempotency-Key": "shared"})
    assert mine.status == theirs.status == 201
    assert mine.data["id"] != theirs.data["id"]
    won = api.post(f"/sales/deals/{mine.data['id']}/win", {}, headers={"Idempotency-Key": "shared"})
    assert won.status == 200, won.body
    assert won.data["stage"] == "closed_won"


def test_idempotency_key_replays_a_win_instead_of_refusing_it(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}/win"
    first = api.post(path, {"actual_value": 52000}, headers={"Idempotency-Key": "win-1"})
    assert first.status == 200, first.body
    with table.nothing_written():
        again = api.post(path, {"actual_value": 52000}, headers={"Idempotency-Key": "win-1"})
    assert (again.status, again.body) == (200, first.body)
    assert_error(api.post(path, {"actual_value": 52000}), 400, "MARK_WON_FAILED")  # without the key
    assert table.event_types(table.deal_outbox(deal["id"])) == ["deal.created", "deal.won"]


def test_a_refused_command_does_not_burn_its_idempotency_key(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    api.post(f"{path}/lose", {})
    refused = api.post(f"{path}/win", {}, headers={"Idempotency-Key": "win-after-lose"})
    assert_error(refused, 400, "MARK_WON_FAILED")
    again = api.post(f"{path}/win", {}, headers={"Idempotency-Key": "win-after-lose"})
    assert_error(again, 400, "MARK_WON_FAILED")


def test_malformed_idempotency_key_is_400(api: Api, contact: dict, future: str) -> None:
    for key in ("x" * 129, "has space", "ümlaut"):
        with table.nothing_written():
            reply = api.post("/sales/deals", seed_body(contact["id"], future), headers={"Idempotency-Key": key})
        assert_error(reply, 400, "VALIDATION_ERROR")
