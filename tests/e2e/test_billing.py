"""Billing over HTTP under the local runtime (`make dev`): a deal won through the Sales API opens a job, a played
`provisioning.completed` completes it, the seed's camelCase bodies issue and pay its invoice, `invoice.paid`
reaches the bus once and the receivables come back to zero; duplicated and reordered deliveries give one job
and one invoice; the overdue schedule runs on demand."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.harness import REPO, LocalServer, wait_for

pytestmark = pytest.mark.e2e

BILLING = {"Authorization": "Bearer dev:019b72b6-0000-7000-8000-00000000b111:billing"}
SAMPLE = REPO / "events" / "provisioning" / "provisioning.completed.json"


class Client:
    def __init__(self, server: LocalServer) -> None:
        self.server = server

    def ok(
        self, method: str, path: str, body: Any = None, status: int = 200, headers: dict[str, str] | None = None
    ) -> Any:
        reply = self.server.request(method, path, body, headers=headers)
        assert reply.status == status, (method, path, reply.body)
        return reply.json["data"]

    def billing(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        return self.ok(method, path, body, status, BILLING)

    def won_deal(self, name: str, currency: str, value: int = 10000) -> dict[str, Any]:
        customer = self.ok("POST", "/sales/contacts", {"kind": "organization", "display_name": f"{name} GmbH"}, 201)
        body = {"customer_id": customer["id"], "name": name, "value": value, "currency": currency,
                "expected_close_date": "2099-06-30"}  # fmt: skip
        deal = self.ok("POST", "/sales/deals", body, 201)
        return dict(self.ok("POST", f"/sales/deals/{deal['id']}/win"))

    def jobs_of(self, customer_id: str) -> list[dict[str, Any]]:
        return list(self.billing("GET", f"/billing/jobs?customer_id={customer_id}"))

    def play(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        body = {"source": source, "detail_type": detail_type, "detail": detail}
        reply = self.server.request("POST", "/_local/events", body)
        assert reply.status == 202, reply.body

    def provisioning_completed(self, deal_id: str) -> None:
        """The provisioning service's event, as the committed sample has it, for this deal."""
        detail = json.loads(SAMPLE.read_text(encoding="utf-8"))["detail"]
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        detail["metadata"].update(event_id=str(uuid.uuid4()), occurred_at=now)
        detail["data"].update(deal_id=deal_id, completed_at=now)
        self.play("provisioning", "provisioning.completed", detail)

    def events(self, detail_type: str, **data: str) -> list[dict[str, Any]]:
        return [
            event
            for event in self.server.events(detail_type)
            if all(event["detail"]["data"].get(name) == value for name, value in data.items())
        ]


