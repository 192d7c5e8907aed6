"""Payment use cases: record money received against an invoice (never more than its balance due, however many
payments race), read one, and list an invoice's."""

from __future__ import annotations

import copy
import random
import time
from typing import Protocol

from billing.invoice.model import Invoice
from billing.invoice.use_cases import not_found as invoice_not_found
from billing.payment.model import Payment
from billing.payment.store import PaymentRepository
from billing.payment.views import InvoicePaymentsQuery, PaymentRef, PaymentView, RecordPaymentInput
from kernel.commands import check_precondition
from kernel.context import RequestContext
from kernel.dynamodb.repository import command_applied
from kernel.errors import (
    AlreadyApplied,
    Conflict,
    DomainError,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    StaleVersion,
    TransientWriteConflict,
    WriteThrottled,
)
from kernel.listing import ListResult, paginate

# Payments racing on one invoice each lose to the one that commits first and are decided again on the fresh
# balance: twenty at once need up to twenty rounds for the last, so a payment tries many times (short jittered
# waits) before 409 CONFLICT. Each round either commits or refuses with OVERPAYMENT, so the total is never passed.
PAYMENT_ATTEMPTS = 60
THROTTLED_ATTEMPTS = 4


class PaymentStore(Protocol):
    def get(self, aggregate_id: str) -> Payment | None: ...

    def invoice(self, invoice_id: str) -> Invoice | None: ...

    def of_invoice(
        self, invoice_id: str, page_size: int, cursor: str | None
    ) -> tuple[list[Payment], str | None, int]: ...

    def record(self, payment: Payment, invoice: Invoice, before: Invoice, ctx: RequestContext) -> None: ...


PAYMENTS: PaymentStore = PaymentRepository()


def _not_found(payment_id: str) -> NotFound:
    return NotFound(f"payment {payment_id} not found", "PAYMENT_NOT_FOUND")


def _invoice(payments: PaymentStore, invoice_id: str) -> Invoice:
    invoice = payments.invoice(invoice_id)
    if invoice is None or invoice.is_deleted:
        raise invoice_not_found(invoice_id)
    return invoice


def _pause(attempt: int) -> None:
    # Full jitter keeps racing payments from colliding again; no security need for randomness.
    time.sleep(random.uniform(0, min(0.05, 0.003 * attempt)))  # noqa: S311


def record_payment(cmd: RecordPaymentInput, ctx: RequestContext, payments: PaymentStore = PAYMENTS) -> PaymentView:
    """A completed payment applied to its invoice in one transaction: the invoice becomes partially paid or paid
    (`invoice.paid`, once). More than the balance due is 422 OVERPAYMENT, decided on the invoice's latest
    version, so payments racing each other never exceed the total."""
    payment_id: str | None = None
    throttled = 0
    for attempt in range(1, PAYMENT_ATTEMPTS + 1):
        try:
            invoice = _invoice(payments, cmd.invoice_id)
            check_precondition(invoice, ctx)  # If-Match names the version of the invoice the clerk saw
            before = copy.deepcopy(invoice)
            invoice.record_payment(cmd.amount, now=ctx.now, currency=cmd.currency)
            payment = Payment.receive(
                invoice_id=invoice.id,
                amount=cmd.amount,
                currency=invoice.currency,
                method=cmd.method,
                reference=cmd.reference,
                received_at=cmd.received_at,
                now=ctx.now,
                payment_id=payment_id,
            )
            payment_id = payment.id  # the same payment on every attempt: a keyed command recognises it
            payments.record(payment, invoice, before, ctx)
            return PaymentView.of(payment)
        except StaleVersion:
            if ctx.expected_version is not None:
                raise PreconditionFailed() from None
        except (AlreadyApplied, DomainError) as error:
            # A keyed payment that committed before answers with itself, not with the balance it used up.
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            if applied is not None and (existing := payments.get(applied)) is not None:
                return PaymentView.of(existing)
            raise
        except WriteThrottled:
            throttled += 1
            if throttled == THROTTLED_ATTEMPTS:
                raise ServiceUnavailable() from None
        except TransientWriteConflict:
            pass
        _pause(attempt)
    raise Conflict("the invoice is busy with concurrent payments; retry", "CONFLICT")


def get_payment(query: PaymentRef, ctx: RequestContext, payments: PaymentStore = PAYMENTS) -> PaymentView:
    payment = payments.get(query.payment_id)
    if payment is None or payment.is_deleted:
        raise _not_found(query.payment_id)
    return PaymentView.of(payment)


def list_invoice_payments(
    query: InvoicePaymentsQuery, ctx: RequestContext, payments: PaymentStore = PAYMENTS
) -> ListResult[PaymentView]:
    _invoice(payments, query.invoice_id)
    page, next_cursor, total = payments.of_invoice(query.invoice_id, query.page_size, query.cursor)
    return paginate([PaymentView.of(payment) for payment in page], total, query.page_size, next_cursor, None)
