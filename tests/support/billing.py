"""Billing in tests: hand the events it consumes to its real consumers, and make jobs, invoices and payments the
way they come about (a deal won through the Sales API, provisioning's completion, the billing API)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.api import Api, LambdaContext, function_module
from tests.support.aws import context_of
from tests.support.samples import days_ahead
from tests.support.streams import bus_event, events_of

WON_CONSUMER = "billing/jobs_from_won_deals"
PROVISIONING_CONSUMER = "billing/jobs_from_provisioning"


def deliver(folder: str, event: dict[str, Any]) -> dict[str, Any]:
    """One EventBridge event (or an SQS batch) to a consumer function, in its context's environment."""
    handler = function_module(folder).lambda_handler
    with context_of(folder):
        return handler(event, LambdaContext())  # type: ignore[no-any-return]


def won_event(deal_id: str) -> dict[str, Any]:
    """The deal.won the relay would publish for the deal (its latest), as a rule delivers it."""
    rows = events_of(deal_id, "deal.won")
    assert rows, f"deal {deal_id} published no deal.won"
    return bus_event(rows[-1])


def provisioning_completed(deal_id: str, completed_at: str | None = None) -> dict[str, Any]:
    """provisioning.completed as the provisioning system publishes it."""
    event_id = str(uuid.uuid4())
    data: dict[str, Any] = {"deal_id": deal_id}
    if completed_at is not None:
        data["completed_at"] = completed_at
    return {
        "version": "0",
        "id": f"bus-{event_id}",
        "source": "provisioning",
        "detail-type": "provisioning.completed",
        "time": "2026-11-30T10:00:00Z",
        "detail": {
            "metadata": {
                "event_id": event_id,
                "event_type": "provisioning.completed",
                "event_version": "1.0.0",
                "occurred_at": "2026-11-30T10:00:00Z",
                "correlation_id": str(uuid.uuid4()),
            },
            "data": data,
        },
    }


def won_deal(api: Api, name: str = "Fleet rollout", value: int = 100, currency: str = "USD") -> dict[str, Any]:
    customer = api.post("/sales/contacts", {"kind": "organization", "display_name": f"{name} customer"})
    assert customer.status == 201, customer.body
    body = {
        "customer_id": customer.data["id"],
        "name": name,
        "value": value,
        "currency": currency,
        "expected_close_date": days_ahead(30),
    }
    deal = api.post("/sales/deals", body)
    assert deal.status == 201, deal.body
    won = api.post(f"/sales/deals/{deal.data['id']}/win")
    assert won.status == 200, won.body
    return dict(won.data)


def job_of(api: Api, deal: dict[str, Any]) -> dict[str, Any]:
    jobs = api.get("/billing/jobs", query={"customer_id": deal["customer_id"]})
    assert jobs.status == 200, jobs.body
    found = [job for job in jobs.data if job["deal_id"] == deal["id"]]
    assert len(found) == 1, jobs.data
    return dict(found[0])


def open_job(api: Api, **deal: Any) -> dict[str, Any]:
    """A job opened by a deal won through the Sales API, its deal.won delivered to billing."""
    won = won_deal(api, **deal)
    deliver(WON_CONSUMER, won_event(won["id"]))
    return job_of(api, won)


def completed_job(api: Api, **deal: Any) -> dict[str, Any]:
    job = open_job(api, **deal)
    deliver(PROVISIONING_CONSUMER, provisioning_completed(job["deal_id"]))
    reply = api.get(f"/billing/jobs/{job['id']}")
    assert reply.data["status"] == "completed", reply.data
    return dict(reply.data)


def issued_invoice(api: Api, amount: int = 100, **deal: Any) -> dict[str, Any]:
    job = completed_job(api, **deal)
    body = {"job_id": job["id"], "due_date": days_ahead(30), "items": [{"description": "Service", "amount": amount}]}
    reply = api.post("/billing/invoices", body)
    assert reply.status == 201, reply.body
    return dict(reply.data)


def backdate(invoice_id: str, due_date: str) -> None:
    """Move an invoice's due date into the past, as time would (its item and its GSI3 sort key)."""
    import boto3

    from tests.support.aws import BILLING_TABLE

    boto3.resource("dynamodb").Table(BILLING_TABLE).update_item(
        Key={"PK": f"INVOICE#{invoice_id}", "SK": "INVOICE"},
        UpdateExpression="SET due_date = :due, GSI3SK = :sort",
        ExpressionAttributeValues={":due": due_date, ":sort": f"{due_date}#{invoice_id}"},
    )
