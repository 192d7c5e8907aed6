"""Fixtures of the reliability suite (the root conftest provides aws, api, contact, deal, future)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models.table import StreamShard

from tests.support import billing
from tests.support.api import Api
from tests.support.aws import TABLE, sales_world
from tests.support.samples import days_ahead


@pytest.fixture(scope="module", autouse=True)
def _lean_transaction_snapshots() -> Iterator[None]:
    """Speed only: moto deep-copies a table before each TransactWriteItems (to roll back on failure),
    stream records included, so every command costs more than the last. Stream records are never changed
    once written; the rollback copy may share them (the list is still copied, so a rolled-back transaction
    leaves no record behind)."""

    def deepcopy_shard(self: StreamShard, memo: dict[int, Any]) -> StreamShard:
        clone = copy.copy(self)
        memo[id(self)] = clone
        clone.table = copy.deepcopy(self.table, memo)
        clone.items = list(self.items)
        return clone

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StreamShard, "__deepcopy__", deepcopy_shard, raising=False)
        yield


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The service's retry back-off (commands and relay) records its delays instead of sleeping."""
    delays: list[float] = []
    monkeypatch.setattr("kernel.commands.time.sleep", delays.append)
    monkeypatch.setattr("kernel.dynamodb.outbox.time.sleep", delays.append)
    return delays


