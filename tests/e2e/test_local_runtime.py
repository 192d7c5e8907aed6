"""The local runtime against the fixture project: routing, proxy events, principals, relay and consumers."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e

DEV_SUB = "00000000-0000-7000-8000-000000000001"


def test_routes_are_served_with_and_without_the_stage_prefix(fixture_server: LocalServer) -> None:
    for path in ("/items/stats/count", "/v1/items/stats/count"):
        reply = fixture_server.request("GET", path)
        assert reply.status == 200, reply.body
        assert reply.json["function"] == "sales-local-StatsFunction"
        assert reply.json["resource"] == "/items/stats/count"
        assert reply.json["path"] == "/items/stats/count"
        assert reply.json["request_context"]["path"] == "/v1/items/stats/count"


def test_literal_segments_win_over_path_parameters(fixture_server: LocalServer) -> None:
    literal = fixture_server.request("GET", "/items/stats/count")
    assert literal.json["function"] == "sales-local-StatsFunction"
    parameter = fixture_server.request("GET", "/items/stats")
    assert parameter.status == 404
    assert parameter.json["error"] == {"code": "NOT_FOUND", "message": "stats"}  # GetItemFunction's own 404


def test_the_proxy_event_carries_what_api_gateway_sends(fixture_server: LocalServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", fixture_server.port, timeout=30)
    connection.putrequest("GET", "/v1/echo/a/b%20c?x=1&x=2&empty=&status=203")
    connection.putheader("X-Multi", "one")
    connection.putheader("X-Multi", "two")
    connection.endheaders()
    reply = connection.getresponse()
    echoed = json.loads(reply.read())
    assert reply.status == 203
    assert reply.getheader("X-Echo") == "1"
    assert [v for k, v in reply.getheaders() if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert echoed["function"] == "sales-local-EchoFunction"
    assert echoed["resource"] == "/echo/{proxy+}"
    assert echoed["path"] == "/echo/a/b c"
    assert echoed["method"] == "GET"
    assert echoed["path_parameters"] == {"proxy": "a/b c"}
    assert echoed["query"] == {"x": "2", "empty": "", "status": "203"}
    assert echoed["multi_query"] == {"x": ["1", "2"], "empty": [""], "status": ["203"]}
    assert echoed["headers"]["X-Multi"] == "two"
    assert echoed["multi_headers"]["X-Multi"] == ["one", "two"]
    assert echoed["body"] is None
    assert echoed["is_base64"] is False
    context = echoed["request_context"]
    assert context["stage"] == "v1"
    assert context["resourcePath"] == "/echo/{proxy+}"
    assert context["httpMethod"] == "GET"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"]
    # Environment: Globals + the function's own, intrinsics resolved to local names; Lambda context.
    assert echoed["env"] == {
        "TABLE_NAME": "sales-local-items",
        "BUS_NAME": "sales-local-bus",
        "STACK_REGION": "sales-local@eu-west-1",
        "GREETING": "hello",
    }
    assert echoed["memory"] == 256
    assert 0 < echoed["remaining_ms"] <= 10_000


def test_a_request_body_reaches_the_handler_as_a_string(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("POST", "/echo/x", {"name": "Acme"})
    assert reply.status == 200
    assert json.loads(reply.json["body"]) == {"name": "Acme"}
    assert reply.json["headers"]["Content-Type"] == "application/json"


def test_unknown_routes_and_methods(fixture_server: LocalServer) -> None:
    missing = fixture_server.request("GET", "/nowhere")
    assert missing.status == 404
    assert missing.json["status"] == "error"
    assert missing.json["error"]["code"] == "ROUTE_NOT_FOUND"
    wrong = fixture_server.request("DELETE", "/items/stats/count")
    assert wrong.status == 405
    assert wrong.json["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert wrong.header("Allow") == ["GET"]


def test_no_authorization_header_is_the_default_dev_principal(fixture_server: LocalServer) -> None:
    claims = fixture_server.request("GET", "/echo/me").json["request_context"]["authorizer"]["claims"]
    assert claims == {"sub": DEV_SUB, "cognito:groups": "sales", "email": "dev@example.com"}


def test_a_dev_bearer_token_picks_the_principal(fixture_server: LocalServer) -> None:
    headers = {"Authorization": "Bearer dev:u-42:partner,sales:p-7"}
    claims = fixture_server.request("GET", "/echo/me", headers=headers).json["request_context"]["authorizer"]
    assert claims == {"claims": {"sub": "u-42", "cognito:groups": "partner,sales", "custom:partner_id": "p-7"}}
    admin = {"Authorization": "Bearer dev:u-1:admin"}
    claims = fixture_server.request("GET", "/echo/me", headers=admin).json["request_context"]["authorizer"]["claims"]
    assert claims == {"sub": "u-1", "cognito:groups": "admin"}
    created = fixture_server.request("POST", "/items", {"name": "mine"}, headers=admin)
    assert created.status == 201
    assert created.json["data"]["owner"] == "u-1"


@pytest.mark.parametrize("value", ["Bearer eyJhbGciOi.x.y", "Bearer dev:u-1", "Basic dXNlcjpwYXNz", ""])
def test_any_other_authorization_is_401(fixture_server: LocalServer, value: str) -> None:
    reply = fixture_server.request("GET", "/echo/me", headers={"Authorization": value})
    assert reply.status == 401
    assert reply.json["status"] == "error"
    assert reply.json["error"]["code"] == "UNAUTHENTICATED"


def test_a_route_without_authorizer_gets_no_claims(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("GET", "/public/ping", headers={"Authorization": "whatever"})
    assert reply.status == 200
    assert "authorizer" not in reply.json["request_context"]


def test_a_crashing_handler_is_a_502_like_api_gateway(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("GET", "/echo/x?crash=1")
    assert reply.status == 502
    assert reply.json == {"message": "Internal server error"}


def test_outbox_relay_rules_and_consumers_run(fixture_server: LocalServer) -> None:
    # fail_once: the relay reports the record as failed on its first delivery; the retry publishes it.
    created = fixture_server.request("POST", "/items", {"name": "widget", "fail_once": True})
    assert created.status == 201
    item_id = created.json["data"]["id"]

    def published(detail_type: str) -> list[dict[str, object]]:
        return [e for e in fixture_server.events(detail_type) if e["detail"]["data"]["item_id"] == item_id]

    event = wait_for(lambda: published("item.created"))[0]
    assert set(event) >= {"version", "id", "detail-type", "source", "account", "time", "region", "resources"}
    assert event["source"] == "fixture"
    assert event["account"] == "123456789012"
    assert event["region"] == "eu-west-1"

    assert fixture_server.request("POST", f"/items/{item_id}/win").status == 200
    won = wait_for(lambda: published("item.won"))[0]
    assert won["detail"]["metadata"]["event_type"] == "item.won"
    assert all(e["detail-type"] == "item.won" for e in fixture_server.events("item.won"))

    # EventBridgeRule -> ConsumerFunction, and the AWS::Events::Rule -> Inbox queue -> InboxFunction (SQS).
    item = wait_for(
        lambda: (
            (data := fixture_server.request("GET", f"/items/{item_id}").json["data"])["consumed"]
            and data["inboxed"]
            and data
        )
    )
    assert item["won"] is True


def test_local_endpoints(fixture_server: LocalServer) -> None:
    health = fixture_server.request("GET", "/_local/health")
    assert health.json["status"] == "ok"
    routes = fixture_server.request("GET", "/_local/routes").json["data"]
    assert {"method": "GET", "path": "/items/stats/count", "stage": "v1", "function": "StatsFunction"} in routes
