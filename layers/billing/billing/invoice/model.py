"""The Invoice aggregate: what a completed job is billed, and the payments applied to it.

An invoice bills the job's lines (or items given when it is issued) in the job's currency, as integer minor
units, so its total and balance are exact whatever the exponent. Status runs issued -> partially_paid -> paid as
payments arrive; an issued or partly paid invoice past its due date becomes overdue, and stays overdue while
partly paid until it is settled. Only an invoice without payments may be voided: money received is never
silently unbilled.

Each command changes the invoice alone. The use case saves the job it bills in the same transaction: marked
invoiced on issue (`Job.mark_invoiced`), released on void (`Job.release_invoice`). Numbers are allocated by the
store, gapless per year; this module only formats and reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeGuard

from billing.invoice.events import InvoiceIssued, InvoiceOverdue, InvoicePaid, InvoiceVoided
from billing.job.model import DESCRIPTION_MAX as LINE_DESCRIPTION_MAX
from billing.job.model import Job
from kernel.aggregate import AggregateRoot
from kernel.clock import business_date, to_rfc3339
from kernel.errors import Conflict, FieldIssue, Unprocessable, ValidationFailed
from kernel.ids import new_id
from kernel.money import MAX_AMOUNT

SEQUENCE_MAX = 999_999
ITEMS_MAX = 100
# An item's description is at most a job line's, so the items a job bills by default always fit.
DESCRIPTION_MAX = LINE_DESCRIPTION_MAX
NOTES_MAX = 2000
REASON_MAX = 500
_NUMBER = re.compile(r"INV-(\d{4})-(\d{6})")


# -- numbers --------------------------------------------------------------------------------------------------
def invoice_number(year: int, sequence: int) -> str:
    """The invoice number for the `sequence`-th invoice of `year`: "INV-2026-000001".

    The store allocates the sequence; one beyond the six digits would break the format's fixed width, so it is
    refused (ValueError: a numbering fault, not a fault of the request).
    """
    if not _whole(year) or not 1 <= year <= 9999:
        raise ValueError(f"an invoice number's year must be 1-9999, not {year!r}")
    if not _whole(sequence) or not 1 <= sequence <= SEQUENCE_MAX:
        raise ValueError(f"an invoice number's sequence must be 1-{SEQUENCE_MAX}, not {sequence!r}")
    return f"INV-{year:04d}-{sequence:06d}"


def number_year(number: str) -> int:
    """The year an invoice number was allocated in ("INV-2026-000042" -> 2026); ValueError when malformed."""
    return _parse_number(number)[0]


def number_sequence(number: str) -> int:
    """The invoice's place in its year ("INV-2026-000042" -> 42); ValueError when malformed."""
    return _parse_number(number)[1]


def _parse_number(number: str) -> tuple[int, int]:
    match = _NUMBER.fullmatch(number)
    if match is None or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise ValueError(f"{number!r} is not an invoice number (INV-<year>-<6 digits>)")
    return int(match.group(1)), int(match.group(2))


# -- items ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class InvoiceItem:
    description: str
    amount: int

    def snapshot(self) -> dict[str, Any]:
        return {"description": self.description, "amount": self.amount}


# -- the aggregate --------------------------------------------------------------------------------------------
class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"

    @property
    def is_unpaid(self) -> bool:
        """Still owed money: counted in the receivables."""
        return self in UNPAID


UNPAID = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)
# The statuses the due date can still overtake: an overdue invoice already is, a settled or void one owes nothing.
COMING_DUE = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
# A partly paid invoice is never voidable, and an overdue one only while nothing was paid on it.
VOIDABLE = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


