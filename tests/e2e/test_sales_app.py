"""The real Sales service under the local runtime: the deal-management seed's curl examples over HTTP.

Seed dates are moved into the future where the API requires it (expected_close_date), and every deal's
customer is a contact created first, as the contact rule demands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import REPO, LocalServer, clean_env, wait_for

pytestmark = pytest.mark.e2e

ASSIGNEE = "019b72b6-e679-7635-a86d-ac29a7923f3d"
JSON = {"Content-Type": "application/json"}


def ok(reply: Any, status: int = 200) -> dict[str, Any]:
    assert reply.status == status, reply.body
    body = reply.json
    assert body["status"] == "success"
    return dict(body["data"]) if isinstance(body["data"], dict) else body


@pytest.fixture(scope="module")
def customer_id(sales_server: LocalServer) -> str:
    contact = {"kind": "organization", "display_name": "Acme", "emails": ["a@acme.example"]}
    return str(ok(sales_server.request("POST", "/sales/contacts", contact), 201)["id"])


def create_deal(server: LocalServer, customer_id: str, **overrides: Any) -> dict[str, Any]:
    deal = {
        "customer_id": customer_id,
        "assigned_to": ASSIGNEE,
        "name": "Enterprise License",
        "value": 50000000,
        "currency": "USD",
        "expected_close_date": "2027-03-31",
        **overrides,
    }
    return ok(server.request("POST", "/sales/deals", deal), 201)


def test_example_1_create_and_close_a_deal(sales_server: LocalServer, customer_id: str) -> None:
    deal = create_deal(sales_server, customer_id)
    assert (deal["stage"], deal["probability"], deal["source"]) == ("lead", 10, "inbound")
    for stage, probability in (("qualified", 25), ("proposal", 50), ("negotiation", 75)):
        moved = ok(sales_server.request("PUT", f"/sales/deals/{deal['id']}/stage", {"stage": stage}))
        assert (moved["stage"], moved["probability"]) == (stage, probability)
    won = ok(sales_server.request("POST", f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"}))
    assert (won["stage"], won["probability"], won["actual_close_date"]) == ("closed_won", 100, "2025-12-31")

    # The outbox relay publishes deal.won to the bus; /_local/events shows it as EventBridge delivers it.
    event = wait_for(
        lambda: [e for e in sales_server.events("deal.won") if e["detail"]["data"]["deal_id"] == deal["id"]]
    )[0]
    assert (event["source"], event["detail-type"], event["account"]) == ("sales", "deal.won", "123456789012")
    assert event["detail"]["metadata"]["event_type"] == "deal.won"
    assert event["detail"]["metadata"]["event_id"]
    assert event["detail"]["data"]["customer_id"] == customer_id
    assert event["detail"]["data"]["close_date"] == "2025-12-31"


def test_example_2_update_value_during_negotiation(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id)["id"]
    ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/stage", {"stage": "negotiation"}))
    value = ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/value", {"value": 60000000, "currency": "USD"}))
    assert (value["value"], value["currency"]) == (60000000, "USD")
    info = {"name": "Enterprise License + Premium Support", "expected_close_date": "2027-02-28"}
    updated = ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/basic-info", info))
    assert (updated["name"], updated["expected_close_date"]) == (info["name"], "2027-02-28")


def test_example_3_track_a_lost_deal(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id)["id"]
    loss = {"close_date": "2025-12-31", "reason": "Customer chose competitor due to pricing"}
    lost = ok(sales_server.request("POST", f"/sales/deals/{deal_id}/lose", loss))
    assert (lost["stage"], lost["probability"]) == ("closed_lost", 0)
    assert lost["loss_reason"] == loss["reason"]
    stats = ok(sales_server.request("GET", "/sales/deals/stats/pipeline"))["stats"]
    assert stats["closed_lost"] >= 1


def test_example_4_pipeline_dashboard(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id, name="Dashboard deal")["id"]
    ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/stage", {"stage": "proposal"}))
    # Literal segments beat {id}: these are the stats functions, not "get deal 'stats'".
    stats = ok(sales_server.request("GET", "/sales/deals/stats/pipeline"))["stats"]
    assert stats["proposal"] >= 1
    in_proposal = ok(sales_server.request("GET", "/sales/deals/stage/proposal"))["data"]
    assert deal_id in [deal["id"] for deal in in_proposal]
    won = ok(sales_server.request("GET", "/v1/sales/deals/stats/won"))
    assert {"count", "total_value", "by_currency"} <= set(won)


def test_pattern_1_quick_win(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id, name="Quick win")["id"]
    won = ok(sales_server.request("POST", f"/sales/deals/{deal_id}/win", {"close_date": "2025-12-31"}))
    assert (won["stage"], won["probability"]) == ("closed_won", 100)


def test_pattern_2_full_pipeline(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id, name="Full pipeline")["id"]
    for stage in ("qualified", "proposal", "negotiation"):
        ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/stage", {"stage": stage}))
    won = ok(sales_server.request("POST", f"/sales/deals/{deal_id}/win", {"close_date": "2025-12-31"}))
    assert won["stage"] == "closed_won"
    terminal = sales_server.request("PUT", f"/sales/deals/{deal_id}/stage", {"stage": "negotiation"})
    assert terminal.status == 400
    assert terminal.json["error"]["code"] == "MOVE_STAGE_FAILED"


def test_pattern_3_price_negotiation(sales_server: LocalServer, customer_id: str) -> None:
    deal_id = create_deal(sales_server, customer_id, name="Negotiated")["id"]
    value = ok(sales_server.request("PUT", f"/sales/deals/{deal_id}/value", {"value": 75000000, "currency": "USD"}))
    assert value["value"] == 75000000
    assert ok(sales_server.request("GET", f"/v1/sales/deals/{deal_id}"))["value"] == 75000000


def test_the_dev_principal_reaches_the_handlers(sales_server: LocalServer, customer_id: str) -> None:
    rep = "019b72b6-0000-7000-8000-00000000abcd"
    deal = {"customer_id": customer_id, "name": "Mine", "value": 100, "currency": "EUR"}
    deal["expected_close_date"] = "2027-01-31"
    mine = ok(
        sales_server.request("POST", "/sales/deals", deal, headers={"Authorization": f"Bearer dev:{rep}:sales"}), 201
    )
    assert mine["assigned_to"] == rep  # assigned_to defaults to the caller
    refused = sales_server.request("GET", "/sales/deals", headers={"Authorization": "Bearer not-a-dev-token"})
    assert refused.status == 401
    assert refused.json["error"]["code"] == "UNAUTHENTICATED"


def test_make_invoke_runs_a_sample_event(tmp_path: Path) -> None:
    event = REPO / "events" / "sales" / "api" / "deal_get.json"
    if not event.exists():
        pytest.skip("no sample event yet")
    command = [
        sys.executable,
        "-m",
        "local",
        "invoke",
        "SalesDealGetFunction",
        str(event),
        "--state-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["statusCode"] == 404  # the sample's deal does not exist in a fresh backend
    assert json.loads(response["body"])["error"]["code"] == "DEAL_NOT_FOUND"
