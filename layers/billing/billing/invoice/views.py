"""Edge models of the invoice operations: inputs and views."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from billing.invoice.model import DESCRIPTION_MAX, ITEMS_MAX, REASON_MAX, Invoice
from billing.invoice.stats import CurrencyReceivables
from kernel.clock import to_rfc3339
from kernel.types import Amount, BusinessDate, Id, Input, ListQuery, Output, QueryInput, Text, no_control

InvoiceStatusName = Literal["issued", "partially_paid", "paid", "overdue", "void"]
# Free text printed on the invoice and its PDF: line breaks and tabs allowed, other control characters not.
Description = Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX), AfterValidator(no_control)]
Reason = Annotated[str, Field(min_length=1, max_length=REASON_MAX), AfterValidator(no_control)]


class InvoiceRef(Input):
    invoice_id: Id


class ItemInput(Input):
    description: Description
    amount: Amount


class IssueInvoiceInput(Input):
    job_id: Id
    due_date: BusinessDate = Field(description="today (UTC) or later")
    items: list[ItemInput] | None = Field(
        default=None,
        min_length=1,
        max_length=ITEMS_MAX,
        description=(
            "what is billed, in the job's currency; absent: the job's lines when they add up to the deal's won "
            "value, else its deal's name and value"
        ),
    )
    notes: Text | None = None


class VoidInvoiceInput(InvoiceRef):
    reason: Reason = Field(description="why it is cancelled")


class InvoicesQuery(ListQuery):
    status: InvoiceStatusName | None = None
    customer_id: Id | None = None
    overdue: bool = Field(
        default=False, description="true: unpaid invoices past their due date (marked or not yet), soonest due first"
    )


class ItemView(Output):
    description: str
    amount: int = Field(description="minor units")


class InvoiceView(Output):
    id: str
    invoice_number: str = Field(description="INV-<year>-<6 digits>, gapless per calendar year")
    job_id: str
    deal_id: str
    customer_id: str
    customer_name: str | None = Field(description="who is billed, as the won deal named the customer; null if unknown")
    currency: str
    items: list[ItemView]
    total: int = Field(description="minor units")
    amount_paid: int
    balance_due: int
    status: str = Field(description="issued, partially_paid, paid, overdue or void")
    issued_at: str
    due_date: str
    notes: str | None
    paid_at: str | None
    void_reason: str | None
    voided_at: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls(
            id=invoice.id,
            invoice_number=invoice.invoice_number,
            job_id=invoice.job_id,
            deal_id=invoice.deal_id,
            customer_id=invoice.customer_id,
            customer_name=invoice.customer_name,
            currency=invoice.currency,
            items=[ItemView(description=item.description, amount=item.amount) for item in invoice.items],
            total=invoice.total,
            amount_paid=invoice.amount_paid,
            balance_due=invoice.balance_due,
            status=invoice.status.value,
            issued_at=to_rfc3339(invoice.issued_at),
            due_date=invoice.due_date.isoformat(),
            notes=invoice.notes,
            paid_at=to_rfc3339(invoice.paid_at) if invoice.paid_at else None,
            void_reason=invoice.void_reason,
            voided_at=to_rfc3339(invoice.voided_at) if invoice.voided_at else None,
            version=invoice.version,
            created_at=to_rfc3339(invoice.created_at),
            updated_at=to_rfc3339(invoice.updated_at),
        )


class ReceivablesQuery(QueryInput):
    pass


class CurrencyReceivablesView(Output):
    currency: str
    outstanding: int = Field(description="balance due of the unpaid invoices, minor units")
    overdue: int = Field(description="the part of it on overdue invoices")
    invoice_count: int = Field(description="unpaid invoices: issued, partially paid or overdue")

    @classmethod
    def of(cls, row: CurrencyReceivables) -> CurrencyReceivablesView:
        return cls(
            currency=row.currency, outstanding=row.outstanding, overdue=row.overdue, invoice_count=row.invoice_count
        )


class ReceivablesView(Output):
    currencies: list[CurrencyReceivablesView]
