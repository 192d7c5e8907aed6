"""The front of the funnel over HTTP under the local runtime (`make dev`): campaigns through their statuses and
their figures."""

from __future__ import annotations

import pytest

from tests.e2e.harness import LocalServer

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
