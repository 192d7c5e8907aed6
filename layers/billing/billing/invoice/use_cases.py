"""Invoice use cases: issue one for a completed job under the year's next number, read and list them (overdue
ones too), void one nothing was paid on, render one as a PDF, read the receivables, and mark the overdue ones
(the daily schedule)."""

from __future__ import annotations

import copy
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from billing.invoice.model import Invoice, InvoiceStatus, invoice_number
from billing.invoice.stats import receivable_rows
from billing.invoice.store import NUMBER_ATTEMPTS, InvoiceRepository, NumberTaken
from billing.invoice.views import (
    CurrencyReceivablesView,
    InvoiceRef,
    InvoicesQuery,
    InvoiceView,
    IssueInvoiceInput,
    ReceivablesQuery,
    ReceivablesView,
    VoidInvoiceInput,
)
from billing.job.model import Job
from billing.job.use_cases import not_found as job_not_found
from kernel.clock import today, utc_now
from kernel.commands import check_precondition, with_retries
from kernel.context import Principal, RequestContext
from kernel.dynamodb.repository import command_applied
from kernel.dynamodb.transaction import Transaction
from kernel.errors import (
    AlreadyApplied,
    Conflict,
    DomainError,
    NotFound,
    ServiceUnavailable,
    StaleVersion,
    TransientWriteConflict,
    WriteThrottled,
)
from kernel.http.observability import logger
from kernel.listing import ListResult, paginate
from kernel.types import Document

THROTTLED_ATTEMPTS = 4
# The daily run reads the invoices that fell due a page at a time.
OVERDUE_PAGE = 100


