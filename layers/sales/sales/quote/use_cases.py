"""Quote use cases: make a quote from a deal under the year's next number, read and list them, send, accept
(the deal takes the quote's id and total), reject, and render one as a PDF."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Protocol

from kernel.clock import today
from kernel.commands import apply_once, check_precondition, with_retries
from kernel.context import RequestContext
from kernel.dynamodb.repository import command_applied
from kernel.errors import (
    AlreadyApplied,
    Conflict,
    FieldIssue,
    NotFound,
    ServiceUnavailable,
    TransientWriteConflict,
    WriteThrottled,
)
from kernel.listing import ListResult, paginate
from kernel.money import Money
from kernel.types import Document
from sales.deal.model import Deal
from sales.quote.model import Quote, quote_number
from sales.quote.store import NUMBER_ATTEMPTS, NumberTaken, QuoteRepository
from sales.quote.tiers import tier_percentages
from sales.quote.views import CreateQuoteInput, DealQuotesQuery, QuoteRef, QuoteView, RejectQuoteInput

THROTTLED_ATTEMPTS = 4


class QuoteStore(Protocol):
    """What the quote use cases need of storage: the DynamoDB repository, or an in-memory fake in tests."""

    def get(self, aggregate_id: str) -> Quote | None: ...

    def deal_and_sequence(self, deal_id: str, year: int) -> tuple[Deal | None, int]: ...

    def parties(self, deal: Deal) -> tuple[str | None, str | None]: ...

    def last_number(self, year: int) -> int: ...

    def deal(self, deal_id: str) -> Deal | None: ...

    def with_deal(self, quote_id: str) -> tuple[Quote | None, Deal | None]: ...

    def of_deal(self, deal_id: str, page_size: int, cursor: str | None) -> tuple[list[Quote], str | None, int]: ...

    def create(self, quote: Quote, sequence: int, ctx: RequestContext) -> None: ...

    def save(self, quote: Quote, before: Quote | None, ctx: RequestContext) -> None: ...

    def accept(self, quote: Quote, deal: Deal, before_deal: Deal, ctx: RequestContext) -> None: ...


QUOTES: QuoteStore = QuoteRepository()


def _not_found(quote_id: str) -> NotFound:
    return NotFound(f"quote {quote_id} not found", "QUOTE_NOT_FOUND")


def _deal_not_found(deal_id: str) -> NotFound:
    return NotFound(f"deal {deal_id} not found", "DEAL_NOT_FOUND")


def _load(quotes: QuoteStore, quote_id: str) -> Quote:
    quote = quotes.get(quote_id)
    if quote is None or quote.is_deleted:
        raise _not_found(quote_id)
    return quote


def _open(deal: Deal | None, deal_id: str) -> Deal:
    if deal is None or deal.is_deleted:
        raise _deal_not_found(deal_id)
    if deal.stage.is_terminal:
        raise Conflict(
            f"deal {deal_id} is {deal.status.value}; quotes are made and accepted on open deals",
            "DEAL_NOT_OPEN",
            [FieldIssue("status", deal.status.value)],
        )
    return deal


def _lines(deal: Deal) -> list[dict[str, object]]:
    """The deal's lines, or one line of its name and value for a deal that has none."""
    if deal.lines:
        return list(deal.lines)
    return [{"description": deal.name, "quantity": 1, "unit_price": deal.value.amount, "discount_percent": "0"}]


def _pause(attempt: int) -> None:
    # Full jitter keeps racing creates from colliding again; no security need for randomness.
    time.sleep(random.uniform(0, min(0.05, 0.002 * attempt)))  # noqa: S311


