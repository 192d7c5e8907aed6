"""Edge models of the payment operations: inputs and views."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from billing.payment.model import REFERENCE_MAX, Payment
from kernel.clock import to_rfc3339
from kernel.types import Amount, Currency, Id, Input, Instant, Line, ListQuery, Output

Method = Literal["cash", "check", "card", "bank_transfer"]


class PaymentRef(Input):
    payment_id: Id


class RecordPaymentInput(Input):
    invoice_id: Id
    amount: Amount = Field(description="minor units of the invoice's currency, at most its balance due")
    currency: Currency | None = Field(default=None, description="the invoice's currency when given; absent: it")
    method: Method
    reference: Annotated[Line, Field(max_length=REFERENCE_MAX)] | None = Field(
        default=None, description="the cheque number, card slip or bank reference"
    )
    received_at: Instant | None = Field(
        default=None, description="when the money came in, RFC 3339 with an offset; absent: now"
    )


class InvoicePaymentsQuery(ListQuery):
    invoice_id: Id


class PaymentView(Output):
    id: str
    invoice_id: str
    amount: int = Field(description="minor units")
    currency: str
    method: str
    reference: str | None
    status: str = Field(description="completed: the money is in")
    received_at: str
    version: int
    created_at: str

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        return cls(
            id=payment.id,
            invoice_id=payment.invoice_id,
            amount=payment.amount,
            currency=payment.currency,
            method=payment.method.value,
            reference=payment.reference,
            status=payment.status.value,
            received_at=to_rfc3339(payment.received_at),
            version=payment.version,
            created_at=to_rfc3339(payment.created_at),
        )