@dataclass(kw_only=True)
class Invoice(AggregateRoot):
    invoice_number: str
    job_id: str
    deal_id: str
    customer_id: str
    currency: str
    items: tuple[InvoiceItem, ...]
    due_date: date
    issued_at: datetime
    # Who is billed, copied from the job when the invoice is issued (null when the won deal did not name them).
    customer_name: str | None = None
    notes: str | None = None
    amount_paid: int = 0
    status: InvoiceStatus = InvoiceStatus.ISSUED
    paid_at: datetime | None = None
    void_reason: str | None = None
    voided_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(item.amount for item in self.items)

    @property
    def balance_due(self) -> int:
        return self.total - self.amount_paid

    # -- factory --------------------------------------------------------------------------------
    @classmethod
    def issue(
        cls,
        *,
        job: Job,
        due_date: date,
        items: Sequence[Mapping[str, Any]] | None,
        notes: str | None,
        number: str,
        today: date,
        now: datetime,
        invoice_id: str | None = None,
    ) -> Invoice:
        """An issued invoice for the completed `job`, or ValidationFailed naming every bad field at once.

        `items` default to what the job bills (`Job.invoice_lines`); given ones replace them. The job must be
        completed and not billed already (Conflict JOB_NOT_COMPLETED or INVOICE_EXISTS). `number` was allocated
        by the store.
        """
        _parse_number(number)
        job.require_billable()
        issues: list[FieldIssue] = []
        _due_date(due_date, today, issues)
        given = job.invoice_lines() if items is None else list(items)
        if not 1 <= len(given) <= ITEMS_MAX:
            issues.append(FieldIssue("items", f"must hold 1-{ITEMS_MAX} items"))
        parsed = [_item(item, f"items[{index}]", issues) for index, item in enumerate(given)]
        cleaned_notes = _notes(notes, issues)
        if issues:
            raise ValidationFailed(_summary(issues), issues)
        invoice = cls(
            id=invoice_id or new_id(),
            invoice_number=number,
            job_id=job.id,
            deal_id=job.deal_id,
            customer_id=job.customer_id,
            customer_name=job.customer_name,
            currency=job.currency,
            items=tuple(item for item in parsed if item is not None),
            due_date=due_date,
            issued_at=now,
            notes=cleaned_notes,
            created_at=now,
            updated_at=now,
        )
        # Each item is bounded, but a hundred of them may not be: the total is what gets stored and summed again.
        if invoice.total > MAX_AMOUNT:
            issue = FieldIssue("items", f"the total must not exceed {MAX_AMOUNT} minor units")
            raise ValidationFailed(_summary([issue]), [issue])
        invoice.record(
            InvoiceIssued(
                invoice_id=invoice.id,
                invoice_number=invoice.invoice_number,
                job_id=invoice.job_id,
                deal_id=invoice.deal_id,
                customer_id=invoice.customer_id,
                currency=invoice.currency,
                total=invoice.total,
                due_date=invoice.due_date.isoformat(),
            )
        )
        return invoice

    # -- commands -------------------------------------------------------------------------------
    def record_payment(self, amount: int, *, now: datetime, currency: str | None = None) -> None:
        """Apply a payment of `amount` minor units (in the invoice's currency: `currency`, when the caller names
        one, must be it). More than the balance due is refused, so an invoice is never overpaid; the payment that
        settles it records `invoice.paid`, once, as no payment can follow it: on a paid invoice, whose balance
        is nothing, any payment is an overpayment (what a payment losing a race to the settling one meets)."""
        self._require("record a payment", (*UNPAID, InvoiceStatus.PAID))
        if currency is not None and currency != self.currency:
            raise Unprocessable(
                f"invoice {self.invoice_number} is in {self.currency}; a payment in {currency} cannot settle it",
                "CURRENCY_MISMATCH",
                [FieldIssue("currency", f"must be {self.currency}, the invoice's currency")],
            )
        if not (_whole(amount) and 1 <= amount <= MAX_AMOUNT):
            message = f"must be whole minor units from 1 to {MAX_AMOUNT}"
            raise ValidationFailed(f"amount {message}", [FieldIssue("amount", message)])
        balance = self.balance_due
        if amount > balance:
            raise Unprocessable(
                f"a payment of {amount} exceeds the balance due of invoice {self.invoice_number}, "
                f"{balance} {self.currency} minor units",
                "OVERPAYMENT",
                [FieldIssue("amount", f"must not exceed the balance due, {balance}")],
            )
        self.amount_paid += amount
        self.touch(now)
        if self.balance_due == 0:
            self.status = InvoiceStatus.PAID
            self.paid_at = now
            self.record(
                InvoicePaid(
                    invoice_id=self.id,
                    invoice_number=self.invoice_number,
                    job_id=self.job_id,
                    customer_id=self.customer_id,
                    currency=self.currency,
                    total=self.total,
                    paid_at=to_rfc3339(now),
                )
            )
        elif self.status is not InvoiceStatus.OVERDUE:
            # An overdue invoice stays overdue until settled: part of the money is still late.
            self.status = InvoiceStatus.PARTIALLY_PAID

    def void(self, reason: str, *, now: datetime) -> None:
        """Cancel an invoice nothing was paid on; its job may then be billed anew."""
        if self.status not in VOIDABLE or self.amount_paid:
            shown = self.status.value
            paid = f" with {self.amount_paid} {self.currency} minor units paid" if self.amount_paid else ""
            raise Conflict(
                f"invoice {self.invoice_number} is {shown}{paid}; void needs issued or overdue without payments",
                "INVALID_TRANSITION",
                [FieldIssue("status", shown)],
            )
        cleaned = _reason(reason)
        self.status = InvoiceStatus.VOID
        self.void_reason = cleaned
        self.voided_at = now
        self.touch(now)
        self.record(
            InvoiceVoided(
                invoice_id=self.id,
                invoice_number=self.invoice_number,
                job_id=self.job_id,
                customer_id=self.customer_id,
                reason=cleaned,
            )
        )

    def mark_overdue(self, *, today: date, now: datetime) -> None:
        """Past its due date (`today` is later) and still unpaid, wholly or partly: the invoice is overdue. Any
        other invoice, or one still within its term, is left as it is, so the daily run may repeat safely."""
        if self.status not in COMING_DUE or today <= self.due_date:
            return
        self.status = InvoiceStatus.OVERDUE
        self.touch(now)
        self.record(
            InvoiceOverdue(
                invoice_id=self.id,
                invoice_number=self.invoice_number,
                job_id=self.job_id,
                customer_id=self.customer_id,
                currency=self.currency,
                balance_due=self.balance_due,
                due_date=self.due_date.isoformat(),
            )
        )

    # -- internals ------------------------------------------------------------------------------
    def _require(self, action: str, allowed: Sequence[InvoiceStatus]) -> None:
        if self.status not in allowed:
            raise Conflict(
                f"invoice {self.invoice_number} is {self.status.value}; {action} needs {_listed(allowed)}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )


# -- checks ---------------------------------------------------------------------------------------------------
def _summary(issues: list[FieldIssue]) -> str:
    return "invalid invoice: " + "; ".join(f"{issue.field} {issue.message}" for issue in issues)


def _listed(statuses: Sequence[InvoiceStatus]) -> str:
    names = [status.value for status in statuses]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _whole(value: object) -> TypeGuard[int]:
    # bool is an int to Python, and a float is never an amount: both are refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _item(item: Mapping[str, Any], where: str, issues: list[FieldIssue]) -> InvoiceItem | None:
    """The checked item, or None with its issues added."""
    found = len(issues)
    raw = item.get("description")
    description = raw.strip() if isinstance(raw, str) else ""
    if not 1 <= len(description) <= DESCRIPTION_MAX:
        issues.append(FieldIssue(f"{where}.description", f"must be 1-{DESCRIPTION_MAX} characters"))
    amount: object = item.get("amount")
    if not (_whole(amount) and 1 <= amount <= MAX_AMOUNT):
        issues.append(FieldIssue(f"{where}.amount", f"must be whole minor units from 1 to {MAX_AMOUNT}"))
    # The isinstance check repeats what `_whole` found, for the type checker.
    if len(issues) > found or not isinstance(amount, int):
        return None
    return InvoiceItem(description, amount)


def _due_date(due_date: date, today: date, issues: list[FieldIssue]) -> None:
    if due_date < today:
        issues.append(FieldIssue("due_date", "must be today or later"))
        return
    try:
        business_date(due_date, "due_date")
    except ValidationFailed as error:
        issues.extend(error.details)


def _notes(notes: str | None, issues: list[FieldIssue]) -> str | None:
    if notes is None:
        return None
    cleaned = notes.strip()
    if len(cleaned) > NOTES_MAX:
        issues.append(FieldIssue("notes", f"must be at most {NOTES_MAX} characters"))
    return cleaned or None


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= REASON_MAX:
        message = f"must be 1-{REASON_MAX} characters"
        raise ValidationFailed(f"reason {message}", [FieldIssue("reason", message)])
    return cleaned