def create_quote(cmd: CreateQuoteInput, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> QuoteView:
    """A draft quote under the year's next number. Racing creates each try the number after the last one taken;
    the loser reads the sequence again and tries the next, so numbers stay gapless and unique."""
    year = ctx.now.year
    deal, last = quotes.deal_and_sequence(cmd.deal_id, year)
    deal = _open(deal, cmd.deal_id)
    check_precondition(deal, ctx)  # If-Match names the version of the deal the caller quotes
    tier, customer_name = quotes.parties(deal)
    quote_id: str | None = None
    throttled = 0
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        quote = Quote.create(
            deal_id=deal.id,
            customer_id=deal.customer_id,
            customer_name=customer_name,
            currency=deal.value.currency,
            lines=_lines(deal),
            tier=tier,
            tier_percentages=tier_percentages(),
            number=quote_number(year, last + 1),
            valid_until=cmd.valid_until,
            notes=cmd.notes,
            today=today(ctx.now),
            now=ctx.now,
            quote_id=quote_id,
        )
        quote_id = quote.id  # the same quote on every attempt: a keyed command recognises it
        try:
            quotes.create(quote, last + 1, ctx)
            return QuoteView.of(quote, today(ctx.now))
        except AlreadyApplied as done:
            existing = quotes.get(done.aggregate_id)
            if existing is None:
                raise
            return QuoteView.of(existing, today(ctx.now))
        except WriteThrottled:
            throttled += 1
            if throttled == THROTTLED_ATTEMPTS:
                raise ServiceUnavailable() from None
        except (NumberTaken, TransientWriteConflict):
            pass
        _pause(attempt)
        last = quotes.last_number(year)
    raise Conflict("quote numbers are busy with concurrent creates; retry", "CONFLICT")


def get_quote(query: QuoteRef, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> QuoteView:
    return QuoteView.of(_load(quotes, query.quote_id), today(ctx.now))


def list_deal_quotes(query: DealQuotesQuery, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> ListResult[QuoteView]:
    deal = quotes.deal(query.deal_id)
    if deal is None or deal.is_deleted:
        raise _deal_not_found(query.deal_id)
    page, next_cursor, total = quotes.of_deal(query.deal_id, query.page_size, query.cursor)
    day = today(ctx.now)
    return paginate([QuoteView.of(quote, day) for quote in page], total, query.page_size, next_cursor, None)


def _change(quotes: QuoteStore, quote_id: str, ctx: RequestContext, change: Callable[[Quote], None]) -> QuoteView:
    def save(quote: Quote, before: Quote) -> None:
        quotes.save(quote, before, ctx)

    changed = apply_once(ctx, quote_id, lambda: _load(quotes, quote_id), change, save, lambda: quotes.get(quote_id))
    return QuoteView.of(changed, today(ctx.now))


def send_quote(cmd: QuoteRef, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> QuoteView:
    return _change(quotes, cmd.quote_id, ctx, lambda quote: quote.send(ctx.now))


def reject_quote(cmd: RejectQuoteInput, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> QuoteView:
    return _change(quotes, cmd.quote_id, ctx, lambda quote: quote.reject(reason=cmd.reason, now=ctx.now))


def accept_quote(cmd: QuoteRef, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> QuoteView:
    """The customer's yes: the quote is accepted, and its deal takes the quote's id and total as its value, in
    one transaction with the deal's claim on its one accepted quote."""

    def attempt() -> Quote:
        import copy

        try:
            quote, deal = quotes.with_deal(cmd.quote_id)
            if quote is None or quote.is_deleted:
                raise _not_found(cmd.quote_id)
            check_precondition(quote, ctx)
            deal = _open(deal, quote.deal_id)
            before_deal = copy.deepcopy(deal)
            quote.accept(today=today(ctx.now), now=ctx.now)
            deal.accept_quote(quote.id, Money(quote.total, quote.currency), now=ctx.now)
            quotes.accept(quote, deal, before_deal, ctx)
            return quote
        except (AlreadyApplied, Conflict, NotFound) as error:
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            if applied == cmd.quote_id and (replay := quotes.get(cmd.quote_id)) is not None:
                return replay
            raise

    return QuoteView.of(with_retries(ctx, attempt), today(ctx.now))


def quote_pdf(query: QuoteRef, ctx: RequestContext, quotes: QuoteStore = QUOTES) -> Document:
    """The quote as the customer reads it: a PDF with the number, the customer, every line, the discounts, the
    totals in the currency's format and the validity."""
    from sales.quote.pdf import render_quote  # the PDF libraries are on this function's layer alone

    quote = _load(quotes, query.quote_id)
    content = render_quote(quote, quote.customer_name or quote.customer_id)
    return Document(content=content, media_type="application/pdf", filename=f"{quote.number}.pdf")
