"""Invoices in the Billing table: the item mapping, the issue that takes the year's next number and bills the job
in one transaction, the saves that keep the receivable and status counters exact, and the reads invoices need."""

from __future__ import annotations

from collections import Counter
from datetime import date

from billing import keys
from billing.invoice.model import Invoice, InvoiceItem, InvoiceStatus
from billing.invoice.stats import receivable_deltas, receivables
from billing.job.model import Job
from billing.job.store import JobRepository, job_from_item
from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, date_of, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import TransientWriteConflict
from kernel.settings import settings

# Racing issues of one year each try the next number; all but one lose and try the one after (see the quotes'
# numbering, which works the same way): many tries, each after a short jittered wait, before 409 CONFLICT.
NUMBER_ATTEMPTS = 80
# Counter family of the invoice lists' totals: one count per status.
INVOICE_COUNTS = "INVOICES"


class NumberTaken(TransientWriteConflict):
    """Another issue took the number this one tried: read the sequence again and take the next."""


def invoice_item(invoice: Invoice) -> Item:
    due = invoice.due_date.isoformat()
    return {
        **keys.invoice(invoice.id),
        "type": "Invoice",
        **audit_fields(invoice),
        "invoice_number": invoice.invoice_number,
        "job_id": invoice.job_id,
        "deal_id": invoice.deal_id,
        "customer_id": invoice.customer_id,
        "customer_name": invoice.customer_name,
        "currency": invoice.currency,
        "items": [item.snapshot() for item in invoice.items],
        "total": invoice.total,
        "amount_paid": invoice.amount_paid,
        "due_date": due,
        "issued_at": to_rfc3339(invoice.issued_at),
        "notes": invoice.notes,
        "status": invoice.status.value,
        "paid_at": to_rfc3339(invoice.paid_at) if invoice.paid_at else None,
        "void_reason": invoice.void_reason,
        "voided_at": to_rfc3339(invoice.voided_at) if invoice.voided_at else None,
        **keys.invoice_indexes(invoice.id, invoice.customer_id, invoice.status.value, due, invoice.status.is_unpaid),
    }


def invoice_from_item(item: Item) -> Invoice:
    due_date = date_of(item["due_date"])
    assert due_date is not None
    return Invoice(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        invoice_number=item["invoice_number"],
        job_id=item["job_id"],
        deal_id=item["deal_id"],
        customer_id=item["customer_id"],
        customer_name=item.get("customer_name"),
        currency=item["currency"],
        items=tuple(InvoiceItem(line["description"], int(line["amount"])) for line in item["items"]),
        due_date=due_date,
        issued_at=from_rfc3339(item["issued_at"]),
        notes=item.get("notes"),
        amount_paid=int(item.get("amount_paid", 0)),
        status=InvoiceStatus(item["status"]),
        paid_at=instant_of(item.get("paid_at")),
        void_reason=item.get("void_reason"),
        voided_at=instant_of(item.get("voided_at")),
    )


def _status_deltas(before: Invoice | None, after: Invoice) -> dict[str, int]:
    if before is not None and before.status is after.status:
        return {}
    deltas = {after.status.value: 1}
    if before is not None:
        deltas[before.status.value] = -1
    return deltas


