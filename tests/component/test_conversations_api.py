"""Conversations through the real handlers: addresses per channel, folders and their counted lists, messages
with their activities and forward-only delivery, forwarding, and the email sender sending each email through
SES exactly once, whatever fails in between."""

from __future__ import annotations

from typing import Any

import pytest
from moto.ses.models import ses_backends

from tests.support.api import Api, LambdaContext, function_module
from tests.support.faults import client_error, inject
from tests.support.streams import outbox_rows, stream_records

SENDER = "sales@seller.example"  # tests/conftest.py: EMAIL_SENDER


def sent_emails() -> list[Any]:
    return list(ses_backends["123456789012"]["eu-west-1"].sent_messages)


def open_thread(
    api: Api, contact: dict, channel: str = "email", address: str = "Buyer@Acme.example", **extra: Any
) -> Any:
    reply = api.post(
        "/sales/conversations", {"contact_id": contact["id"], "channel": channel, "address": address, **extra}
    )
    assert reply.status == 201, reply.body
    return reply.data


def post(api: Api, conversation: dict, body: str, direction: str = "in", **extra: Any) -> Any:
    reply = api.post(
        f"/sales/conversations/{conversation['id']}/messages", {"direction": direction, "body": body, **extra}
    )
    assert reply.status == 201, reply.body
    return reply.data


def mail_inserts(conversation_id: str | None = None) -> list[dict[str, Any]]:
    return [
        record
        for record in stream_records()
        if record["eventName"] == "INSERT"
        and record["dynamodb"]["Keys"]["SK"]["S"].startswith("MAIL#")
        and (conversation_id is None or record["dynamodb"]["Keys"]["PK"]["S"] == f"CONVERSATION#{conversation_id}")
    ]


def run_sender(records: list[dict[str, Any]]) -> dict[str, Any]:
    return function_module("sales/email_sender").lambda_handler({"Records": records}, LambdaContext())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("channel", "address", "stored"),
    [
        ("email", " Buyer@ACME.example ", "buyer@acme.example"),
        ("web_form", "form@acme.example", "form@acme.example"),
        ("phone", "+49 30 1234567", "+49301234567"),
        ("line", "U4af4980629d4f2f1e0a1b2c3d4e5f607", "U4af4980629d4f2f1e0a1b2c3d4e5f607"),
        ("instagram", "@Acme.Devices", "acme.devices"),
        ("facebook", "acme.devices", "acme.devices"),
        ("linkedin", "acme-devices-gmbh", "acme-devices-gmbh"),
    ],
)
def test_the_address_is_checked_and_normalized_for_its_channel(
    api: Api, contact: dict, channel: str, address: str, stored: str
) -> None:
    assert open_thread(api, contact, channel, address)["address"] == stored


@pytest.mark.parametrize(
    ("channel", "address"),
    [
        ("email", "+49301234567"),
        ("phone", "buyer@acme.example"),
        ("phone", "+1 555"),
        ("line", "u4af4980629d4f2f1e0a1b2c3d4e5f607"),
        ("instagram", "has space"),
        ("facebook", "abc"),
        ("linkedin", "a@b.example"),
        ("email", "a@b.example\r\nBcc: evil@x.example"),
    ],
)
def test_an_address_of_another_kind_is_refused_naming_the_field(
    api: Api, contact: dict, channel: str, address: str
) -> None:
    reply = api.post("/sales/conversations", {"contact_id": contact["id"], "channel": channel, "address": address})
    assert reply.status == 400 and reply.body["error"]["details"][0]["field"] == "address", reply.body


def test_folders_move_lists_and_counted_totals(api: Api, contact: dict) -> None:
    one, two = open_thread(api, contact), open_thread(api, contact, "line", "U" + "1" * 32)
    assert api.get("/sales/conversations").body["pagination"]["total"] == 2
    moved = api.put(f"/sales/conversations/{one['id']}/folder", {"folder": "deleted"})
    assert moved.status == 200 and moved.data["folder"] == "deleted" and moved.data["version"] == 2
    inbox = api.get("/sales/conversations")
    assert [item["id"] for item in inbox.data] == [two["id"]] and inbox.body["pagination"]["total"] == 1
    trash = api.get("/sales/conversations", query={"folder": "deleted", "channel": "email"})
    assert [item["id"] for item in trash.data] == [one["id"]] and trash.body["pagination"]["total"] == 1
    by_contact = api.get("/sales/conversations", query={"contact_id": contact["id"], "folder": "deleted"})
    assert [item["id"] for item in by_contact.data] == [one["id"]]
    # Still readable in the trash, and refused for anything outbound there.
    assert api.get(f"/sales/conversations/{one['id']}").data["folder"] == "deleted"
    refused = api.post(f"/sales/conversations/{one['id']}/messages", {"direction": "out", "body": "Hi"})
    assert refused.status == 409 and refused.error_code == "INVALID_TRANSITION"
    # An inbound reply brings it back to the inbox.
    post(api, one, "I am back")
    assert api.get(f"/sales/conversations/{one['id']}").data["folder"] == "inbox"
    assert api.get("/sales/conversations").body["pagination"]["total"] == 2
    assert api.put(f"/sales/conversations/{one['id']}/folder", {"folder": "inbox"}).data["version"] == 3  # no-op
    folders = [row for row in outbox_rows() if row["event_type"] == "conversation.foldered"]
    assert len(folders) == 2


