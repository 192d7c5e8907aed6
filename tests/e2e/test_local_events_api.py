"""`POST /_local/events`: a developer plays another service by putting an event on the template's bus; rules,
their consumers and the events log treat it like any relayed event. `GET /_local/events` filters by source
and detail type, together."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e


def logged(server: LocalServer, query: str = "") -> list[dict[str, Any]]:
    reply = server.request("GET", f"/_local/events{query}")
    assert reply.status == 200, reply.body
    return list(reply.json["data"])


def put(server: LocalServer, body: Any) -> str:
    reply = server.request("POST", "/_local/events", body)
    assert reply.status == 202, reply.body
    assert reply.json["status"] == "success"
    return str(reply.json["data"]["id"])


def test_a_posted_event_fires_the_rules_and_their_consumers(fixture_server: LocalServer) -> None:
    created = fixture_server.request("POST", "/items", {"name": "won elsewhere"})
    item_id = created.json["data"]["id"]
    reply = fixture_server.request(
        "POST",
        "/_local/events",
        {"source": "fixture", "detail_type": "item.won", "detail": {"data": {"item_id": item_id, "by": "test"}}},
    )
    assert reply.status == 202, reply.body
    assert reply.header("Content-Type") == ["application/json"]
    data = reply.json["data"]
    assert data["bus"] == "sales-local-bus"  # the template's only EventBridge bus
    uuid.UUID(data["id"])

    # Recorded like any other event, under the id PutEvents gave it.
    event = wait_for(lambda: [e for e in logged(fixture_server) if e["id"] == data["id"]])[0]
    assert event["source"] == "fixture"
    assert event["detail-type"] == "item.won"
    assert event["detail"] == {"data": {"item_id": item_id, "by": "test"}}
    assert (event["account"], event["region"]) == ("123456789012", "eu-west-1")

    # The EventBridgeRule consumer and the rule -> Inbox queue -> SQS consumer both ran on it.
    item = wait_for(
        lambda: (
            (found := fixture_server.request("GET", f"/items/{item_id}").json["data"])["consumed"]
            and found["inboxed"]
            and found
        )
    )
    assert "won" not in item  # nobody won it through the API: the posted event alone did this


def test_events_filter_by_source_and_detail_type_together(fixture_server: LocalServer) -> None:
    marker = str(uuid.uuid4())
    ids = {
        put(fixture_server, {"source": "federation", "detail_type": "tenant.created", "detail": {"m": marker}}),
        put(fixture_server, {"source": "federation", "detail_type": "tenant.deleted", "detail": {"m": marker}}),
        put(fixture_server, {"source": "billing", "detail_type": "tenant.created", "detail": {"m": marker}}),
    }

    def mine(query: str = "") -> list[tuple[str, str]]:
        return sorted((e["source"], e["detail-type"]) for e in logged(fixture_server, query) if e["id"] in ids)

    wait_for(lambda: len(mine()) == 3)
    assert mine("?source=federation&detail_type=tenant.created") == [("federation", "tenant.created")]
    assert mine("?detail_type=tenant.created&source=billing") == [("billing", "tenant.created")]
    assert mine("?source=federation") == [("federation", "tenant.created"), ("federation", "tenant.deleted")]
    assert mine("?detail_type=tenant.created") == [("billing", "tenant.created"), ("federation", "tenant.created")]
    assert mine("?source=federation&detail_type=item.won") == []


def test_the_bus_may_be_named(fixture_server: LocalServer) -> None:
    for bus in ("Bus", "sales-local-bus"):
        reply = fixture_server.request(
            "POST", "/_local/events", {"source": "federation", "detail_type": "t", "detail": {}, "bus": bus}
        )
        assert reply.status == 202, reply.body
        assert reply.json["data"]["bus"] == "sales-local-bus"


def test_on_the_sales_service_a_posted_event_follows_the_templates_rules(sales_server: LocalServer) -> None:
    # Playing the federation service: no rule of this template listens, the events log still has it.
    tenant = put(sales_server, {"source": "federation", "detail_type": "tenant.created", "detail": {"tenant": "t-9"}})
    wait_for(lambda: [e for e in logged(sales_server, "?source=federation&detail_type=tenant.created")
                      if e["id"] == tenant])  # fmt: skip

    # A deal.won put by hand follows DealWonToProvisioningRule into the provisioning queue, as a relayed one does.
    reply = sales_server.request(
        "POST",
        "/_local/events",
        {"source": "sales", "detail_type": "deal.won", "detail": {"data": {"deal_id": str(uuid.uuid4())}}},
    )
    assert reply.status == 202, reply.body
    assert reply.json["data"]["bus"] == "sales-local-events"  # the root stack's ServiceEventBus
    event_id = reply.json["data"]["id"]
    sqs = boto3.client(
        "sqs",
        endpoint_url=sales_server.request("GET", "/_local/health").json["backend"]["sqs"],
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    queue_url = sqs.get_queue_url(QueueName="sales-local-ProvisioningQueue")["QueueUrl"]

    def delivered() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [body for m in messages if (body := json.loads(m["Body"]))["id"] == event_id]

    assert wait_for(delivered)[0]["detail-type"] == "deal.won"


GOOD = {"source": "federation", "detail_type": "tenant.created", "detail": {"tenant_id": "t-1"}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        ([GOOD], "body"),
        ({k: v for k, v in GOOD.items() if k != "source"}, "source"),
        ({**GOOD, "source": ""}, "source"),
        ({**GOOD, "source": 42}, "source"),
        ({k: v for k, v in GOOD.items() if k != "detail_type"}, "detail_type"),
        ({**GOOD, "detail_type": "  "}, "detail_type"),
        ({k: v for k, v in GOOD.items() if k != "detail"}, "detail"),
        ({**GOOD, "detail": [1, 2]}, "detail"),
        ({**GOOD, "detail": '{"tenant_id": "t-1"}'}, "detail"),
        ({**GOOD, "detail": None}, "detail"),
        ({**GOOD, "detail-type": "tenant.created"}, "detail-type"),
        ({**GOOD, "bus": "nowhere"}, "bus"),
        ({**GOOD, "detail": {"blob": "x" * 262_144}}, "detail"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(fixture_server: LocalServer, body: Any, field: str) -> None:
    reply = fixture_server.request("POST", "/_local/events", body)
    assert reply.status == 400, reply.body
    error = reply.json["error"]
    assert reply.json["status"] == "error"
    assert error["code"] == "VALIDATION_ERROR"
    assert [detail["field"] for detail in error["details"]] == [field]
    assert field in error["message"]


def test_other_methods_on_the_events_log(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("PUT", "/_local/events", GOOD)
    assert reply.status == 405
    assert reply.json["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert set(reply.header("Allow")[0].split(", ")) == {"DELETE", "GET", "POST"}