class InvoiceRepository(Repository[Invoice]):
    aggregate_type = "Invoice"

    def key(self, aggregate_id: str) -> keys.Key:
        return keys.invoice(aggregate_id)

    def to_item(self, aggregate: Invoice) -> Item:
        return invoice_item(aggregate)

    def from_item(self, item: Item) -> Invoice:
        return invoice_from_item(item)

    # -- reads -------------------------------------------------------------------------------------
    def job_and_sequence(self, job_id: str, year: int) -> tuple[Job | None, int]:
        """The job and the last number taken in `year` (0 before the first), in one BatchGetItem."""
        job, sequence = queries.get_items([keys.job(job_id), keys.invoice_sequence(year)])
        return (job_from_item(job) if job else None), int((sequence or {}).get("last", 0))

    def last_number(self, year: int) -> int:
        found = queries.get_items([keys.invoice_sequence(year)])[0]
        return int((found or {}).get("last", 0))

    def job(self, job_id: str) -> Job | None:
        return JobRepository().get(job_id)

    def with_job(self, invoice_id: str) -> tuple[Invoice | None, Job | None]:
        invoice = self.get(invoice_id)
        if invoice is None:
            return None, None
        return invoice, JobRepository().get(invoice.job_id)

    def page(
        self,
        status: str | None,
        customer_id: str | None,
        overdue_on: date | None,
        page_size: int,
        cursor: str | None,
    ) -> tuple[list[Invoice], str | None, int]:
        """One page of invoices and how many match.

        `overdue_on`: the unpaid invoices due before that day, soonest due first (GSI3; counted, as the unpaid
        are few). Else newest first: a customer's (GSI1, counted), one status's or all (GSI2, totals from the
        status counters)."""
        filters: tuple[tuple[str, str], ...] = (("status", status),) if status else ()
        if overdue_on is not None:
            if customer_id is not None:
                filters += (("customer_id", customer_id),)
            query = queries.IndexQuery(
                "GSI3", keys.UNPAID, newest_first=False, filters=filters, before=overdue_on.isoformat()
            )
            found = queries.query_page(query, page_size, cursor)
            return [invoice_from_item(item) for item in found.items], found.next_cursor, queries.count(query)
        if customer_id is not None:
            query = queries.IndexQuery("GSI1", keys.customer_invoices(customer_id), filters=filters)
            found = queries.query_page(query, page_size, cursor)
            return [invoice_from_item(item) for item in found.items], found.next_cursor, queries.count(query)
        statuses = [value.value for value in InvoiceStatus]
        items, next_cursor, total = queries.status_page(
            "GSI2", keys.invoices_in, statuses, status, INVOICE_COUNTS, page_size, cursor
        )
        return [invoice_from_item(item) for item in items], next_cursor, total

    def due_before(self, day: date, page_size: int, cursor: str | None) -> tuple[list[Invoice], str | None]:
        """A page of the unpaid invoices due before `day`, soonest due first: what the daily run may mark."""
        query = queries.IndexQuery("GSI3", keys.UNPAID, newest_first=False, before=day.isoformat())
        found = queries.query_page(query, page_size, cursor)
        return [invoice_from_item(item) for item in found.items], found.next_cursor

    def receivables(self) -> Counter[str]:
        return queries.read_counters(keys.RECEIVABLES)

    # -- writes ------------------------------------------------------------------------------------
    def _counters(self, tx: Transaction, before: Invoice | None, after: Invoice) -> None:
        shard = pick_shard(settings().stats_shards)
        tx.add_counters(keys.receivables_shard(shard), receivable_deltas(receivables(before), receivables(after)))
        tx.add_counters(keys.stats_shard(INVOICE_COUNTS, shard), _status_deltas(before, after))

    def issue(self, invoice: Invoice, sequence: int, job: Job, before_job: Job, ctx: RequestContext) -> None:
        """Store a new invoice with number `sequence` of its year, moving the year's sequence from `sequence - 1`
        to `sequence`, and the job it bills, in one transaction: NumberTaken when another issue got the number
        first, StaleVersion when another invoice took the job."""
        year = invoice.issued_at.year

        def taken(_old: Item | None) -> Exception:
            return NumberTaken(f"invoice number {sequence} of {year} was taken")

        with self.saving(invoice, ctx) as tx:
            if sequence == 1:
                condition, values = "attribute_not_exists(#last)", {":next": sequence}
            else:
                condition, values = "#last = :previous", {":next": sequence, ":previous": sequence - 1}
            tx.update(
                keys.invoice_sequence(year),
                "SET #last = :next",
                condition=condition,
                names={"#last": "last"},
                values=values,
                on_condition_failed=taken,
            )
            self._counters(tx, None, invoice)
            JobRepository().save(job, before_job, ctx, joining=tx)

    def save(
        self,
        invoice: Invoice,
        before: Invoice | None,
        ctx: RequestContext,
        joining: Transaction | None = None,
        job: tuple[Job, Job] | None = None,
    ) -> None:
        """The changed invoice and its counters; `job` (after, before): the job it bills, saved with it (a void
        releases it); `joining`: inside a transaction someone else commits (the payment's)."""
        if unchanged(invoice, before):
            return
        with self.saving(invoice, ctx, joining) as tx:
            self._counters(tx, before, invoice)
            if job is not None:
                JobRepository().save(job[0], job[1], ctx, joining=tx)
