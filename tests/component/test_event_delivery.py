"""Commands -> outbox -> stream -> relay -> EventBridge -> rules -> queues, all real under moto."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.support import billing
from tests.support.api import LambdaContext, function_module
from tests.support.aws import BILLING_TABLE, ROOT, TABLE, context_of, drain, queue_behind_rule, template
from tests.support.streams import relay_event, stream_records
from tools import sample_events
from tools.registry import EVENTS_BY_KEY as BY_KEY


@pytest.fixture
def provisioning_queue(aws) -> str:
    rule = template()["Resources"]["DealWonToProvisioningRule"]["Properties"]
    return queue_behind_rule("deal-won-to-provisioning", rule["EventPattern"], "provisioning")


@pytest.fixture
def everything_queue(aws) -> str:
    return queue_behind_rule("catch-all", {"source": [{"prefix": ""}]}, "everything")


_relayed: dict[str, int] = {}


def _relay_all() -> dict:
    """Relay the stream records not relayed yet, like the event source mapping's checkpoint: Sales's table by
    Sales's relay, then Billing's by Billing's (each in its own environment)."""
    failures = []
    for table, folder in ((TABLE, "sales/outbox_relay"), (BILLING_TABLE, "billing/outbox_relay")):
        records = stream_records(table)
        start = _relayed.get(table, 0)
        _relayed[table] = len(records)
        if records[start:]:
            with context_of(folder):
                relay = function_module(folder).lambda_handler
                failures += relay(relay_event(records[start:]), LambdaContext())["batchItemFailures"]
    return {"batchItemFailures": failures}


@pytest.fixture(autouse=True)
def _fresh_checkpoint():
    _relayed.clear()


def test_deal_won_reaches_the_provisioning_queue_through_the_real_rule(api, deal, provisioning_queue):
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "negotiation"})
    won = api.post(f"/sales/deals/{deal['id']}/win", {"actualValue": 52000000, "note": "Signed contract attached"})
    assert won.status == 200

    assert _relay_all() == {"batchItemFailures": []}

    delivered = drain(provisioning_queue)
    assert [event["detail-type"] for event in delivered] == ["deal.won"]
    event = delivered[0]
    assert event["source"] == "sales"
    metadata, data = event["detail"]["metadata"], event["detail"]["data"]
    assert metadata["event_type"] == "deal.won"
    assert metadata["event_version"] == "1.1.0"
    assert metadata["aggregate_id"] == deal["id"]
    assert metadata["aggregate_version"] == won.data["version"]
    assert metadata["actor"] == deal["assigned_to"]
    assert set(data) >= {
        "deal_id", "customer_id", "bridge", "name", "value", "currency", "close_date", "actual_value",
        "note", "assigned_to", "opportunity_id", "variant_id", "quote_id", "lines", "channel",
    }  # fmt: skip
    assert data["deal_id"] == deal["id"]
    assert data["customer_id"] == deal["customer_id"]
    assert data["value"] == 52000000 and data["actual_value"] == 52000000 and data["currency"] == "USD"
    assert data["note"] == "Signed contract attached"
    assert data["bridge"] is None and data["quote_id"] is None
    assert data["channel"] == {"reseller_id": None, "distributor_id": None, "route": "direct"}
    schema = json.loads((ROOT / "docs" / "events" / BY_KEY["deal.won"].schema_file).read_text())
    jsonschema.validate(event["detail"], schema)


