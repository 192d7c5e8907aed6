"""The Billing context end to end in-process: jobs from won deals and provisioning, invoices, payments, overdue,
receivables."""

from __future__ import annotations

import copy
import io
import uuid
from datetime import date, timedelta

from pypdf import PdfReader

from tests.support.api import Api
from tests.support.aws import BILLING_TABLE
from tests.support.billing import (
    PROVISIONING_CONSUMER,
    WON_CONSUMER,
    backdate,
    deliver,
    issued_invoice,
    job_of,
    open_job,
    provisioning_completed,
    won_deal,
    won_event,
)
from tests.support.samples import days_ahead
from tests.support.streams import events_of
from tools.sample_events import sqs_batch

OVERDUE_RUN = "billing/overdue_invoices"
SCHEDULED = {"version": "0", "source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": "{}"}


def test_a_won_deal_is_billed_and_paid(api: Api) -> None:
    job = open_job(api)
    assert (job["status"], job["customer_name"]) == ("open", "Fleet rollout customer")
    deliver(PROVISIONING_CONSUMER, provisioning_completed(job["deal_id"]))
    assert api.get(f"/billing/jobs/{job['id']}").data["status"] == "completed"
    body = {"jobId": job["id"], "dueDate": days_ahead(10), "items": [{"description": "Service", "amount": 100}]}
    invoice = api.post("/billing/invoices", body)
    assert invoice.status == 201, invoice.body
    assert invoice.data["status"] == "issued" and invoice.data["total"] == 100
    assert invoice.data["customer_name"] == "Fleet rollout customer"
    pdf = api.call("GET", f"/billing/invoices/{invoice.data['id']}/pdf", headers={"Accept": "application/pdf"})
    assert pdf.status == 200 and pdf.body is not None, pdf.body
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body["content"])).pages)
    assert "Customer: Fleet rollout customer" in text, text
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
    deliver(PROVISIONING_CONSUMER, provisioning_completed(deal["id"], completed_at="2026-11-20T09:30:00Z"))
    first = won_event(deal["id"])
    for attempt in range(5):
        event = copy.deepcopy(first)
        if attempt % 2:  # redelivered as it was, or published again under a new event id
            event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
        assert deliver(WON_CONSUMER, sqs_batch([event], "won")) == {"batchItemFailures": []}
    job = job_of(api, deal)
    assert (job["status"], job["completed_at"]) == ("completed", "2026-11-20T09:30:00.000Z")
    assert len(events_of(job["id"], "job.opened", table=BILLING_TABLE)) == 1
    assert len(events_of(job["id"], "job.completed", table=BILLING_TABLE)) == 1
    body = {"job_id": job["id"], "due_date": days_ahead(30)}
    invoice = api.post("/billing/invoices", body)
    assert invoice.status == 201, invoice.body
    # The items default to the job's: the won deal's value.
    assert invoice.data["total"] == deal["value"]
    again = api.post("/billing/invoices", body)
    assert again.status == 409 and again.error_code == "INVOICE_EXISTS", again.body
    assert api.get("/billing/invoices", query={"customer_id": deal["customer_id"]}).body["pagination"]["total"] == 1


def test_a_job_is_completed_by_hand_once_and_cannot_be_invoiced_before(api: Api) -> None:
    job = open_job(api, name="Manual rollout")
    early = api.post("/billing/invoices", {"job_id": job["id"], "due_date": days_ahead(30)})
    assert early.status == 409 and early.error_code == "JOB_NOT_COMPLETED", early.body
    done = api.post(f"/billing/jobs/{job['id']}/complete", {})
    assert done.status == 200 and done.data["status"] == "completed", done.body
    # Completion is reported at least once: a repeat changes nothing.
    twice = api.post(f"/billing/jobs/{job['id']}/complete", {})
    assert twice.status == 200 and twice.data == done.data, twice.body
    # provisioning's late report changes nothing.
    deliver(PROVISIONING_CONSUMER, provisioning_completed(job["deal_id"]))
    assert api.get(f"/billing/jobs/{job['id']}").data["completed_at"] == done.data["completed_at"]
    assert len(events_of(job["id"], "job.completed", table=BILLING_TABLE)) == 1


def test_a_voided_invoice_releases_its_job_for_the_next_number(api: Api) -> None:
    first = issued_invoice(api, amount=250, name="Voided rollout")
    voided = api.post(f"/billing/invoices/{first['id']}/void", {"reason": "Wrong items"})
    assert voided.status == 200 and voided.data["status"] == "void", voided.body
    job = api.get(f"/billing/jobs/{first['job_id']}").data
    assert (job["status"], job["invoice_id"]) == ("completed", None)
    second = api.post("/billing/invoices", {"job_id": job["id"], "due_date": days_ahead(30)})
    assert second.status == 201, second.body
    assert (first["invoice_number"][-6:], second.data["invoice_number"][-6:]) == ("000001", "000002")
    paid = api.post("/billing/payments", {"invoice_id": second.data["id"], "amount": 1, "method": "cash"})
    assert paid.status == 201, paid.body
    refused = api.post(f"/billing/invoices/{second.data['id']}/void", {"reason": "Too late"})
    assert refused.status == 409 and refused.error_code == "INVALID_TRANSITION", refused.body
    assert api.get("/billing/invoices", query={"status": "void"}).data[0]["id"] == first["id"]


def test_the_daily_run_marks_past_due_invoices_overdue_once(api: Api) -> None:
    late = issued_invoice(api, amount=300, name="Late", currency="EUR")
    partly = issued_invoice(api, amount=200, name="Partly", currency="EUR")
    assert api.post("/billing/payments", {"invoice_id": partly["id"], "amount": 50, "method": "cash"}).status == 201
    settled = issued_invoice(api, amount=100, name="Settled", currency="EUR")
    assert api.post("/billing/payments", {"invoice_id": settled["id"], "amount": 100, "method": "cash"}).status == 201
    current = issued_invoice(api, amount=400, name="Current", currency="EUR")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for invoice in (late, partly, settled):
        backdate(invoice["id"], yesterday)

    assert deliver(OVERDUE_RUN, SCHEDULED) == {"day": date.today().isoformat(), "examined": 2, "marked": 2}
    statuses = {
        i["id"]: api.get(f"/billing/invoices/{i['id']}").data["status"] for i in (late, partly, settled, current)
    }
    assert statuses == {late["id"]: "overdue", partly["id"]: "overdue", settled["id"]: "paid", current["id"]: "issued"}
    overdue = api.get("/billing/invoices", query={"overdue": "true"}).data
    assert sorted(invoice["id"] for invoice in overdue) == sorted((late["id"], partly["id"]))
    [eur] = api.get("/billing/stats/receivables").data["currencies"]
    assert (eur["outstanding"], eur["overdue"], eur["invoice_count"]) == (300 + 150 + 400, 300 + 150, 3)

    # The next day's run finds them marked already: nothing is written or emitted again.
    assert deliver(OVERDUE_RUN, SCHEDULED)["marked"] == 0
    for invoice in (late, partly):
        assert len(events_of(invoice["id"], "invoice.overdue", table=BILLING_TABLE)) == 1
        assert api.get(f"/billing/invoices/{invoice['id']}").data["version"] == 2 + (invoice is partly)
    # Paying an overdue invoice off takes it off the receivables.
    assert (
        api.post("/billing/payments", {"invoice_id": late["id"], "amount": 300, "method": "bank_transfer"}).status
        == 201
    )
    [eur] = api.get("/billing/stats/receivables").data["currencies"]
    assert (eur["outstanding"], eur["overdue"], eur["invoice_count"]) == (150 + 400, 150, 2)