@pytest.fixture
def atomic_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each mocked AWS call atomic, as each real DynamoDB call is.

    moto runs a TransactWriteItems as check-then-apply over a deep copy of the table, with no lock: two
    threads inside it at once could both pass their conditions (or one's rollback could erase the other's
    write), races real DynamoDB does not have. One lock around each mocked request restores per-call
    atomicity; the interleaving *between* calls (read, decide, conditional write) stays free, which is
    where the service's own races live."""
    lock = threading.RLock()
    original = BotocoreStubber.process_request

    def process_request(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", process_request)


@pytest.fixture(scope="module")
def shared_api() -> Iterator[Api]:
    """One moto account for a whole module of tests that must not write anything (each checks so)."""
    with sales_world():
        yield Api()


@pytest.fixture(scope="module")
def seeded(shared_api: Api) -> dict[str, Any]:
    """Records in the shared account: a contact and a live deal, each at version 2 (so If-Match "1" is stale),
    a person employed by the contact and an organization under it, the person's relationship to the contact
    (version 1), a deleted deal and a deleted contact, an active campaign (version 2) and a cancelled one, a
    working lead (version 2) and a converted one, a solutioning opportunity with one variant (version 2) and a
    validated one; a gold reseller (version 2), a suspended reseller (version 2) and two distributors; quotes,
    activities, conversations; billing's jobs, invoices and a payment."""
    api = shared_api
    future = days_ahead(90)
    contact = api.post(
        "/sales/contacts", {"kind": "organization", "display_name": "Seeded Customer", "emails": ["seed@acme.example"]}
    ).data
    contact = api.patch(f"/sales/contacts/{contact['id']}", {"lifecycle": "active"}).data
    body = {"customer_id": contact["id"], "value": 1000, "currency": "USD", "expected_close_date": future}
    deal = api.post("/sales/deals", {**body, "name": "Seeded deal"}).data
    deal = api.put(f"/sales/deals/{deal['id']}/basic-info", {"name": "Seeded deal, renamed"}).data
    deleted_deal = api.post("/sales/deals", {**body, "name": "Deleted deal"}).data
    assert api.delete(f"/sales/deals/{deleted_deal['id']}").status == 204
    person = api.post(
        "/sales/contacts", {"kind": "person", "display_name": "Seeded Person", "employer_id": contact["id"]}
    ).data
    subsidiary = api.post(
        "/sales/contacts", {"kind": "organization", "display_name": "Seeded Subsidiary", "parent_id": contact["id"]}
    ).data
    # The subsidiary's conversion is pending: a second request is refused.
    assert api.post(f"/sales/contacts/{subsidiary['id']}/convert", {"target": "tenant"}).status == 202
    subsidiary = api.get(f"/sales/contacts/{subsidiary['id']}").data
    relationship = api.post(
        f"/sales/contacts/{person['id']}/relationships", {"to_id": contact["id"], "type": "decision_maker_for"}
    ).data
    deleted_contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Gone"}).data
    assert api.delete(f"/sales/contacts/{deleted_contact['id']}").status == 204
    launch = {"name": "Seeded launch", "type": "webinar", "budget": {"amount": 100000, "currency": "EUR"}}
    campaign = api.post("/sales/campaigns", launch).data
    campaign = api.post(f"/sales/campaigns/{campaign['id']}/activate").data
    cancelled_campaign = api.post("/sales/campaigns", {**launch, "name": "Seeded cancelled launch"}).data
    cancelled_campaign = api.post(f"/sales/campaigns/{cancelled_campaign['id']}/cancel").data
    lead = api.post("/sales/leads", {"contact_id": contact["id"], "source": "web_form", "title": "Seeded lead"}).data
    lead = api.post(f"/sales/leads/{lead['id']}/start").data
    converted_lead = api.post("/sales/leads", {"contact_id": contact["id"], "source": "phone", "title": "Done"}).data
    assert api.post(f"/sales/leads/{converted_lead['id']}/qualify").status == 200
    assert api.post(f"/sales/leads/{converted_lead['id']}/convert").status == 201
    converted_lead = api.get(f"/sales/leads/{converted_lead['id']}").data
    opportunity = api.post("/sales/opportunities", {"customer_id": contact["id"], "name": "Seeded offer"}).data
    line = {"description": "Device", "product_code": "DEV-1", "quantity": 2, "unit_price": 19900}
    opportunity = api.post(
        f"/sales/opportunities/{opportunity['id']}/variants", {"name": "Standard", "currency": "EUR", "lines": [line]}
    ).data
    validated = api.post("/sales/opportunities", {"customer_id": contact["id"], "name": "Seeded validated"}).data
    validated = api.post(
        f"/sales/opportunities/{validated['id']}/variants", {"name": "Only", "currency": "EUR", "lines": [line]}
    ).data
    validated = api.post(
        f"/sales/opportunities/{validated['id']}/validate", {"variant_id": validated["variants"][0]["id"]}
    ).data
    partners = {}
    for name, profile in (
        ("partner", {"subtype": "reseller"}),
        ("suspended_partner", {"subtype": "reseller", "tier": "platinum"}),
        ("distributor", {"subtype": "distributor"}),
        ("other_distributor", {"subtype": "distributor"}),
        ("authorized_partner", {"subtype": "reseller"}),
        ("other_reseller", {"subtype": "reseller", "tier": "platinum"}),
    ):
        company = api.post("/sales/contacts", {"kind": "organization", "display_name": f"Seeded {name}"}).data
        partners[name] = api.post("/sales/partners", {"contact_id": company["id"], **profile}).data
    # The reseller at version 2 (tier gold, may be shared leads), and one suspended.
    partners["partner"] = api.put(
        f"/sales/partners/{partners['partner']['id']}/tier", {"tier": "gold", "reason": "Seeded"}
    ).data
    partners["suspended_partner"] = api.post(f"/sales/partners/{partners['suspended_partner']['id']}/suspend").data
    assert partners["partner"]["version"] == partners["suspended_partner"]["version"] == 2
    # A pending agreement of the reseller with the other distributor (version 1), an active one with the first.
    terms = {"reseller_id": partners["partner"]["id"], "territory": ["DE", "AT"], "starts_on": "2026-01-01"}
    partners["agreement"] = api.post(
        "/sales/distribution-agreements", {**terms, "distributor_id": partners["other_distributor"]["id"]}
    ).data
    active = api.post("/sales/distribution-agreements", {**terms, "distributor_id": partners["distributor"]["id"]})
    partners["active_agreement"] = api.post(f"/sales/distribution-agreements/{active.data['id']}/activate").data
    assert partners["active_agreement"]["status"] == "active"
    # Agreements the seeded reseller is no party to: of the suspended reseller with each distributor.
    for name, distributor in (("foreign_agreement", "distributor"), ("internal_agreement", "other_distributor")):
        partners[name] = api.post(
            "/sales/distribution-agreements",
            {
                **terms,
                "reseller_id": partners["suspended_partner"]["id"],
                "distributor_id": partners[distributor]["id"],
            },
        ).data
    # Leads shared with the gold reseller and with the platinum one.
    for name, partner in (("shared_lead", "partner"), ("their_lead", "other_reseller")):
        made = api.post("/sales/leads", {"contact_id": contact["id"], "source": "web_form", "title": name}).data
        reply = api.post(f"/sales/leads/{made['id']}/share", {"partner_id": partners[partner]["id"]})
        assert reply.status == 200, reply.body
        partners[name] = reply.data
    # A deal the reseller registered direct (its exception requested).
    registration = {**body, "name": "Registered direct", "route": "direct"}
    partners["direct_deal"] = api.post(f"/sales/partners/{partners['partner']['id']}/deals", registration).data
    assert partners["direct_deal"]["channel"]["direct_exception"] == "requested", partners["direct_deal"]
    # A pending agreement of the same pair whose dates overlap the active one's.
    partners["overlapping_agreement"] = api.post(
        "/sales/distribution-agreements",
        {**terms, "distributor_id": partners["distributor"]["id"], "starts_on": "2027-06-01"},
    ).data
    # Quotes: a draft on the seeded deal (version 1), one sent (version 2), and on a deal of their own an accepted
    # one with a rival sent before it was accepted, and a sent one whose validity ran out (set in the table).
    quotes = {"quote": api.post(f"/sales/deals/{deal['id']}/quotes", {}).data}
    quotes["sent_quote"] = api.post(f"/sales/deals/{deal['id']}/quotes", {}).data
    quotes["sent_quote"] = api.post(f"/sales/quotes/{quotes['sent_quote']['id']}/send").data
    quoted = api.post("/sales/deals", {**body, "name": "Quoted deal"}).data
    for name in ("accepted_quote", "rival_quote", "expired_quote"):
        made = api.post(f"/sales/deals/{quoted['id']}/quotes", {}).data
        quotes[name] = api.post(f"/sales/quotes/{made['id']}/send").data
    quotes["accepted_quote"] = api.post(f"/sales/quotes/{quotes['accepted_quote']['id']}/accept").data
    boto3.resource("dynamodb").Table(TABLE).update_item(
        Key={"PK": f"QUOTE#{quotes['expired_quote']['id']}", "SK": "QUOTE"},
        UpdateExpression="SET valid_until = :past",
        ExpressionAttributeValues={":past": "2020-01-31"},
    )
    assert quotes["accepted_quote"]["status"] == "accepted" and quotes["sent_quote"]["version"] == 2
    # Activities: a call on the contact and the deal (version 1), and a void one. Conversations: an email thread
    # at version 3 (an inbound message, then a draft reply: `message`, `draft_message`); another with a message
    # already read (`read_message`); a phone thread; a LINE thread in the deleted folder.
    calls = {"contact_id": contact["id"], "deal_id": deal["id"]}
    threads: dict[str, Any] = {
        "activity": api.post("/sales/activities", {"type": "call", "subject": "Seeded call", "links": calls}).data
    }
    void = api.post("/sales/activities", {"type": "note", "subject": "Seeded note", "links": calls}).data
    threads["void_activity"] = api.post(f"/sales/activities/{void['id']}/void", {"reason": "Seeded"}).data
    thread = {"contact_id": contact["id"], "channel": "email", "address": "buyer@acme.example", "subject": "Seeded"}
    conversation = api.post("/sales/conversations", thread).data
    path = f"/sales/conversations/{conversation['id']}/messages"
    threads["message"] = api.post(path, {"direction": "in", "body": "Seeded inbound"}).data
    threads["draft_message"] = api.post(path, {"direction": "out", "body": "Seeded draft", "draft": True}).data
    threads["conversation"] = api.get(f"/sales/conversations/{conversation['id']}").data
    phone = {"contact_id": contact["id"], "channel": "phone", "address": "+4930123456"}
    threads["phone_conversation"] = api.post("/sales/conversations", phone).data
    line = {"contact_id": contact["id"], "channel": "line", "address": "U" + "a" * 32}
    deleted = api.post("/sales/conversations", line).data
    threads["deleted_conversation"] = api.put(
        f"/sales/conversations/{deleted['id']}/folder", {"folder": "deleted"}
    ).data
    read = {"contact_id": contact["id"], "channel": "email", "address": "reader@acme.example"}
    read_thread = api.post("/sales/conversations", read).data
    read_message = api.post(
        f"/sales/conversations/{read_thread['id']}/messages", {"direction": "in", "body": "Seeded, read"}
    ).data
    threads["read_message"] = api.put(
        f"/sales/conversations/{read_thread['id']}/messages/{read_message['id']}/delivery", {"delivery": "read"}
    ).data
    assert threads["conversation"]["version"] == 3 and threads["activity"]["version"] == 1
    # Billing: an open job, a completed one (version 2) not billed yet, an issued invoice of 100 USD (version 1,
    # its job invoiced), one partly paid (40 of 100, version 2) with its `payment`, and a void one.
    billing_records: dict[str, Any] = {
        "job": billing.open_job(api, name="Seeded open job"),
        "completed_job": billing.completed_job(api, name="Seeded completed job"),
        "invoice": billing.issued_invoice(api, name="Seeded invoice"),
    }
    partly = billing.issued_invoice(api, name="Seeded partly paid")
    payment = {"invoice_id": partly["id"], "amount": 40, "method": "bank_transfer", "reference": "Seeded"}
    billing_records["payment"] = api.post("/billing/payments", payment).data
    billing_records["partly_paid_invoice"] = api.get(f"/billing/invoices/{partly['id']}").data
    voided = billing.issued_invoice(api, name="Seeded void")
    billing_records["void_invoice"] = api.post(f"/billing/invoices/{voided['id']}/void", {"reason": "Seeded"}).data
    assert billing_records["completed_job"]["version"] == 2 and billing_records["invoice"]["version"] == 1
    assert billing_records["partly_paid_invoice"]["status"] == "partially_paid"
    assert contact["version"] == deal["version"] == campaign["version"] == lead["version"] == 2
    assert opportunity["version"] == 2 and opportunity["status"] == "solutioning"
    return {
        "lead": lead,
        "converted_lead": converted_lead,
        "opportunity": opportunity,
        "variant": opportunity["variants"][0],
        "validated_opportunity": validated,
        "campaign": campaign,
        "cancelled_campaign": cancelled_campaign,
        "contact": contact,
        "deal": deal,
        "deleted_deal": deleted_deal,
        "deleted_contact": deleted_contact,
        "person": person,
        "subsidiary": subsidiary,
        "relationship": relationship,
        "future": future,
        **partners,
        **quotes,
        **threads,
        **billing_records,
    }
