"""The Invoice aggregate: numbers, issuing from a completed job, payments up to the balance, overdue, void, and
the receivable counters each change moves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from billing.invoice.events import EVENTS, InvoiceIssued, InvoiceOverdue, InvoicePaid, InvoiceVoided
from billing.invoice.model import (
    DESCRIPTION_MAX,
    ITEMS_MAX,
    NOTES_MAX,
    REASON_MAX,
    SEQUENCE_MAX,
    Invoice,
    InvoiceItem,
    InvoiceStatus,
    invoice_number,
    number_sequence,
    number_year,
)
from billing.invoice.stats import CurrencyReceivables, receivable_deltas, receivable_rows, receivables
from billing.job.model import Job
from kernel.errors import Conflict, Unprocessable, ValidationFailed
from kernel.money import MAX_AMOUNT

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)
LATER = NOW + timedelta(hours=2)
DUE = date(2026, 4, 9)
AFTER_DUE = DUE + timedelta(days=1)
DEAL = "019b72b9-2222-7000-8000-000000000002"
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
JOB = "019b72c0-5555-7000-8000-000000000005"
INVOICE = "019b72c1-6666-7000-8000-000000000006"
NUMBER = "INV-2026-000001"


def job(*, complete: bool = True, lines: list[dict[str, Any]] | None = None, value: int = 100000) -> Job:
    opened = Job.open_from_won(
        deal_id=DEAL,
        customer_id=CUSTOMER,
        bridge=None,
        name="Office network",
        value=value,
        currency="EUR",
        lines=lines,
        now=NOW,
        job_id=JOB,
    )
    if complete:
        opened.complete(NOW)
    return opened


def issue(**overrides: Any) -> Invoice:
    arguments: dict[str, Any] = {
        "job": job(),
        "due_date": DUE,
        "items": [{"description": "Service", "amount": 100000}],
        "notes": None,
        "number": NUMBER,
        "today": TODAY,
        "now": NOW,
        "invoice_id": INVOICE,
    }
    arguments.update(overrides)
    return Invoice.issue(**arguments)


def fresh(**overrides: Any) -> Invoice:
    """An issued invoice of 1000.00 EUR whose issue event was already saved (cleared)."""
    invoice = issue(**overrides)
    invoice.pending_events.clear()
    return invoice


def overdue() -> Invoice:
    invoice = fresh()
    invoice.mark_overdue(today=AFTER_DUE, now=LATER)
    invoice.pending_events.clear()
    return invoice


def keys(invoice: Invoice) -> list[str]:
    return [recorded.event_type for recorded in invoice.pending_events]


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [issue.field for issue in error.value.details]


# -- numbers --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [(2026, 1, "INV-2026-000001"), (2026, 42, "INV-2026-000042"), (2027, SEQUENCE_MAX, "INV-2027-999999")],
)
def test_invoice_numbers_have_the_year_and_six_digits(year: int, sequence: int, number: str) -> None:
    assert invoice_number(year, sequence) == number
    assert (number_year(number), number_sequence(number)) == (year, sequence)


@pytest.mark.parametrize(
    ("year", "sequence"), [(2026, 0), (2026, -1), (2026, SEQUENCE_MAX + 1), (0, 1), (10000, 1), (2026, True)]
)
def test_a_sequence_or_year_beyond_the_format_is_refused(year: int, sequence: int) -> None:
    with pytest.raises(ValueError, match="invoice number"):
        invoice_number(year, sequence)


@pytest.mark.parametrize(
    "number", ["INV-26-000001", "INV-2026-1", "INV-2026-0000001", "Q-2026-000001", "INV-2026-000000", ""]
)
def test_a_malformed_number_has_no_year(number: str) -> None:
    with pytest.raises(ValueError, match="not an invoice number"):
        number_year(number)


def test_an_invoice_is_not_issued_under_a_malformed_number() -> None:
    with pytest.raises(ValueError, match="not an invoice number"):
        issue(number="2026-1")


# -- issuing --------------------------------------------------------------------------------------------------
def test_a_completed_job_is_invoiced_for_the_given_items() -> None:
    invoice = issue(items=[{"description": " Service ", "amount": 60000}, {"description": "Parts", "amount": 40000}])
    assert (invoice.id, invoice.invoice_number, invoice.job_id, invoice.deal_id, invoice.customer_id) == (
        INVOICE,
        NUMBER,
        JOB,
        DEAL,
        CUSTOMER,
    )
    assert invoice.items == (InvoiceItem("Service", 60000), InvoiceItem("Parts", 40000))
    assert (invoice.currency, invoice.total, invoice.amount_paid, invoice.balance_due) == ("EUR", 100000, 0, 100000)
    assert (invoice.status, invoice.issued_at, invoice.due_date, invoice.paid_at) == (
        InvoiceStatus.ISSUED,
        NOW,
        DUE,
        None,
    )
    (recorded,) = invoice.pending_events
    assert recorded.event == InvoiceIssued(
        invoice_id=INVOICE,
        invoice_number=NUMBER,
        job_id=JOB,
        deal_id=DEAL,
        customer_id=CUSTOMER,
        currency="EUR",
        total=100000,
        due_date="2026-04-09",
    )


def test_the_seed_example_issues_one_service_item() -> None:
    invoice = issue(items=[{"description": "Service", "amount": 100}])
    assert (invoice.status, invoice.total) == (InvoiceStatus.ISSUED, 100)


def test_items_default_to_the_jobs_lines() -> None:
    lines = [
        {"description": "Router", "quantity": 2, "unit_price": 30000, "total": 60000},
        {"description": "Setup", "quantity": 1, "unit_price": 40000, "total": 40000},
    ]
    invoice = issue(job=job(lines=lines), items=None)
    assert invoice.items == (InvoiceItem("Router", 60000), InvoiceItem("Setup", 40000))
    assert invoice.total == 100000


def test_items_default_to_the_deal_name_and_value_without_lines() -> None:
    invoice = issue(items=None)
    assert invoice.items == (InvoiceItem("Office network", 100000),)


def test_a_job_line_of_the_longest_description_is_billed_as_it_is() -> None:
    long_line = {"description": "d" * DESCRIPTION_MAX, "quantity": 1, "unit_price": 5, "total": 5}
    assert issue(job=job(lines=[long_line], value=5), items=None).items == (InvoiceItem("d" * DESCRIPTION_MAX, 5),)


def test_an_open_job_is_not_invoiced() -> None:
    with pytest.raises(Conflict) as refused:
        issue(job=job(complete=False))
    assert refused.value.code == "JOB_NOT_COMPLETED"


def test_a_job_already_billed_is_not_invoiced_again() -> None:
    billed = job()
    billed.mark_invoiced("019b72c1-7777-7000-8000-000000000007", now=NOW)
    with pytest.raises(Conflict) as refused:
        issue(job=billed)
    assert refused.value.code == "INVOICE_EXISTS"


@pytest.mark.parametrize("due_date", [TODAY, TODAY + timedelta(days=1), date(2100, 12, 31)])
def test_the_due_date_is_today_or_later(due_date: date) -> None:
    assert issue(due_date=due_date).due_date == due_date


@pytest.mark.parametrize("due_date", [TODAY - timedelta(days=1), date(2101, 1, 1)])
def test_a_due_date_in_the_past_or_beyond_the_last_business_date_is_refused(due_date: date) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue(due_date=due_date)
    assert fields_of(refused) == ["due_date"]


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "100", None, MAX_AMOUNT + 1])
def test_an_item_amount_is_whole_positive_minor_units(amount: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue(items=[{"description": "Service", "amount": amount}])
    assert fields_of(refused) == ["items[0].amount"]


@pytest.mark.parametrize("description", ["", "   ", None, 7, "d" * (DESCRIPTION_MAX + 1)])
def test_an_item_needs_a_description(description: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue(items=[{"description": description, "amount": 1}])
    assert fields_of(refused) == ["items[0].description"]


@pytest.mark.parametrize("count", [0, ITEMS_MAX + 1])
def test_an_invoice_holds_one_to_a_hundred_items(count: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue(items=[{"description": "Service", "amount": 1}] * count)
    assert fields_of(refused) == ["items"]
    assert len(issue(items=[{"description": "Service", "amount": 1}] * ITEMS_MAX).items) == ITEMS_MAX


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue(
            due_date=TODAY - timedelta(days=1),
            items=[{"description": "Service", "amount": 1}, {"description": "", "amount": 0}],
            notes="n" * (NOTES_MAX + 1),
        )
    assert fields_of(refused) == ["due_date", "items[1].description", "items[1].amount", "notes"]
    assert refused.value.code == "VALIDATION_ERROR"


def test_the_total_must_stay_within_the_amount_bound() -> None:
    assert issue(items=[{"description": "All", "amount": MAX_AMOUNT}]).total == MAX_AMOUNT
    with pytest.raises(ValidationFailed) as refused:
        issue(items=[{"description": "Half", "amount": MAX_AMOUNT}, {"description": "Penny", "amount": 1}])
    assert fields_of(refused) == ["items"]


def test_notes_are_stripped_and_blank_notes_are_none() -> None:
    assert issue(notes="  Net 30  ").notes == "Net 30"
    assert issue(notes="   ").notes is None


# -- payments -------------------------------------------------------------------------------------------------
def test_a_part_payment_leaves_the_invoice_partially_paid() -> None:
    invoice = fresh()
    invoice.record_payment(30000, now=LATER)
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == (InvoiceStatus.PARTIALLY_PAID, 30000, 70000)
    assert (invoice.updated_at, invoice.paid_at) == (LATER, None)
    assert invoice.pending_events == []


def test_two_payments_reaching_the_total_pay_it_with_one_event() -> None:
    invoice = fresh()
    invoice.record_payment(40000, now=NOW)
    invoice.record_payment(60000, now=LATER)
    assert (invoice.status, invoice.amount_paid, invoice.balance_due, invoice.paid_at) == (
        InvoiceStatus.PAID,
        100000,
        0,
        LATER,
    )
    (recorded,) = invoice.pending_events
    assert recorded.event == InvoicePaid(
        invoice_id=INVOICE,
        invoice_number=NUMBER,
        job_id=JOB,
        customer_id=CUSTOMER,
        currency="EUR",
        total=100000,
        paid_at="2026-03-10T11:30:00.000Z",
    )


def test_a_payment_of_the_whole_balance_pays_at_once() -> None:
    invoice = fresh()
    invoice.record_payment(100000, now=LATER, currency="EUR")
    assert invoice.status is InvoiceStatus.PAID and keys(invoice) == ["invoice.paid"]


def test_an_overpayment_is_refused_and_changes_nothing() -> None:
    invoice = fresh()
    invoice.record_payment(90000, now=NOW)
    with pytest.raises(Unprocessable) as refused:
        invoice.record_payment(10001, now=LATER)
    assert refused.value.code == "OVERPAYMENT"
    assert (refused.value.details[0].field, "10000" in refused.value.details[0].message) == ("amount", True)
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.PARTIALLY_PAID, 90000)


def test_a_paid_invoice_takes_no_further_payment() -> None:
    invoice = fresh()
    invoice.record_payment(100000, now=NOW)
    invoice.pending_events.clear()
    with pytest.raises(Unprocessable) as refused:
        invoice.record_payment(1, now=LATER)
    assert refused.value.code == "OVERPAYMENT"
    assert refused.value.details[0].message == "must not exceed the balance due, 0"
    assert (invoice.status, invoice.amount_paid, invoice.pending_events) == (InvoiceStatus.PAID, 100000, [])


def test_a_void_invoice_takes_no_payment() -> None:
    invoice = fresh()
    invoice.void("Issued in error", now=NOW)
    with pytest.raises(Conflict) as refused:
        invoice.record_payment(1, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.details[0].message == "void"


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, MAX_AMOUNT + 1])
def test_a_payment_amount_is_whole_positive_minor_units(amount: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        fresh().record_payment(amount, now=LATER)
    assert fields_of(refused) == ["amount"]


def test_a_payment_in_another_currency_is_refused() -> None:
    invoice = fresh()
    with pytest.raises(Unprocessable) as refused:
        invoice.record_payment(100, now=LATER, currency="USD")
    assert refused.value.code == "CURRENCY_MISMATCH"
    assert invoice.amount_paid == 0


def test_an_overdue_invoice_stays_overdue_when_partly_paid_and_is_paid_when_settled() -> None:
    invoice = overdue()
    invoice.record_payment(25000, now=LATER)
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.OVERDUE, 75000)
    assert invoice.pending_events == []
    invoice.record_payment(75000, now=LATER)
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.PAID, 0)
    assert keys(invoice) == ["invoice.paid"]


# -- void -----------------------------------------------------------------------------------------------------
def test_an_issued_invoice_is_voided_with_a_cleaned_reason() -> None:
    invoice = fresh()
    invoice.void("  Wrong customer  ", now=LATER)
    assert (invoice.status, invoice.void_reason, invoice.voided_at, invoice.updated_at) == (
        InvoiceStatus.VOID,
        "Wrong customer",
        LATER,
        LATER,
    )
    (recorded,) = invoice.pending_events
    assert recorded.event == InvoiceVoided(
        invoice_id=INVOICE, invoice_number=NUMBER, job_id=JOB, customer_id=CUSTOMER, reason="Wrong customer"
    )


def test_an_overdue_invoice_without_payments_may_be_voided() -> None:
    invoice = overdue()
    invoice.void("Never delivered", now=LATER)
    assert invoice.status is InvoiceStatus.VOID


@pytest.mark.parametrize("reason", ["", "   ", "r" * (REASON_MAX + 1)])
def test_a_void_needs_a_reason(reason: str) -> None:
    invoice = fresh()
    with pytest.raises(ValidationFailed) as refused:
        invoice.void(reason, now=LATER)
    assert fields_of(refused) == ["reason"]
    assert invoice.status is InvoiceStatus.ISSUED


def test_a_void_is_refused_once_a_payment_exists() -> None:
    invoice = fresh()
    invoice.record_payment(1, now=NOW)
    with pytest.raises(Conflict) as refused:
        invoice.void("Too late", now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.details[0].message == "partially_paid"
    assert invoice.status is InvoiceStatus.PARTIALLY_PAID


def test_an_overdue_invoice_with_a_payment_is_not_voided() -> None:
    invoice = overdue()
    invoice.record_payment(1, now=NOW)
    with pytest.raises(Conflict) as refused:
        invoice.void("Too late", now=LATER)
    assert (refused.value.code, refused.value.details[0].message) == ("INVALID_TRANSITION", "overdue")


@pytest.mark.parametrize("settle", [True, False], ids=["paid", "void"])
def test_a_paid_or_void_invoice_is_not_voided(settle: bool) -> None:
    invoice = fresh()
    if settle:
        invoice.record_payment(100000, now=NOW)
    else:
        invoice.void("First", now=NOW)
    with pytest.raises(Conflict) as refused:
        invoice.void("Again", now=LATER)
    assert (refused.value.code, refused.value.details[0].message) == ("INVALID_TRANSITION", invoice.status.value)


# -- overdue --------------------------------------------------------------------------------------------------
def test_an_issued_invoice_past_its_due_date_is_overdue() -> None:
    invoice = fresh()
    invoice.mark_overdue(today=AFTER_DUE, now=LATER)
    assert (invoice.status, invoice.updated_at) == (InvoiceStatus.OVERDUE, LATER)
    (recorded,) = invoice.pending_events
    assert recorded.event == InvoiceOverdue(
        invoice_id=INVOICE,
        invoice_number=NUMBER,
        job_id=JOB,
        customer_id=CUSTOMER,
        currency="EUR",
        balance_due=100000,
        due_date="2026-04-09",
    )


def test_a_partly_paid_invoice_past_its_due_date_is_overdue_for_its_balance() -> None:
    invoice = fresh()
    invoice.record_payment(30000, now=NOW)
    invoice.mark_overdue(today=AFTER_DUE, now=LATER)
    assert invoice.status is InvoiceStatus.OVERDUE
    assert invoice.pending_events[0].data["balance_due"] == 70000


def test_an_invoice_is_not_overdue_on_its_due_date() -> None:
    invoice = fresh()
    invoice.mark_overdue(today=DUE, now=LATER)
    assert (invoice.status, invoice.updated_at, invoice.pending_events) == (InvoiceStatus.ISSUED, NOW, [])


@pytest.mark.parametrize("status", [InvoiceStatus.PAID, InvoiceStatus.VOID, InvoiceStatus.OVERDUE])
def test_only_issued_or_partly_paid_invoices_become_overdue(status: InvoiceStatus) -> None:
    invoice = overdue() if status is InvoiceStatus.OVERDUE else fresh()
    if status is InvoiceStatus.PAID:
        invoice.record_payment(100000, now=NOW)
    elif status is InvoiceStatus.VOID:
        invoice.void("Cancelled", now=NOW)
    invoice.pending_events.clear()
    invoice.mark_overdue(today=AFTER_DUE + timedelta(days=30), now=LATER)
    assert invoice.status is status and invoice.pending_events == []


# -- receivables ----------------------------------------------------------------------------------------------
def test_an_issued_invoice_is_owed_in_full() -> None:
    assert receivables(fresh()) == Counter({"EUR#outstanding": 100000, "EUR#count": 1})


def test_a_paid_or_void_invoice_or_none_is_owed_nothing() -> None:
    paid = fresh()
    paid.record_payment(100000, now=NOW)
    voided = fresh()
    voided.void("Cancelled", now=NOW)
    assert receivables(paid) == receivables(voided) == receivables(None) == Counter()


def test_issuing_adds_the_invoice_to_the_receivables() -> None:
    assert receivable_deltas(receivables(None), receivables(fresh())) == {"EUR#count": 1, "EUR#outstanding": 100000}


def test_a_part_payment_lowers_the_outstanding_only() -> None:
    invoice = fresh()
    before = receivables(invoice)
    invoice.record_payment(30000, now=NOW)
    assert receivable_deltas(before, receivables(invoice)) == {"EUR#outstanding": -30000}


def test_becoming_overdue_moves_the_balance_under_overdue_too() -> None:
    invoice = fresh()
    invoice.record_payment(30000, now=NOW)
    before = receivables(invoice)
    invoice.mark_overdue(today=AFTER_DUE, now=LATER)
    assert receivable_deltas(before, receivables(invoice)) == {"EUR#overdue": 70000}


def test_settling_an_overdue_invoice_clears_all_it_counted() -> None:
    invoice = overdue()
    invoice.record_payment(40000, now=NOW)
    before = receivables(invoice)
    assert before == Counter({"EUR#outstanding": 60000, "EUR#overdue": 60000, "EUR#count": 1})
    invoice.record_payment(60000, now=LATER)
    assert receivable_deltas(before, receivables(invoice)) == {
        "EUR#count": -1,
        "EUR#outstanding": -60000,
        "EUR#overdue": -60000,
    }


def test_voiding_removes_the_invoice_from_the_receivables() -> None:
    invoice = fresh()
    before = receivables(invoice)
    invoice.void("Cancelled", now=NOW)
    assert receivable_deltas(before, receivables(invoice)) == {"EUR#count": -1, "EUR#outstanding": -100000}


def test_an_unchanged_invoice_moves_no_counter() -> None:
    invoice = fresh()
    assert receivable_deltas(receivables(invoice), receivables(invoice)) == {}


def test_receivables_read_back_per_currency() -> None:
    counters = Counter(
        {
            "USD#outstanding": 500,
            "USD#overdue": 200,
            "USD#count": 2,
            "EUR#outstanding": 100000,
            "EUR#overdue": 0,
            "EUR#count": 1,
            # Every invoice in yen was paid: zeros are left, and no row.
            "JPY#outstanding": 0,
            "JPY#count": 0,
        }
    )
    assert receivable_rows(counters) == [
        CurrencyReceivables("EUR", 100000, 0, 1),
        CurrencyReceivables("USD", 500, 200, 2),
    ]


# -- events ---------------------------------------------------------------------------------------------------
def test_recorded_events_match_their_published_schemas() -> None:
    paid = issue()
    paid.mark_overdue(today=AFTER_DUE, now=LATER)
    paid.record_payment(100000, now=LATER)
    voided = issue()
    voided.void("Cancelled", now=LATER)
    recorded = [*paid.pending_events, *voided.pending_events]
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == ["invoice.issued", "invoice.overdue", "invoice.paid", "invoice.voided"]
    assert {spec.source for spec in EVENTS} == {"billing"}
    for event in recorded:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-03-10T11:30:00.000Z",
            "actor": "user-1",
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
    assert sorted({event.event_type for event in recorded}) == sorted(schemas)