def test_every_published_event_matches_its_committed_schema(api, contact, deal, future, everything_queue):
    deal_id = deal["id"]
    api.put(f"/sales/deals/{deal_id}/value", {"value": 60000000, "currency": "USD"})
    api.put(f"/sales/deals/{deal_id}/stage", {"stage": "proposal"})
    api.post(f"/sales/deals/{deal_id}/lose", {"reason": "Customer chose competitor due to pricing"})
    api.delete(f"/sales/deals/{deal_id}")
    api.post(f"/sales/deals/{deal_id}/restore")
    other = api.post("/sales/contacts", {"kind": "person", "display_name": "Ada", "emails": ["ada@example.org"]}).data
    api.patch(f"/sales/contacts/{other['id']}", {"lifecycle": "active"})
    api.delete(f"/sales/contacts/{other['id']}")
    api.post(f"/sales/contacts/{other['id']}/restore")
    link = api.post(f"/sales/contacts/{other['id']}/relationships", {"to_id": contact["id"], "type": "influences"})
    api.delete(f"/sales/contacts/{other['id']}/relationships/{link.data['id']}")
    api.post(f"/sales/contacts/{other['id']}/convert", {"target": "application_user"})
    launch = api.post("/sales/campaigns", {"name": "Launch", "type": "event"}).data
    api.patch(f"/sales/campaigns/{launch['id']}", {"name": "Launch event"})
    api.post(f"/sales/campaigns/{launch['id']}/activate")
    api.post(f"/sales/campaigns/{launch['id']}/complete")
    api.post(f"/sales/campaigns/{api.post('/sales/campaigns', {'name': 'Off', 'type': 'ads'}).data['id']}/cancel")
    lead = api.post("/sales/leads", {"contact_id": contact["id"], "source": "email", "title": "Interest"}).data
    api.post(f"/sales/leads/{lead['id']}/disqualify", {"reason": "Too early"})
    api.post(f"/sales/leads/{lead['id']}/reopen")
    api.post(f"/sales/leads/{lead['id']}/qualify")
    offer = api.post(f"/sales/leads/{lead['id']}/convert").data
    line = {"description": "Device", "quantity": 2, "unit_price": 500}
    offer = api.post(f"/sales/opportunities/{offer['id']}/variants", {"name": "A", "currency": "EUR", "lines": [line]})
    variant = offer.data["variants"][0]["id"]
    api.post(f"/sales/opportunities/{offer.data['id']}/validate", {"variant_id": variant})
    api.post(f"/sales/opportunities/{offer.data['id']}/confirm", {"expected_close_date": future})
    other_offer = api.post("/sales/opportunities", {"customer_id": contact["id"], "name": "No"}).data
    api.post(f"/sales/opportunities/{other_offer['id']}/decline", {"reason": "Not now"})
    twin = api.post("/sales/contacts", {"kind": "person", "display_name": "Ada L.", "emails": ["ada@l.example"]})
    assert api.post(f"/sales/contacts/{other['id']}/merge", {"duplicate_id": twin.data["id"]}).status == 200
    created = sample_events.federation_event("application_user.created", "application_user_id", "user-1")
    created["detail"]["data"]["requested_by"]["contact_id"] = other["id"]
    bridge = function_module("sales/conversion_bridge").lambda_handler
    assert bridge(sample_events.sqs_batch([created], "bridge"), LambdaContext()) == {"batchItemFailures": []}
    second = api.post(
        "/sales/deals",
        {
            "customer_id": contact["id"],
            "name": "Quick win",
            "value": 1000,
            "currency": "EUR",
            "expected_close_date": future,
        },
    ).data
    api.put(f"/sales/deals/{second['id']}/stage", {"stage": "closed_won"})
    company = api.post("/sales/contacts", {"kind": "organization", "display_name": "Channel GmbH"}).data
    partner = api.post("/sales/partners", {"contact_id": company["id"], "subtype": "reseller"}).data
    api.put(f"/sales/partners/{partner['id']}/tier", {"tier": "gold", "reason": "Volume"})
    api.post(f"/sales/partners/{partner['id']}/suspend")
    api.post(f"/sales/partners/{partner['id']}/reinstate")
    converted = api.post(f"/sales/partners/{partner['id']}/convert-to-distributor")
    assert converted.status == 200, converted.body
    company = api.post("/sales/contacts", {"kind": "organization", "display_name": "Channel Two"}).data
    reseller = api.post("/sales/partners", {"contact_id": company["id"], "subtype": "reseller"}).data
    terms = {"reseller_id": reseller["id"], "distributor_id": partner["id"], "territory": ["DE"]}
    made = api.post("/sales/distribution-agreements", {**terms, "starts_on": "2026-01-01"})
    assert made.status == 201, made.body
    agreement = made.data
    assert api.post(f"/sales/distribution-agreements/{agreement['id']}/activate").status == 200
    registration = {
        "customer_id": contact["id"],
        "name": "Registered",
        "value": 5000,
        "currency": "EUR",
        "expected_close_date": future,
        "route": "direct",
    }
    registered = api.post(f"/sales/partners/{reseller['id']}/deals", registration).data
    api.post(f"/sales/deals/{registered['id']}/direct-exception", {"decision": "granted"})
    other = api.post("/sales/distribution-agreements", {**terms, "starts_on": "2020-01-01", "ends_on": "2020-12-31"})
    api.post(f"/sales/distribution-agreements/{other.data['id']}/terminate")
    api.put(f"/sales/partners/{reseller['id']}/tier", {"tier": "gold", "reason": "Volume"})
    shared = api.post(f"/sales/leads/{lead['id']}/share", {"partner_id": reseller["id"]})
    assert shared.status == 200, shared.body
    quote = api.post(f"/sales/deals/{registered['id']}/quotes", {"notes": "Net 30"}).data
    api.post(f"/sales/quotes/{quote['id']}/send")
    api.post(f"/sales/quotes/{quote['id']}/accept")
    rejected = api.post(f"/sales/deals/{registered['id']}/quotes", {}).data
    api.post(f"/sales/quotes/{rejected['id']}/send")
    api.post(f"/sales/quotes/{rejected['id']}/reject", {"reason": "Superseded"})
    logged = api.post("/sales/activities", {"type": "note", "subject": "Met", "links": {"deal_id": second["id"]}})
    api.post(f"/sales/activities/{logged.data['id']}/void", {"reason": "Wrong deal"})
    thread = {"contact_id": contact["id"], "channel": "email", "address": "buyer@acme.example", "subject": "Ünïcode ✓"}
    conversation = api.post("/sales/conversations", thread).data["id"]
    api.post(f"/sales/conversations/{conversation}/messages", {"direction": "in", "body": "Hello 👋"})
    api.post(f"/sales/conversations/{conversation}/messages", {"direction": "out", "body": "Hi <b>there</b>"})
    api.put(f"/sales/conversations/{conversation}/folder", {"folder": "archived"})
    forwarded = api.post(f"/sales/conversations/{conversation}/forward", {"scope": "thread", "to": ["a@b.example"]})
    assert forwarded.status == 200, forwarded.body
    # Billing: a job from a won deal completed by provisioning, an invoice paid in two payments, one voided and
    # one the daily run finds overdue.
    paid = billing.issued_invoice(api, amount=100, name="Billed")
    for amount in (40, 60):
        payment = {"invoice_id": paid["id"], "amount": amount, "method": "check"}
        assert api.post("/billing/payments", payment).status == 201
    voided = billing.issued_invoice(api, name="Voided")
    assert api.post(f"/billing/invoices/{voided['id']}/void", {"reason": "Wrong items"}).status == 200
    late = billing.issued_invoice(api, name="Late")
    billing.backdate(late["id"], "2026-01-31")
    assert billing.deliver("billing/overdue_invoices", {"source": "aws.scheduler", "detail": "{}"})["marked"] == 1

    assert _relay_all() == {"batchItemFailures": []}

    delivered = drain(everything_queue)
    types = sorted({event["detail-type"] for event in delivered})
    assert types == sorted(BY_KEY), "every catalogued event was exercised and published"
    ids = [event["detail"]["metadata"]["event_id"] for event in delivered]
    assert len(ids) == len(set(ids))
    for event in delivered:
        spec = BY_KEY[event["detail-type"]]
        schema = json.loads((ROOT / "docs" / "events" / spec.schema_file).read_text())
        jsonschema.validate(event["detail"], schema)
    deal_versions = [
        event["detail"]["metadata"]["aggregate_version"]
        for event in delivered
        if event["detail"]["metadata"]["aggregate_id"] == deal_id
    ]
    assert deal_versions == sorted(deal_versions), "one aggregate's events arrive in order"


def test_nothing_is_published_for_a_failed_command(api, deal, everything_queue):
    _relay_all()
    drain(everything_queue)
    api.post(f"/sales/deals/{deal['id']}/win")
    refused = api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "too late"})
    assert refused.status == 400 and refused.error_code == "MARK_LOST_FAILED"
    _relay_all()
    assert [event["detail-type"] for event in drain(everything_queue)] == ["deal.won"]
