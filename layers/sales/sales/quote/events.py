"""The events a quote publishes: a priced offer made from a deal, sent to the customer, then accepted or rejected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class QuoteCreated(DomainEvent):
    KEY = "quote.created"
    DESCRIPTION = "A draft quote was priced from a deal's lines, the reseller tier discount applied per line."

    quote_id: str
    deal_id: str
    number: Annotated[str, Field(description="Q-<year>-<6 digits>, unique across the service")]
    currency: str
    total: Annotated[int, Field(description="the quote's total after every discount, in minor units of currency")]
    valid_until: Annotated[str, Field(description="the last day the quote may be accepted, YYYY-MM-DD")]


@dataclass(frozen=True, kw_only=True)
class QuoteSent(DomainEvent):
    KEY = "quote.sent"
    DESCRIPTION = "A draft quote was sent to the customer; its content is fixed from here."

    quote_id: str
    deal_id: str
    number: str


@dataclass(frozen=True, kw_only=True)
class QuoteAccepted(DomainEvent):
    KEY = "quote.accepted"
    DESCRIPTION = "The customer accepted a sent quote before it expired; no other quote of the deal can be accepted."

    quote_id: str
    deal_id: str
    number: str
    currency: str
    total: Annotated[int, Field(description="the accepted total, in minor units of currency")]


@dataclass(frozen=True, kw_only=True)
class QuoteRejected(DomainEvent):
    KEY = "quote.rejected"
    DESCRIPTION = "The customer rejected a sent quote, expired or not."

    quote_id: str
    deal_id: str
    number: str
    reason: str | None


EVENTS: tuple[EventSpec, ...] = catalogue("sales", QuoteCreated, QuoteSent, QuoteAccepted, QuoteRejected)
