"""Edge models of the quote operations: inputs and views."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.types import BusinessDate, Id, Input, ListQuery, Output, Text
from sales.quote.model import Quote, QuoteLine


class QuoteRef(Input):
    quote_id: Id


class CreateQuoteInput(Input):
    deal_id: Id
    valid_until: BusinessDate | None = Field(
        default=None, description="the last day it may be accepted: today to a year ahead; 30 days when absent"
    )
    notes: Text | None = None


class RejectQuoteInput(QuoteRef):
    reason: Text | None = Field(default=None, description="the customer's reason, if given (at most 500 characters)")


class DealQuotesQuery(ListQuery):
    deal_id: Id


class QuoteLineView(Output):
    description: str
    product_code: str | None
    quantity: int
    unit_price: int = Field(description="minor units")
    discount_percent: str = Field(description='the line\'s own discount, exact ("12.5")')
    gross: int = Field(description="quantity x unit_price")
    line_discount: int = Field(description="the line's own discount, half-even to the minor unit")
    tier_discount: int = Field(description="the tier discount on what the line discount leaves, half-even")
    total: int

    @classmethod
    def of(cls, line: QuoteLine) -> QuoteLineView:
        return cls.model_validate(line.snapshot())


class QuoteView(Output):
    id: str
    number: str = Field(description="Q-<year>-<6 digits>, gapless per calendar year")
    deal_id: str
    customer_id: str
    status: str = Field(description="draft, sent, accepted, rejected, or expired (a sent quote past valid_until)")
    currency: str
    lines: list[QuoteLineView]
    tier: str | None = Field(description="the deal's reseller tier when the quote was made; null without one")
    tier_discount_percent: str
    subtotal: int
    discount_total: int = Field(description="line and tier discounts")
    total: int
    valid_until: str
    notes: str | None
    sent_at: str | None
    accepted_at: str | None
    rejected_at: str | None
    reject_reason: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, quote: Quote, today: date) -> QuoteView:
        return cls(
            id=quote.id,
            number=quote.number,
            deal_id=quote.deal_id,
            customer_id=quote.customer_id,
            status=quote.shown_status(today),
            currency=quote.currency,
            lines=[QuoteLineView.of(line) for line in quote.lines],
            tier=quote.tier,
            tier_discount_percent=quote.tier_discount_text,
            subtotal=quote.subtotal,
            discount_total=quote.discount_total,
            total=quote.total,
            valid_until=quote.valid_until.isoformat(),
            notes=quote.notes,
            sent_at=to_rfc3339(quote.sent_at) if quote.sent_at else None,
            accepted_at=to_rfc3339(quote.accepted_at) if quote.accepted_at else None,
            rejected_at=to_rfc3339(quote.rejected_at) if quote.rejected_at else None,
            reject_reason=quote.reject_reason,
            version=quote.version,
            created_at=to_rfc3339(quote.created_at),
            updated_at=to_rfc3339(quote.updated_at),
        )