def due_in(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def test_a_won_deal_is_billed_and_paid_over_http(sales_server: LocalServer) -> None:
    client = Client(sales_server)
    deal = client.won_deal("Billed fleet", "CHF")

    # deal.won reaches Billing over the bus: the deal's job, open.
    [job] = wait_for(lambda: client.jobs_of(deal["customer_id"]), timeout=20)
    assert (job["deal_id"], job["status"], job["currency"]) == (deal["id"], "open", "CHF")
    assert job["customer_name"] == "Billed fleet GmbH"  # who to bill, as deal.won names the customer
    wait_for(lambda: client.events("job.opened", job_id=job["id"]))
    # A Sales caller is no billing clerk.
    forbidden = sales_server.request("GET", f"/billing/jobs/{job['id']}")
    assert forbidden.status == 403 and forbidden.json["error"]["code"] == "FORBIDDEN"

    client.provisioning_completed(deal["id"])
    job = wait_for(
        lambda: (found := client.billing("GET", f"/billing/jobs/{job['id']}"))["status"] == "completed" and found
    )

    # The seed's body, word for word but for real ids and a due date ahead.
    issue = {"jobId": job["id"], "dueDate": due_in(30), "items": [{"description": "Service", "amount": 100}]}
    invoice = client.billing("POST", "/billing/invoices", issue, 201)
    assert (invoice["status"], invoice["total"], invoice["balance_due"], invoice["currency"]) == (
        "issued",
        100,
        100,
        "CHF",
    )
    assert invoice["invoice_number"].startswith(f"INV-{date.today().year}-")
    again = sales_server.request("POST", "/billing/invoices", issue, headers=BILLING)
    assert again.status == 409, again.body

    receivables = client.billing("GET", "/billing/stats/receivables")["currencies"]
    assert [(row["outstanding"], row["invoice_count"]) for row in receivables if row["currency"] == "CHF"] == [(100, 1)]

    first = client.billing(
        "POST", "/billing/payments", {"invoiceId": invoice["id"], "amount": 40, "method": "check"}, 201
    )
    assert first["status"] == "completed"
    assert client.billing("GET", f"/billing/invoices/{invoice['id']}")["status"] == "partially_paid"
    too_much = sales_server.request(
        "POST", "/billing/payments", {"invoiceId": invoice["id"], "amount": 61, "method": "check"}, headers=BILLING
    )
    assert too_much.status == 422 and too_much.json["error"]["code"] == "OVERPAYMENT"
    second = client.billing(
        "POST", "/billing/payments", {"invoiceId": invoice["id"], "amount": 60, "method": "check"}, 201
    )
    assert second["status"] == "completed"
    paid = client.billing("GET", f"/billing/invoices/{invoice['id']}")
    assert (paid["status"], paid["amount_paid"], paid["balance_due"]) == ("paid", 100, 0)

    # Both payments are on the bus (the second in the transaction that paid the invoice), invoice.paid once.
    wait_for(lambda: len(client.events("payment.recorded", invoice_id=invoice["id"])) == 2, timeout=20)
    [event] = wait_for(lambda: client.events("invoice.paid", invoice_id=invoice["id"]))
    assert event["source"] == "billing"
    assert len(client.events("invoice.paid", invoice_id=invoice["id"])) == 1

    # Nothing outstanding in CHF any more: the currency has no row (a row is a currency with unpaid invoices).
    receivables = client.billing("GET", "/billing/stats/receivables")["currencies"]
    assert [row for row in receivables if row["currency"] == "CHF"] == []

    pdf = sales_server.request(
        "GET", f"/billing/invoices/{invoice['id']}/pdf", headers={**BILLING, "Accept": "application/pdf"}
    )
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")


def test_five_deliveries_of_deal_won_out_of_order_give_one_job_and_one_invoice(sales_server: LocalServer) -> None:
    client = Client(sales_server)
    customer = client.ok("POST", "/sales/contacts", {"kind": "organization", "display_name": "Reordered AG"}, 201)
    body = {"customer_id": customer["id"], "name": "Reordered", "value": 5000, "currency": "SEK",
            "expected_close_date": "2099-06-30"}  # fmt: skip
    deal = client.ok("POST", "/sales/deals", body, 201)

    # Provisioning reports first; the win follows (relayed once), then four more deliveries of the same event.
    client.provisioning_completed(deal["id"])
    client.ok("POST", f"/sales/deals/{deal['id']}/win")
    [won] = wait_for(lambda: client.events("deal.won", deal_id=deal["id"]))
    # Two as redelivered (the same event id), two as published again (new ids: past the consumer's dedup).
    republished = copy.deepcopy(won["detail"])
    republished["metadata"]["event_id"] = str(uuid.uuid4())
    client.play("sales", "deal.won", won["detail"])
    client.play("sales", "deal.won", republished)
    client.provisioning_completed(deal["id"])
    client.play("sales", "deal.won", won["detail"])
    republished["metadata"]["event_id"] = str(uuid.uuid4())
    client.play("sales", "deal.won", republished)
    wait_for(lambda: len(client.events("deal.won", deal_id=deal["id"])) == 5)

    [job] = wait_for(lambda: client.jobs_of(customer["id"]), timeout=20)
    assert (job["deal_id"], job["status"]) == (deal["id"], "completed")
    issue = {"jobId": job["id"], "dueDate": due_in(14), "items": [{"description": "Service", "amount": 5000}]}
    invoice = client.billing("POST", "/billing/invoices", issue, 201)
    twice = sales_server.request("POST", "/billing/invoices", issue, headers=BILLING)
    assert twice.status == 409, twice.body

    # Every delivery has been taken by now (the queue is drained in order): still one job and one invoice.
    wait_for(lambda: len(client.events("job.opened", deal_id=deal["id"])) == 1)
    assert len(client.jobs_of(customer["id"])) == 1
    invoices = client.billing("GET", f"/billing/invoices?customer_id={customer['id']}")
    assert [found["id"] for found in invoices] == [invoice["id"]]


def test_the_overdue_schedule_runs_on_demand_and_both_apis_are_documented(sales_server: LocalServer) -> None:
    listed = sales_server.request("GET", "/_local/schedules")
    assert listed.status == 200, listed.body
    names = [schedule["name"] for schedule in listed.json["data"]]
    assert "BillingOverdueInvoicesFunctionDaily" in names, names
    ran = sales_server.request("POST", "/_local/schedules/BillingOverdueInvoicesFunctionDaily")
    assert ran.status == 200, ran.body

    spec = sales_server.request("GET", "/openapi.json").json
    assert {"/sales/deals", "/billing/invoices", "/billing/payments"} <= set(spec["paths"])
