"""The events an invoice publishes: issued for a completed job, then paid, overdue or voided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue

Number = Annotated[str, Field(description="INV-<year>-<6 digits>, gapless per year")]


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(DomainEvent):
    KEY = "invoice.issued"
    DESCRIPTION = "An invoice was issued for a completed job; the job is billed until the invoice is voided."

    invoice_id: str
    invoice_number: Number
    job_id: str
    deal_id: Annotated[str, Field(description="the won deal the job was opened from")]
    customer_id: str
    currency: str
    total: Annotated[int, Field(description="the sum of the items, in minor units of currency")]
    due_date: Annotated[str, Field(description="the day payment is due, YYYY-MM-DD")]


@dataclass(frozen=True, kw_only=True)
class InvoiceVoided(DomainEvent):
    KEY = "invoice.voided"
    DESCRIPTION = "An unpaid invoice was voided; its job may be invoiced again."

    invoice_id: str
    invoice_number: Number
    job_id: str
    customer_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class InvoicePaid(DomainEvent):
    KEY = "invoice.paid"
    DESCRIPTION = "The payments of an invoice reached its total: nothing is due any more."

    invoice_id: str
    invoice_number: Number
    job_id: str
    customer_id: str
    currency: str
    total: Annotated[int, Field(description="the amount paid in all, in minor units of currency")]
    paid_at: Annotated[str, Field(description="when the settling payment was recorded, RFC 3339 UTC")]


@dataclass(frozen=True, kw_only=True)
class InvoiceOverdue(DomainEvent):
    KEY = "invoice.overdue"
    DESCRIPTION = "An unpaid or partly paid invoice passed its due date."

    invoice_id: str
    invoice_number: Number
    job_id: str
    customer_id: str
    currency: str
    balance_due: Annotated[int, Field(description="what is still owed, in minor units of currency")]
    due_date: Annotated[str, Field(description="the day payment was due, YYYY-MM-DD")]


EVENTS: tuple[EventSpec, ...] = catalogue("billing", InvoiceIssued, InvoiceVoided, InvoicePaid, InvoiceOverdue)
