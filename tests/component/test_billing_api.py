"""The Billing context end to end in-process: jobs from won deals and provisioning, invoices, payments, overdue,
receivables."""

from __future__ import annotations

import copy
import io
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from billing.invoice.store import InvoiceRepository
from billing.invoice.use_cases import OverdueRunIncomplete
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


def test_a_completion_is_never_lost_to_its_deal_id_in_capitals_or_a_time_that_is_no_instant(api: Api) -> None:
    """provisioning's completion time is taken when it is a past instant with an offset; otherwise the event's
    time stands in (then now), and the job still completes. Its deal id may come in capitals."""
    cases = {
        "2026-11-20T10:30:00+01:00": "2026-11-20T09:30:00.000Z",
        "0001-01-01T00:30:00+01:00": "2026-11-30T10:00:00.000Z",  # no UTC instant holds it
        "9999-12-31T23:59:59-01:00": "2026-11-30T10:00:00.000Z",
        "2026-11-20T09:30:00": "2026-11-30T10:00:00.000Z",  # no offset: ambiguous
        "2099-01-01T00:00:00Z": "2026-11-30T10:00:00.000Z",  # not yet
        "yesterday": "2026-11-30T10:00:00.000Z",
    }
    for number, (given, kept) in enumerate(cases.items()):
        job = open_job(api, name=f"Provisioned {number}")
        event = provisioning_completed(job["deal_id"].upper(), completed_at=given)
        assert deliver(PROVISIONING_CONSUMER, sqs_batch([event], "provisioned")) == {"batchItemFailures": []}
        done = api.get(f"/billing/jobs/{job['id']}").data
        assert (done["status"], done["completed_at"]) == ("completed", kept), given


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


def _deal_with_lines(api: Api, name: str) -> dict[str, Any]:
    """An open deal from a confirmed opportunity variant of two lines (2 x 500 + 1 x 250 = 1,250 EUR)."""
    customer = api.post("/sales/contacts", {"kind": "organization", "display_name": f"{name} customer"}).data
    offer = api.post("/sales/opportunities", {"customer_id": customer["id"], "name": name}).data
    lines = [
        {"description": "Device", "quantity": 2, "unit_price": 500},
        {"description": "Setup", "quantity": 1, "unit_price": 250},
    ]
    offer = api.post(f"/sales/opportunities/{offer['id']}/variants", {"name": "A", "currency": "EUR", "lines": lines})
    assert offer.status == 201, offer.body
    variant = offer.data["variants"][0]["id"]
    assert api.post(f"/sales/opportunities/{offer.data['id']}/validate", {"variant_id": variant}).status == 200
    confirmed = api.post(f"/sales/opportunities/{offer.data['id']}/confirm", {"expected_close_date": days_ahead(30)})
    assert confirmed.status == 201, confirmed.body
    deal = confirmed.data  # the deal the confirmation opened
    assert (deal["value"], len(deal["lines"])) == (1250, 2), deal
    return dict(deal)


def test_an_invoice_bills_the_lines_of_a_deal_won_at_their_total_and_the_value_of_one_won_below_it(api: Api) -> None:
    billed: dict[str, list[dict[str, Any]]] = {}
    for name, win in (("Full price", {}), ("Closing discount", {"actual_value": 1000})):
        deal = _deal_with_lines(api, name)
        assert api.post(f"/sales/deals/{deal['id']}/win", win).status == 200
        deliver(WON_CONSUMER, won_event(deal["id"]))
        deliver(PROVISIONING_CONSUMER, provisioning_completed(deal["id"]))
        job = job_of(api, deal)
        invoice = api.post("/billing/invoices", {"job_id": job["id"], "due_date": days_ahead(30)})
        assert invoice.status == 201, invoice.body
        billed[name] = [{key: item[key] for key in ("description", "amount")} for item in invoice.data["items"]]
        assert invoice.data["total"] == job["value"], invoice.data
    assert billed == {
        "Full price": [{"description": "Device", "amount": 1000}, {"description": "Setup", "amount": 250}],
        "Closing discount": [{"description": "Closing discount", "amount": 1000}],
    }


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


def test_an_invoice_the_daily_run_cannot_mark_holds_back_no_other_and_is_marked_on_the_retry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoices = [issued_invoice(api, amount=100 * (n + 1), name=f"Late {n}", currency="EUR") for n in range(3)]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for invoice in invoices:
        backdate(invoice["id"], yesterday)
    stuck = invoices[1]["id"]
    load = InvoiceRepository.get

    def get(self: InvoiceRepository, invoice_id: str) -> Any:
        if invoice_id == stuck:
            raise RuntimeError("the table could not be read")
        return load(self, invoice_id)

    monkeypatch.setattr(InvoiceRepository, "get", get)
    with pytest.raises(OverdueRunIncomplete, match=f"1 of 3 invoices not marked overdue: {stuck}"):
        deliver(OVERDUE_RUN, SCHEDULED)
    monkeypatch.setattr(InvoiceRepository, "get", load)
    statuses = [api.get(f"/billing/invoices/{invoice['id']}").data["status"] for invoice in invoices]
    assert statuses == ["overdue", "issued", "overdue"]

    # The retry marks only the one left.
    assert deliver(OVERDUE_RUN, SCHEDULED) == {"day": date.today().isoformat(), "examined": 1, "marked": 1}
    assert api.get(f"/billing/invoices/{stuck}").data["status"] == "overdue"
    assert all(len(events_of(invoice["id"], "invoice.overdue", table=BILLING_TABLE)) == 1 for invoice in invoices)


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
