"""The front of the funnel over HTTP under the local runtime (`make dev`): campaigns through their statuses and
their figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e


def test_a_campaign_from_plan_to_completion_over_http(sales_server: LocalServer) -> None:
    body = {"name": "E2E webinar", "type": "webinar", "budget": {"amount": 250000, "currency": "EUR"}}
    created = sales_server.request("POST", "/sales/campaigns", body)
    assert created.status == 201, created.body
    campaign = created.json["data"]
    assert (campaign["status"], campaign["budget"]) == ("planned", {"amount": 250000, "currency": "EUR"})
    path = f"/sales/campaigns/{campaign['id']}"

    early = sales_server.request("POST", f"{path}/complete")
    assert early.status == 409 and early.json["error"]["code"] == "INVALID_TRANSITION"
    assert early.json["error"]["details"] == [{"field": "status", "message": "planned"}]
    assert sales_server.request("POST", f"{path}/activate").json["data"]["status"] == "active"
    listed = sales_server.request("GET", "/sales/campaigns?status=active&type=webinar").json["data"]
    assert campaign["id"] in [item["id"] for item in listed]
    moved = sales_server.request("PATCH", path, {"ends_on": "2099-12-31"})
    assert moved.status == 200 and moved.json["data"]["ends_on"] == "2099-12-31"
    assert sales_server.request("POST", f"{path}/complete").json["data"]["status"] == "completed"
    frozen = sales_server.request("PATCH", path, {"name": "Renamed"})
    assert frozen.status == 409 and frozen.json["error"]["code"] == "INVALID_TRANSITION"

    stats = sales_server.request("GET", f"{path}/stats")
    assert stats.status == 200, stats.body
    figures = stats.json["data"]
    assert (figures["leads"], figures["won_deals"], figures["cost_per_lead"]) == (0, 0, None)


def test_the_funnel_from_campaign_to_won_deal_over_http(sales_server: LocalServer) -> None:
    """campaign -> lead (source campaign) -> start -> qualify -> convert -> two EUR variants -> compare ->
    validate -> confirm -> win; then the campaign's won value in EUR, the deal's lines and deal.won."""
    server = sales_server

    def ok(method: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
        reply = server.request(method, path, body)
        assert reply.status == status, (method, path, reply.body)
        return dict(reply.json["data"])

    customer = ok("POST", "/sales/contacts", {"kind": "organization", "display_name": "Funnel GmbH"}, 201)
    budget = {"amount": 100000, "currency": "EUR"}
    campaign = ok("POST", "/sales/campaigns", {"name": "Funnel fair", "type": "event", "budget": budget}, 201)
    ok("POST", f"/sales/campaigns/{campaign['id']}/activate")
    lead_body = {"contact_id": customer["id"], "source": "campaign", "campaign_id": campaign["id"], "title": "Fleet"}
    lead = ok("POST", "/sales/leads", lead_body, 201)
    assert ok("POST", f"/sales/leads/{lead['id']}/start")["status"] == "working"
    assert ok("POST", f"/sales/leads/{lead['id']}/qualify")["status"] == "qualified"
    offer = ok("POST", f"/sales/leads/{lead['id']}/convert", {"opportunity_name": "Funnel fleet"}, 201)
    assert (offer["lead_id"], offer["status"]) == (lead["id"], "exploring")
    again = server.request("POST", f"/sales/leads/{lead['id']}/convert", {})
    assert again.status == 409 and again.json["error"]["code"] == "LEAD_ALREADY_CONVERTED"

    path = f"/sales/opportunities/{offer['id']}"
    devices = {"description": "Device", "product_code": "DEV-1", "quantity": 40, "unit_price": 19900}
    ok("POST", f"{path}/variants", {"name": "Standard", "currency": "EUR", "lines": [devices]}, 201)
    support = {"description": "Support", "product_code": "SUP-1", "quantity": 1, "unit_price": 50000}
    plus = [{**devices, "discount_percent": "12.5"}, support]
    offer = ok("POST", f"{path}/variants", {"name": "Plus", "currency": "EUR", "lines": plus}, 201)
    standard, premium = offer["variants"]
    assert (standard["total"], premium["total"]) == (796000, 746500)  # 40 x 199.00; 696500 + 500.00
    compared = ok("GET", f"{path}/compare")
    assert compared["cheapest_by_currency"] == {"EUR": premium["id"]}
    support_row = next(row for row in compared["lines"] if row["key"] == "SUP-1")
    assert support_row["per_variant"][standard["id"]] is None
    ok("POST", f"{path}/validate", {"variant_id": premium["id"]})
    deal = ok("POST", f"{path}/confirm", {"expected_close_date": "2099-06-30"}, 201)
    assert (deal["value"], deal["currency"], deal["variant_id"]) == (746500, "EUR", premium["id"])
    assert [line["product_code"] for line in deal["lines"]] == ["DEV-1", "SUP-1"]
    won = ok("POST", f"/sales/deals/{deal['id']}/win")
    assert won["status"] == "won"

    event = wait_for(lambda: [e for e in server.events("deal.won") if e["detail"]["data"]["deal_id"] == deal["id"]])
    data = event[0]["detail"]["data"]
    assert (data["opportunity_id"], data["variant_id"]) == (offer["id"], premium["id"])
    assert [line["total"] for line in data["lines"]] == [696500, 50000]

    def won_figures() -> dict[str, Any] | None:
        figures = ok("GET", f"/sales/campaigns/{campaign['id']}/stats")
        return figures if figures["won_deals"] else None

    figures = wait_for(won_figures)
    assert figures["won_value_by_currency"] == [{"currency": "EUR", "count": 1, "value": 746500}]
    # 7465.00 EUR won on a 1000.00 EUR budget: 7.465, half to even.
    assert (figures["leads"], figures["converted"], figures["return_on_budget"]) == (1, 1, "7.46")
    assert figures["cost_per_lead"] == {"amount": 100000, "currency": "EUR"}
