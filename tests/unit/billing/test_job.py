"""The Job aggregate: opened from a won deal's published data, completed once (even before it opened), invoiced
and released again when its invoice is voided, and what it bills by default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from billing.job.events import EVENTS, JobCompleted, JobOpened
from billing.job.model import LINES_MAX, Job, JobLine, JobStatus
from kernel.errors import Conflict, ValidationFailed
from kernel.money import MAX_AMOUNT

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
DEAL = "019b72b9-2222-7000-8000-000000000002"
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
JOB = "019b72c0-5555-7000-8000-000000000005"
INVOICE = "019b72c1-6666-7000-8000-000000000006"
BRIDGE = {"tenant_id": "t-1", "application_user_id": "u-1"}


def line(**overrides: Any) -> dict[str, Any]:
    """A line as `deal.won` publishes it."""
    values: dict[str, Any] = {
        "description": "Router",
        "product_code": "RT-1",
        "quantity": 2,
        "unit_price": 50000,
        "discount_percent": "10",
        "discount": 10000,
        "total": 90000,
    }
    values.update(overrides)
    return values


def open_job(**overrides: Any) -> Job:
    arguments: dict[str, Any] = {
        "deal_id": DEAL,
        "customer_id": CUSTOMER,
        "bridge": BRIDGE,
        "name": "Office network",
        "value": 90000,
        "currency": "EUR",
        "lines": [line()],
        "now": NOW,
        "job_id": JOB,
    }
    arguments.update(overrides)
    return Job.open_from_won(**arguments)


def fresh(status: JobStatus = JobStatus.OPEN, **overrides: Any) -> Job:
    """A job in `status` whose earlier events were already saved (cleared)."""
    job = open_job(**overrides)
    if status is not JobStatus.OPEN:
        job.complete(NOW)
    if status is JobStatus.INVOICED:
        job.mark_invoiced(INVOICE, now=NOW)
    job.pending_events.clear()
    assert job.status is status
    return job


def keys(job: Job) -> list[str]:
    return [recorded.event_type for recorded in job.pending_events]


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [issue.field for issue in error.value.details]


# -- opening --------------------------------------------------------------------------------------------------
def test_a_won_deal_opens_a_job_with_what_billing_needs() -> None:
    job = open_job()
    assert (job.id, job.deal_id, job.customer_id, job.bridge, job.currency) == (JOB, DEAL, CUSTOMER, BRIDGE, "EUR")
    assert (job.name, job.value, job.status, job.completed_at, job.invoice_id) == (
        "Office network",
        90000,
        JobStatus.OPEN,
        None,
        None,
    )
    assert job.lines == (
        JobLine(
            description="Router",
            product_code="RT-1",
            quantity=2,
            unit_price=50000,
            discount_percent="10",
            discount=10000,
            total=90000,
        ),
    )
    assert (job.created_at, job.updated_at) == (NOW, NOW)
    (recorded,) = job.pending_events
    assert recorded.event == JobOpened(job_id=JOB, deal_id=DEAL, customer_id=CUSTOMER, currency="EUR", value=90000)


def test_a_job_keeps_the_lines_in_the_shape_the_deal_published() -> None:
    assert [item.snapshot() for item in open_job().lines] == [line()]


def test_a_line_without_its_optional_figures_takes_their_defaults() -> None:
    (only,) = open_job(lines=[{"description": "Setup", "quantity": 1, "unit_price": 700, "total": 700}]).lines
    assert (only.product_code, only.discount_percent, only.discount) == (None, "0", 0)


def test_keys_sales_adds_to_its_lines_are_ignored() -> None:
    (only,) = open_job(lines=[line(serial="X-1")]).lines
    assert only.snapshot() == line()


def test_a_deal_without_lines_opens_a_job_without_lines() -> None:
    assert open_job(lines=[]).lines == () and open_job(lines=None).lines == ()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("  Acme Devices GmbH ", "Acme Devices GmbH"),
        ("Ünïcode & Söhne KG", "Ünïcode & Söhne KG"),
        (None, None),  # a deal.won before 1.1.0 names no customer
        ("", None),
        ("   ", None),
        (42, None),
        (["Acme"], None),
        ("x" * 501, None),
    ],
)
def test_the_customer_name_is_kept_when_usable_and_never_refuses_the_job(given: object, kept: str | None) -> None:
    assert open_job(customer_name=given).customer_name == kept


def test_a_job_without_a_bridge_keeps_none_and_a_bridge_is_copied() -> None:
    assert open_job(bridge=None).bridge is None
    bridge = dict(BRIDGE)
    job = open_job(bridge=bridge)
    bridge["tenant_id"] = "changed"
    assert job.bridge == BRIDGE


def test_a_job_gets_an_id_when_none_is_given() -> None:
    assert open_job(job_id=None).id not in ("", JOB)


@pytest.mark.parametrize("currency", ["eur", "ABC", "XAU", ""])
def test_a_job_currency_must_be_an_iso_code_with_a_minor_unit(currency: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_job(currency=currency)
    assert fields_of(refused) == ["currency"]


@pytest.mark.parametrize("value", [-1, MAX_AMOUNT + 1, 1.5, True, "100"])
def test_a_job_value_must_be_whole_minor_units(value: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_job(value=value)
    assert fields_of(refused) == ["value"]


@pytest.mark.parametrize("name", ["", "   ", "n" * 201])
def test_a_job_needs_the_deal_name(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_job(name=name)
    assert fields_of(refused) == ["name"]


def test_every_bad_line_field_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_job(
            lines=[
                line(),
                line(description=" ", quantity=0, unit_price=-1, total=1.5, discount=True, discount_percent=10),
                "not a line",
            ]
        )
    assert fields_of(refused) == [
        "lines[1].description",
        "lines[1].quantity",
        "lines[1].unit_price",
        "lines[1].discount",
        "lines[1].total",
        "lines[1].discount_percent",
        "lines[2]",
    ]


def test_a_job_holds_at_most_a_hundred_lines() -> None:
    assert len(open_job(lines=[line()] * LINES_MAX).lines) == LINES_MAX
    with pytest.raises(ValidationFailed) as refused:
        open_job(lines=[line()] * (LINES_MAX + 1))
    assert fields_of(refused) == ["lines"]


# -- completion -----------------------------------------------------------------------------------------------
def test_an_open_job_is_completed() -> None:
    job = fresh()
    job.complete(LATER)
    assert (job.status, job.completed_at, job.updated_at) == (JobStatus.COMPLETED, LATER, LATER)
    (recorded,) = job.pending_events
    assert recorded.event == JobCompleted(
        job_id=JOB, deal_id=DEAL, customer_id=CUSTOMER, completed_at="2026-03-10T11:30:00.000Z"
    )


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.INVOICED])
def test_completing_again_changes_nothing(status: JobStatus) -> None:
    job = fresh(status)
    before = (job.status, job.completed_at, job.updated_at, job.invoice_id)
    job.complete(LATER)
    assert (job.status, job.completed_at, job.updated_at, job.invoice_id) == before
    assert job.pending_events == []


def test_a_completion_reported_before_the_job_opened_is_applied_when_it_opens() -> None:
    early = NOW - timedelta(days=1)
    job = open_job(completed_early_at=early)
    assert (job.status, job.completed_at, job.updated_at) == (JobStatus.COMPLETED, early, NOW)
    assert keys(job) == ["job.opened", "job.completed"]
    assert job.pending_events[1].data["completed_at"] == "2026-03-09T09:30:00.000Z"


# -- invoicing ------------------------------------------------------------------------------------------------
def test_a_completed_job_is_invoiced_without_an_event_of_its_own() -> None:
    job = fresh(JobStatus.COMPLETED)
    job.mark_invoiced(INVOICE, now=LATER)
    assert (job.status, job.invoice_id, job.updated_at) == (JobStatus.INVOICED, INVOICE, LATER)
    assert job.pending_events == []


def test_an_open_job_cannot_be_invoiced() -> None:
    with pytest.raises(Conflict) as refused:
        fresh().mark_invoiced(INVOICE, now=LATER)
    assert refused.value.code == "JOB_NOT_COMPLETED"
    assert (refused.value.details[0].field, refused.value.details[0].message) == ("status", "open")


def test_an_invoiced_job_cannot_be_invoiced_again() -> None:
    with pytest.raises(Conflict) as refused:
        fresh(JobStatus.INVOICED).mark_invoiced("019b72c1-7777-7000-8000-000000000007", now=LATER)
    assert refused.value.code == "INVOICE_EXISTS"
    assert (refused.value.details[0].field, refused.value.details[0].message) == ("invoice_id", INVOICE)


def test_voiding_its_invoice_makes_the_job_completed_again() -> None:
    job = fresh(JobStatus.INVOICED)
    job.release_invoice(INVOICE, now=LATER)
    assert (job.status, job.invoice_id, job.updated_at) == (JobStatus.COMPLETED, None, LATER)
    assert job.completed_at == NOW and job.pending_events == []
    job.mark_invoiced("019b72c1-7777-7000-8000-000000000007", now=LATER)
    assert job.status is JobStatus.INVOICED


@pytest.mark.parametrize(
    ("status", "invoice_id"),
    [
        (JobStatus.OPEN, INVOICE),
        (JobStatus.COMPLETED, INVOICE),
        (JobStatus.INVOICED, "019b72c1-7777-7000-8000-000000000007"),
    ],
)
def test_only_the_live_invoice_releases_the_job(status: JobStatus, invoice_id: str) -> None:
    job = fresh(status)
    with pytest.raises(Conflict) as refused:
        job.release_invoice(invoice_id, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.details[0].message == status.value
    assert job.status is status


# -- what a job bills -----------------------------------------------------------------------------------------
def test_a_job_bills_each_line_for_its_total() -> None:
    lines = [line(), line(description="Support", product_code=None, quantity=1, total=12000)]
    job = open_job(lines=lines, value=102000)
    assert job.invoice_lines() == [
        {"description": "Router", "amount": 90000},
        {"description": "Support", "amount": 12000},
    ]


@pytest.mark.parametrize("value", [80000, 102001])
def test_lines_that_do_not_add_up_to_the_won_value_bill_the_deal_name_and_value(value: int) -> None:
    """A deal won below its list price (an actual value at the close), or repriced after its lines were set:
    the agreed value is billed, never the lines' sum."""
    job = open_job(lines=[line(), line(description="Support", product_code=None, quantity=1, total=12000)], value=value)
    assert job.invoice_lines() == [{"description": "Office network", "amount": value}]


def test_a_job_without_lines_bills_the_deal_name_and_value() -> None:
    assert open_job(lines=[]).invoice_lines() == [{"description": "Office network", "amount": 90000}]


def test_a_line_given_away_bills_nothing() -> None:
    job = open_job(lines=[line(total=0, discount=100000, discount_percent="100"), line(description="Setup")])
    assert job.invoice_lines() == [{"description": "Setup", "amount": 90000}]
    free = open_job(lines=[line(total=0)])
    assert free.invoice_lines() == [{"description": "Office network", "amount": 90000}]


# -- events ---------------------------------------------------------------------------------------------------
def test_recorded_events_match_their_published_schemas() -> None:
    job = open_job(completed_early_at=NOW)
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == ["job.completed", "job.opened"]
    assert {spec.source for spec in EVENTS} == {"billing"}
    for event in job.pending_events:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-03-10T09:30:00.000Z",
            "actor": "system",
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
    assert sorted(event.event_type for event in job.pending_events) == sorted(schemas)