def test_a_message_writes_its_activity_and_the_thread_reads_in_order(api: Api, contact: dict, deal: dict) -> None:
    thread = open_thread(api, contact, subject="Fleet renewal", deal_id=deal["id"])
    first = post(api, thread, "<script>alert(1)</script> Could you quote?")
    second = post(api, thread, "Here it is", "out")
    assert first["delivery"] == "delivered" and first["sender"] == "buyer@acme.example"
    assert (
        second["delivery"] == "sent" and second["sender"] == SENDER and second["recipients"] == ["buyer@acme.example"]
    )
    thread_after = api.get(f"/sales/conversations/{thread['id']}").data
    assert thread_after["message_count"] == 2 and thread_after["last_message_at"] == second["created_at"]
    listed = api.get(f"/sales/conversations/{thread['id']}/messages")
    assert [item["id"] for item in listed.data] == [first["id"], second["id"]]
    assert listed.data[0]["body"] == "<script>alert(1)</script> Could you quote?"
    assert listed.body["pagination"]["total"] == 2
    for timeline in (f"/sales/contacts/{contact['id']}/activities", f"/sales/deals/{deal['id']}/activities"):
        shown = api.get(timeline, query={"type": "message"}).data
        assert [item["message_id"] for item in shown] == [second["id"], first["id"]]
        assert shown[0]["links"]["conversation_id"] == thread["id"] and shown[0]["subject"] == "Fleet renewal"
    types = [row["event_type"] for row in outbox_rows()]
    assert types.count("message.received") == 1 and types.count("message.sent") == 1
    assert types.count("activity.logged") == 2


def test_delivery_only_moves_forward_and_a_draft_is_sent_once(api: Api, contact: dict) -> None:
    thread = open_thread(api, contact)
    draft = post(api, thread, "Draft", "out", draft=True)
    assert draft["delivery"] == "draft" and mail_inserts(thread["id"]) == []
    path = f"/sales/conversations/{thread['id']}/messages/{draft['id']}/delivery"
    early = api.put(path, {"delivery": "delivered"})
    assert early.status == 409 and early.body["error"]["details"][0]["message"] == "draft"
    assert api.put(path, {"delivery": "sent"}).data["delivery"] == "sent"
    assert api.put(path, {"delivery": "sent"}).status == 200  # the same state again changes nothing
    assert len(mail_inserts(thread["id"])) == 1
    assert api.put(path, {"delivery": "read"}).data["delivery"] == "read"
    back = api.put(path, {"delivery": "delivered"})
    assert back.status == 409 and back.error_code == "INVALID_TRANSITION"
    assert back.body["error"]["details"][0]["message"] == "read"
    inbound = post(api, thread, "Hi")
    inbound_path = f"/sales/conversations/{thread['id']}/messages/{inbound['id']}/delivery"
    assert api.put(inbound_path, {"delivery": "sent"}).status == 409
    assert [row["event_type"] for row in outbox_rows()].count("message.sent") == 1


def test_a_thread_forward_is_one_email_quoting_every_message_in_order(api: Api, contact: dict) -> None:
    thread = open_thread(api, contact, subject="Fleet renewal")
    bodies = ["First, from the customer", "Second, our answer", "Third, the customer again"]
    messages = [post(api, thread, body, direction) for body, direction in zip(bodies, ("in", "out", "in"), strict=True)]
    post(api, thread, "A draft is not forwarded", "out", draft=True)
    reply = api.post(
        f"/sales/conversations/{thread['id']}/forward",
        {"scope": "thread", "to": ["Colleague@Seller.example", "boss@seller.example"], "comment": "Please take over"},
    )
    assert reply.status == 200, reply.body
    assert reply.data["message_ids"] == [message["id"] for message in messages]
    assert reply.data["to"] == ["colleague@seller.example", "boss@seller.example"]
    before = len(sent_emails())
    assert run_sender(mail_inserts(thread["id"])) == {"batchItemFailures": []}
    emails = sent_emails()[before:]
    forward = [email for email in emails if email.subject == "Fwd: Fleet renewal"]
    assert len(forward) == 1 and forward[0].destinations["ToAddresses"] == reply.data["to"]
    text = forward[0].body
    positions = [text.index(body) for body in ["Please take over", *bodies]]
    assert positions == sorted(positions) and "A draft" not in text
    [activity] = [
        item
        for item in api.get(f"/sales/contacts/{contact['id']}/activities").data
        if item["id"] == reply.data["activity_id"]
    ]
    assert activity["subject"] == "Forwarded: Fleet renewal" and activity["body"] == "Please take over"
    [event] = [row for row in outbox_rows() if row["event_type"] == "conversation.forwarded"]
    assert event["aggregate_id"] == thread["id"]


