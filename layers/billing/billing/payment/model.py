"""The Payment aggregate: money received against one invoice.

A payment is recorded complete, in the invoice's currency, and is never changed afterwards. Whether it fits the
invoice (its currency, its balance due) is the invoice's rule (`Invoice.record_payment`): the use case applies
both in one transaction, so a payment exists exactly when its invoice counted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from billing.payment.events import PaymentRecorded
from kernel.aggregate import AggregateRoot
from kernel.clock import to_rfc3339
from kernel.errors import FieldIssue, ValidationFailed
from kernel.ids import new_id
from kernel.money import MAX_AMOUNT, is_currency

REFERENCE_MAX = 100
# How far ahead of the server's clock a received time may be: the payer's or the client's clock may run a little
# fast, but money is never received in the future.
CLOCK_SKEW = timedelta(minutes=5)


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"


class PaymentStatus(StrEnum):
    # The only status today: a payment is recorded once the money is in. Kept as a field so refunds or pending
    # card captures can join without changing the published shape.
    COMPLETED = "completed"


@dataclass(kw_only=True)
class Payment(AggregateRoot):
    invoice_id: str
    amount: int
    currency: str
    method: PaymentMethod
    reference: str | None = None
    received_at: datetime
    status: PaymentStatus = PaymentStatus.COMPLETED

    # Named `receive`, not `record`: AggregateRoot.record is how every aggregate records its events.
    @classmethod
    def receive(
        cls,
        *,
        invoice_id: str,
        amount: int,
        currency: str,
        method: str,
        reference: str | None,
        received_at: datetime | None,
        now: datetime,
        payment_id: str | None = None,
    ) -> Payment:
        """A completed payment, or ValidationFailed naming every bad field at once. `received_at` defaults to
        now; `currency` is the invoice's."""
        issues: list[FieldIssue] = []
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
            issues.append(FieldIssue("amount", f"must be whole minor units from 1 to {MAX_AMOUNT}"))
        if not is_currency(currency):
            issues.append(FieldIssue("currency", "must be an ISO 4217 code with a minor unit, e.g. USD, JPY, KWD"))
        chosen = _method(method, issues)
        cleaned_reference = _reference(reference, issues)
        received = _received_at(received_at, now, issues)
        if issues or chosen is None:
            raise ValidationFailed(_summary(issues), issues)
        payment = cls(
            id=payment_id or new_id(),
            invoice_id=invoice_id,
            amount=amount,
            currency=currency,
            method=chosen,
            reference=cleaned_reference,
            received_at=received,
            created_at=now,
            updated_at=now,
        )
        payment.record(
            PaymentRecorded(
                payment_id=payment.id,
                invoice_id=payment.invoice_id,
                amount=payment.amount,
                currency=payment.currency,
                method=payment.method.value,
                reference=payment.reference,
                received_at=to_rfc3339(payment.received_at),
            )
        )
        return payment


# -- checks ---------------------------------------------------------------------------------------------------
def _summary(issues: list[FieldIssue]) -> str:
    return "invalid payment: " + "; ".join(f"{issue.field} {issue.message}" for issue in issues)


def _method(method: str, issues: list[FieldIssue]) -> PaymentMethod | None:
    try:
        return PaymentMethod(method)
    except ValueError:
        names = [item.value for item in PaymentMethod]
        issues.append(FieldIssue("method", f"must be {', '.join(names[:-1])} or {names[-1]}"))
        return None


def _reference(reference: str | None, issues: list[FieldIssue]) -> str | None:
    cleaned = (reference or "").strip()
    if len(cleaned) > REFERENCE_MAX:
        issues.append(FieldIssue("reference", f"must be at most {REFERENCE_MAX} characters"))
    return cleaned or None


def _received_at(received_at: datetime | None, now: datetime, issues: list[FieldIssue]) -> datetime:
    if received_at is None:
        return now
    # A time without an offset names no instant: it cannot be compared, stored as UTC or shown to anyone.
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        issues.append(FieldIssue("received_at", "must carry a UTC offset, e.g. 2026-03-10T09:30:00Z"))
        return now
    if received_at > now + CLOCK_SKEW:
        issues.append(FieldIssue("received_at", "must not be in the future"))
    return received_at.astimezone(UTC)
