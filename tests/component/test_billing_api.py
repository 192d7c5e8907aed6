"""The Billing context end to end in-process: jobs from won deals and provisioning, invoices, payments, overdue,
receivables."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.billing import (
    PROVISIONING_CONSUMER,
    WON_CONSUMER,
    deliver,
    issued_invoice,
    job_of,
    open_job,
    provisioning_completed,
    won_deal,
    won_event,
)
from tests.support.samples import days_ahead


def test_a_won_deal_is_billed_and_paid(api: Api) -> None:
    job = open_job(api)
    assert job["status"] == "open"
    deliver(PROVISIONING_CONSUMER, provisioning_completed(job["deal_id"]))
    assert api.get(f"/billing/jobs/{job['id']}").data["status"] == "completed"
    body = {"jobId": job["id"], "dueDate": days_ahead(10), "items": [{"description": "Service", "amount": 100}]}
    invoice = api.post("/billing/invoices", body)
    assert invoice.status == 201, invoice.body
    assert invoice.data["status"] == "issued" and invoice.data["total"] == 100
    assert invoice.data["invoice_number"].endswith("-000001")
    first = api.post("/billing/payments", {"invoiceId": invoice.data["id"], "amount": 40, "method": "check"})
    assert first.status == 201, first.body
    assert first.data["status"] == "completed"
    over = api.post("/billing/payments", {"invoice_id": invoice.data["id"], "amount": 61, "method": "cash"})
    assert over.status == 422 and over.error_code == "OVERPAYMENT"
    second = api.post("/billing/payments", {"invoice_id": invoice.data["id"], "amount": 60, "method": "card"})
    assert second.status == 201, second.body
    paid = api.get(f"/billing/invoices/{invoice.data['id']}").data
    assert paid["status"] == "paid" and paid["balance_due"] == 0
    assert api.get("/billing/stats/receivables").data == {"currencies": []}
    payments = api.get(f"/billing/invoices/{invoice.data['id']}/payments")
    assert payments.body["pagination"]["total"] == 2


def test_won_five_times_and_completed_first_gives_one_job(api: Api) -> None:
    deal = won_deal(api)
    deliver(PROVISIONING_CONSUMER, provisioning_completed(deal["id"]))
    for _ in range(5):
        event = won_event(deal["id"])
        event["detail"]["metadata"]["event_id"] = f"{event['detail']['metadata']['event_id']}"
        deliver(WON_CONSUMER, event)
    job = job_of(api, deal)
    assert job["status"] == "completed"
    assert issued_invoice  # used below
