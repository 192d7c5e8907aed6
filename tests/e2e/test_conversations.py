"""Activities and conversations over HTTP under the local runtime (`make dev`): an email thread of three
messages forwarded whole to two colleagues is one email through (embedded) SES quoting the three bodies in
order, one activity on the contact's timeline and one conversation.forwarded event naming the three messages;
a partner principal is refused every one of these routes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e

COLLEAGUES = ["colleague@seller.example", "manager@seller.example"]


def test_a_thread_forwarded_by_email_is_one_email_one_activity_and_one_event(sales_server: LocalServer) -> None:
    server = sales_server

    def ok(method: str, path: str, body: Any = None, status: int = 200) -> Any:
        reply = server.request(method, path, body)
        assert reply.status == status, (method, path, reply.body)
        return reply.json["data"]

    contact = ok("POST", "/sales/contacts", {"kind": "organization", "display_name": "Threaded GmbH"}, 201)
    thread = ok(
        "POST",
        "/sales/conversations",
        {"contact_id": contact["id"], "channel": "email", "address": "buyer@threaded.example", "subject": "Renewal"},
        201,
    )
    path = f"/sales/conversations/{thread['id']}"
    bodies = [
        ("in", "We need 40 devices by March. <script>alert(1)</script>"),
        ("out", "Thanks, a quote follows this week."),
        ("out", "Here is the quote: 40 devices, three years of maintenance."),
    ]
    messages = [ok("POST", f"{path}/messages", {"direction": d, "body": b}, 201) for d, b in bodies]
    assert [m["delivery"] for m in messages] == ["delivered", "sent", "sent"]

    forward = {"scope": "thread", "to": COLLEAGUES, "comment": "Please take this customer over."}
    forwarded = ok("POST", f"{path}/forward", forward)
    ids = [message["id"] for message in messages]
    assert forwarded["message_ids"] == ids

    # The email sender runs on the table's stream: wait for the forward to reach SES.
    def forward_email() -> list[dict[str, Any]] | None:
        reply = server.request("GET", f"/_local/emails?to={COLLEAGUES[0]}")
        assert reply.status == 200, reply.body
        return reply.json["data"] or None

    emails = wait_for(forward_email)
    assert len(emails) == 1
    [email] = emails
    assert email["to"] == COLLEAGUES and email["subject"] == "Fwd: Renewal"
    text = email["body"]
    positions = [text.index(body) for body in ["Please take this customer over.", *(b for _d, b in bodies)]]
    assert positions == sorted(positions), text
    # The two outbound messages went to the customer, once each.
    to_customer = wait_for(
        lambda: (
            (found := server.request("GET", "/_local/emails?to=buyer@threaded.example").json["data"])
            and len(found) >= 2
            and found
        )
    )
    assert sorted(item["body"] for item in to_customer) == sorted(b for d, b in bodies if d == "out")

    timeline = ok("GET", f"/sales/contacts/{contact['id']}/activities")
    forwards = [item for item in timeline if item["id"] == forwarded["activity_id"]]
    assert len(forwards) == 1 and forwards[0]["subject"] == "Forwarded: Renewal"
    assert [item["message_id"] for item in timeline if item["message_id"]] == ids[::-1]
    events = wait_for(
        lambda: [
            e for e in server.events("conversation.forwarded") if e["detail"]["data"]["conversation_id"] == thread["id"]
        ]
    )
    assert len(events) == 1 and events[0]["detail"]["data"]["message_ids"] == ids
    assert events[0]["detail"]["data"]["activity_id"] == forwarded["activity_id"]

    # The timeline's void, and the partner principal's refusal.
    void = ok("POST", f"/sales/activities/{forwarded['activity_id']}/void", {"reason": "Sent to the wrong team"})
    assert void["status"] == "void"
    partner = {"Authorization": "Bearer dev:e2e-partner:partner:019b72b7-339c-73ca-850c-8459913f2cde"}
    for method, route in (
        ("GET", path),
        ("GET", f"/sales/contacts/{contact['id']}/activities"),
        ("GET", "/sales/conversations"),
    ):
        refused = server.request(method, route, headers=partner)
        assert refused.status == 403 and refused.json["error"]["code"] == "FORBIDDEN"
