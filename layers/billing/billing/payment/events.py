"""The events a payment publishes: money received against an invoice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class PaymentRecorded(DomainEvent):
    KEY = "payment.recorded"
    DESCRIPTION = "A payment against an invoice was recorded, in the invoice's currency and never above its balance."

    payment_id: str
    invoice_id: str
    amount: Annotated[int, Field(description="the amount received, in minor units of currency")]
    currency: str
    method: Literal["cash", "check", "card", "bank_transfer"]
    reference: Annotated[str | None, Field(description="the payer's or bank's reference, null when none was given")]
    received_at: Annotated[str, Field(description="when the money was received, RFC 3339 UTC")]


EVENTS: tuple[EventSpec, ...] = catalogue("billing", PaymentRecorded)
