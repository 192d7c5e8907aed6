"""Payments in the Billing table: the item mapping, the record that stores a payment and the invoice it is
applied to in one transaction, and the reads payments need."""

from __future__ import annotations

from billing import keys
from billing.invoice.model import Invoice
from billing.invoice.store import InvoiceRepository
from billing.payment.model import Payment, PaymentMethod, PaymentStatus
from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository


def payment_item(payment: Payment) -> Item:
    return {
        **keys.payment(payment.id),
        "type": "Payment",
        **audit_fields(payment),
        "invoice_id": payment.invoice_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method": payment.method.value,
        "reference": payment.reference,
        "received_at": to_rfc3339(payment.received_at),
        "status": payment.status.value,
        **keys.payment_indexes(payment.id, payment.invoice_id),
    }


def payment_from_item(item: Item) -> Payment:
    return Payment(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        invoice_id=item["invoice_id"],
        amount=int(item["amount"]),
        currency=item["currency"],
        method=PaymentMethod(item["method"]),
        reference=item.get("reference"),
        received_at=from_rfc3339(item["received_at"]),
        status=PaymentStatus(item["status"]),
    )


class PaymentRepository(Repository[Payment]):
    aggregate_type = "Payment"

    def key(self, aggregate_id: str) -> keys.Key:
        return keys.payment(aggregate_id)

    def to_item(self, aggregate: Payment) -> Item:
        return payment_item(aggregate)

    def from_item(self, item: Item) -> Payment:
        return payment_from_item(item)

    def invoice(self, invoice_id: str) -> Invoice | None:
        return InvoiceRepository().get(invoice_id)

    def of_invoice(self, invoice_id: str, page_size: int, cursor: str | None) -> tuple[list[Payment], str | None, int]:
        """One page of an invoice's payments, newest first, and how many it has (a counting Query: a handful)."""
        query = queries.IndexQuery("GSI1", keys.invoice_payments(invoice_id))
        found = queries.query_page(query, page_size, cursor)
        return [payment_from_item(item) for item in found.items], found.next_cursor, queries.count(query)

    def record(self, payment: Payment, invoice: Invoice, before: Invoice, ctx: RequestContext) -> None:
        """The new payment and the invoice that counts it, in one transaction: a payment racing another on the
        same invoice fails on the invoice's version and is decided again on the fresh balance."""
        with self.saving(payment, ctx) as tx:
            InvoiceRepository().save(invoice, before, ctx, joining=tx)