class InvoiceStore(Protocol):
    """What the invoice use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Invoice | None: ...

    def job_and_sequence(self, job_id: str, year: int) -> tuple[Job | None, int]: ...

    def last_number(self, year: int) -> int: ...

    def job(self, job_id: str) -> Job | None: ...

    def with_job(self, invoice_id: str) -> tuple[Invoice | None, Job | None]: ...

    def page(
        self, status: str | None, customer_id: str | None, overdue_on: date | None, page_size: int, cursor: str | None
    ) -> tuple[list[Invoice], str | None, int]: ...

    def due_before(self, day: date, page_size: int, cursor: str | None) -> tuple[list[Invoice], str | None]: ...

    def receivables(self) -> Counter[str]: ...

    def issue(self, invoice: Invoice, sequence: int, job: Job, before_job: Job, ctx: RequestContext) -> None: ...

    def save(
        self,
        invoice: Invoice,
        before: Invoice | None,
        ctx: RequestContext,
        joining: Transaction | None = None,
        job: tuple[Job, Job] | None = None,
    ) -> None: ...


INVOICES: InvoiceStore = InvoiceRepository()


def not_found(invoice_id: str) -> NotFound:
    return NotFound(f"invoice {invoice_id} not found", "INVOICE_NOT_FOUND")


def load(invoices: InvoiceStore, invoice_id: str) -> Invoice:
    invoice = invoices.get(invoice_id)
    if invoice is None or invoice.is_deleted:
        raise not_found(invoice_id)
    return invoice


def _pause(attempt: int) -> None:
    # Full jitter keeps racing issues from colliding again; no security need for randomness.
    time.sleep(random.uniform(0, min(0.05, 0.002 * attempt)))  # noqa: S311


def issue_invoice(cmd: IssueInvoiceInput, ctx: RequestContext, invoices: InvoiceStore = INVOICES) -> InvoiceView:
    """An issued invoice for a completed job under the year's next number; the job becomes invoiced in the same
    transaction. Racing issues each try the number after the last one taken; the loser reads the sequence again
    and tries the next, so numbers stay gapless and unique. Two issues for one job race on the job's version:
    the second finds it invoiced (409 INVOICE_EXISTS)."""
    year = ctx.now.year
    items = None if cmd.items is None else [item.model_dump() for item in cmd.items]
    invoice_id: str | None = None
    throttled = 0
    job, last = invoices.job_and_sequence(cmd.job_id, year)
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        if job is None or job.is_deleted:
            raise job_not_found(cmd.job_id)
        before_job = copy.deepcopy(job)
        try:
            invoice = Invoice.issue(
                job=job,
                due_date=cmd.due_date,
                items=items,
                notes=cmd.notes,
                number=invoice_number(year, last + 1),
                today=today(ctx.now),
                now=ctx.now,
                invoice_id=invoice_id,
            )
            invoice_id = invoice.id  # the same invoice on every attempt: a keyed command recognises it
            job.mark_invoiced(invoice.id, now=ctx.now)
            invoices.issue(invoice, last + 1, job, before_job, ctx)
            return InvoiceView.of(invoice)
        except (AlreadyApplied, Conflict) as error:
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            # A keyed issue that committed before (this run or an earlier one) answers with its invoice.
            if applied is not None and (existing := invoices.get(applied)) is not None:
                return InvoiceView.of(existing)
            raise
        except WriteThrottled:
            throttled += 1
            if throttled == THROTTLED_ATTEMPTS:
                raise ServiceUnavailable() from None
        except (NumberTaken, TransientWriteConflict, StaleVersion):
            pass
        _pause(attempt)
        job, last = invoices.job_and_sequence(cmd.job_id, year)
    raise Conflict("invoice numbers are busy with concurrent issues; retry", "CONFLICT")


def get_invoice(query: InvoiceRef, ctx: RequestContext, invoices: InvoiceStore = INVOICES) -> InvoiceView:
    return InvoiceView.of(load(invoices, query.invoice_id))


def list_invoices(
    query: InvoicesQuery, ctx: RequestContext, invoices: InvoiceStore = INVOICES
) -> ListResult[InvoiceView]:
    overdue_on = today(ctx.now) if query.overdue else None
    page, next_cursor, total = invoices.page(query.status, query.customer_id, overdue_on, query.page_size, query.cursor)
    return paginate([InvoiceView.of(invoice) for invoice in page], total, query.page_size, next_cursor, None)


def void_invoice(cmd: VoidInvoiceInput, ctx: RequestContext, invoices: InvoiceStore = INVOICES) -> InvoiceView:
    """Cancel an invoice nothing was paid on; its job is completed again, ready to be billed anew, in the same
    transaction."""

    def attempt() -> Invoice:
        try:
            invoice, job = invoices.with_job(cmd.invoice_id)
            if invoice is None or invoice.is_deleted:
                raise not_found(cmd.invoice_id)
            check_precondition(invoice, ctx)
            before = copy.deepcopy(invoice)
            invoice.void(cmd.reason, now=ctx.now)
            pair = None
            if job is not None:
                before_job = copy.deepcopy(job)
                job.release_invoice(invoice.id, now=ctx.now)
                pair = (job, before_job)
            invoices.save(invoice, before, ctx, job=pair)
            return invoice
        except (AlreadyApplied, DomainError) as error:
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            if applied == cmd.invoice_id and (replay := invoices.get(cmd.invoice_id)) is not None:
                return replay
            raise

    return InvoiceView.of(with_retries(ctx, attempt))


def invoice_pdf(query: InvoiceRef, ctx: RequestContext, invoices: InvoiceStore = INVOICES) -> Document:
    """The invoice as the customer reads it: a PDF with the number, the items, the totals in the currency's
    format, what was paid and what is due."""
    from billing.invoice.pdf import render_invoice  # the PDF libraries are on this function's layer alone

    invoice = load(invoices, query.invoice_id)
    return Document(
        content=render_invoice(invoice), media_type="application/pdf", filename=f"{invoice.invoice_number}.pdf"
    )


def receivables(query: ReceivablesQuery, ctx: RequestContext, invoices: InvoiceStore = INVOICES) -> ReceivablesView:
    rows = receivable_rows(invoices.receivables())
    return ReceivablesView(currencies=[CurrencyReceivablesView.of(row) for row in rows])


# -- the daily run ----------------------------------------------------------------------------------------
SCHEDULE_ACTOR = "billing.overdue"


@dataclass(frozen=True)
class OverdueRun:
    day: date
    examined: int
    marked: int


class OverdueRunIncomplete(RuntimeError):
    """Some invoices could not be marked; every other one was. The run fails so its schedule retries it, and
    a retry only writes what is still to do."""


def mark_overdue(invoices: InvoiceStore = INVOICES, day: date | None = None) -> OverdueRun:
    """Mark every issued or partly paid invoice due before `day` (today, UTC) as overdue, each in its own
    transaction with its event and counters. Reads the unpaid-by-due-date index, never the table; an invoice
    paid or marked meanwhile is left as it is, so runs may overlap or repeat."""
    now = utc_now()
    day = day or today(now)
    ctx = RequestContext(Principal(SCHEDULE_ACTOR, frozenset()), f"overdue-{day.isoformat()}", now=now)
    examined = marked = 0
    failed: list[str] = []
    cursor: str | None = None
    while True:
        page, cursor = invoices.due_before(day, OVERDUE_PAGE, cursor)
        for found in page:
            if found.status is InvoiceStatus.OVERDUE:
                continue  # marked by an earlier run; the index entry carries the status, no need to read it
            examined += 1
            try:
                marked += _mark(invoices, found.id, day, ctx)
            except Exception:  # one invoice that cannot be marked (contended, unreadable) must not hold the rest
                logger.exception("invoice not marked overdue", extra={"invoice_id": found.id})
                failed.append(found.id)
        if cursor is None:
            break
    extra = {"day": day.isoformat(), "examined": examined, "marked": marked, "failed": len(failed)}
    logger.info("overdue run", extra=extra)
    if failed:
        raise OverdueRunIncomplete(f"{len(failed)} of {examined} invoices not marked overdue: {', '.join(failed[:10])}")
    return OverdueRun(day, examined, marked)


def _mark(invoices: InvoiceStore, invoice_id: str, day: date, ctx: RequestContext) -> bool:
    def attempt() -> bool:
        invoice = invoices.get(invoice_id)
        if invoice is None:
            return False
        before = copy.deepcopy(invoice)
        invoice.mark_overdue(today=day, now=ctx.now)
        if invoice.status == before.status:
            return False  # paid, voided or marked since the index was read: nothing to write
        invoices.save(invoice, before, ctx)
        return True

    return with_retries(ctx, attempt)