def test_forwarding_rules(api: Api, contact: dict) -> None:
    phone = open_thread(api, contact, "phone", "+49301234567")
    post(api, phone, "Call notes")
    refused = api.post(f"/sales/conversations/{phone['id']}/forward", {"scope": "thread", "to": ["+49301234568"]})
    assert refused.status == 422 and refused.error_code == "FORWARD_NOT_SUPPORTED"
    empty = open_thread(api, contact)
    nothing = api.post(f"/sales/conversations/{empty['id']}/forward", {"scope": "conversation", "to": ["a@b.example"]})
    assert nothing.status == 422 and nothing.error_code == "NOTHING_TO_FORWARD"
    line = open_thread(api, contact, "line", "U" + "2" * 32)
    first, latest = post(api, line, "one"), post(api, line, "two")
    wrong = api.post(f"/sales/conversations/{line['id']}/forward", {"scope": "conversation", "to": ["a@b.example"]})
    assert wrong.status == 400 and wrong.body["error"]["details"][0]["field"] == "to[0]"
    one = api.post(f"/sales/conversations/{line['id']}/forward", {"scope": "conversation", "to": ["U" + "3" * 32]})
    assert one.data["message_ids"] == [latest["id"]] and mail_inserts(line["id"]) == []
    named = {"scope": "conversation", "to": ["U" + "3" * 32], "message_id": first["id"]}
    assert api.post(f"/sales/conversations/{line['id']}/forward", named).data["message_ids"] == [first["id"]]


def test_throttled_sends_are_retried_and_each_email_goes_exactly_once(api: Api, contact: dict) -> None:
    thread = open_thread(api, contact)
    for number in range(3):
        post(api, thread, f"Outbound {number}", "out")
    records = mail_inserts(thread["id"])
    assert len(records) == 3
    before = len(sent_emails())
    throttled = lambda: client_error("TooManyRequestsException", "SendEmail")  # noqa: E731
    with inject("sesv2", "SendEmail", throttled, times=2):
        first = run_sender(records)
    # The two throttled records are left for retry; the stream redelivers from the first failed one on.
    failed = [item["itemIdentifier"] for item in first["batchItemFailures"]]
    assert failed == [record["dynamodb"]["SequenceNumber"] for record in records[:2]]
    assert len(sent_emails()) == before + 1
    assert run_sender(records) == {"batchItemFailures": []}
    assert run_sender(records) == {"batchItemFailures": []}  # a duplicate delivery: all marked sent already
    sent = sent_emails()[before:]
    assert sorted(email.body for email in sent) == ["Outbound 0", "Outbound 1", "Outbound 2"]
    assert all(email.source == SENDER for email in sent)


def test_an_email_ses_refuses_for_good_is_kept_as_failed_not_retried(api: Api, contact: dict) -> None:
    thread = open_thread(api, contact)
    post(api, thread, "Rejected", "out")
    records = mail_inserts(thread["id"])
    rejected = lambda: client_error("MessageRejected", "SendEmail")  # noqa: E731
    before = len(sent_emails())
    with inject("sesv2", "SendEmail", rejected, times=1):
        assert run_sender(records) == {"batchItemFailures": []}
    assert run_sender(records) == {"batchItemFailures": []}
    assert len(sent_emails()) == before


def test_a_long_non_latin_body_reaches_the_bus(api: Api, contact: dict) -> None:
    """50,000 characters of four-byte UTF-8 make a 200 KB event: published alone, under PutEvents' 256 KB."""
    thread = open_thread(api, contact, "line", "U" + "4" * 32)
    body = "😀" * 50_000
    message = post(api, thread, body)
    relay = function_module("sales/outbox_relay").lambda_handler
    inserts = [r for r in stream_records() if r["dynamodb"]["Keys"]["SK"]["S"].startswith("OUTBOX#")]
    assert relay({"Records": inserts}, LambdaContext()) == {"batchItemFailures": []}
    assert api.get(f"/sales/conversations/{thread['id']}/messages").data[0]["body"] == body
    assert message["body"] == body


def test_a_web_form_is_answered_by_email_and_other_channels_by_their_connectors(api: Api, contact: dict) -> None:
    form = open_thread(api, contact, "web_form", "form@acme.example", subject="Contact form")
    reply = post(api, form, "Thanks for your message", "out")
    assert reply["sender"] == SENDER and len(mail_inserts(form["id"])) == 1
    line = open_thread(api, contact, "line", "U" + "5" * 32)
    sent = post(api, line, "Hello on LINE", "out")
    assert sent["sender"] != SENDER and mail_inserts(line["id"]) == []
    [event] = [
        row for row in outbox_rows() if row["event_type"] == "message.sent" and row["aggregate_id"] == line["id"]
    ]
    assert '"channel":"line"' in event["data"]
