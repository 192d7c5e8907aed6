"""Quotes in the Sales table: the item mapping, the create that takes the year's next number in its own
transaction, the acceptance that claims the deal's one accepted quote and writes the deal with it, and the reads
quotes need."""

from __future__ import annotations

from decimal import Decimal

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, date_of, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.errors import Conflict, FieldIssue, TransientWriteConflict
from sales import keys
from sales.deal.model import Deal
from sales.deal.store import DealRepository, deal_from_item
from sales.keys import Key
from sales.quote.model import Quote, QuoteLine, QuoteStatus

# Racing creates of one year each try the next number; all but one lose and try the one after. 50 racing
# creates need up to 50 rounds for the last one, so a create tries many times (with short jittered waits)
# before it gives up with 409 CONFLICT.
NUMBER_ATTEMPTS = 80


class NumberTaken(TransientWriteConflict):
    """Another create took the number this one tried: read the sequence again and take the next."""


def _line_item(line: QuoteLine) -> Item:
    return {**line.snapshot(), "discount_percent": str(line.discount_percent)}


def _line_of(item: Item) -> QuoteLine:
    return QuoteLine(
        description=item["description"],
        product_code=item.get("product_code"),
        quantity=int(item["quantity"]),
        unit_price=int(item["unit_price"]),
        discount_percent=Decimal(item["discount_percent"]),
        gross=int(item["gross"]),
        line_discount=int(item["line_discount"]),
        tier_discount=int(item["tier_discount"]),
        total=int(item["total"]),
    )


def quote_item(quote: Quote) -> Item:
    return {
        **keys.quote(quote.id),
        "type": "Quote",
        **audit_fields(quote),
        "deal_id": quote.deal_id,
        "customer_id": quote.customer_id,
        "customer_name": quote.customer_name,
        "number": quote.number,
        "currency": quote.currency,
        "lines": [_line_item(line) for line in quote.lines],
        "tier": quote.tier,
        "tier_discount_percent": str(quote.tier_discount_percent),
        "valid_until": quote.valid_until.isoformat(),
        "notes": quote.notes,
        "status": quote.status.value,
        "sent_at": to_rfc3339(quote.sent_at) if quote.sent_at else None,
        "accepted_at": to_rfc3339(quote.accepted_at) if quote.accepted_at else None,
        "rejected_at": to_rfc3339(quote.rejected_at) if quote.rejected_at else None,
        "reject_reason": quote.reject_reason,
        **keys.quote_indexes(quote.id, quote.deal_id),
    }


def quote_from_item(item: Item) -> Quote:
    valid_until = date_of(item["valid_until"])
    assert valid_until is not None
    return Quote(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        deal_id=item["deal_id"],
        customer_id=item["customer_id"],
        customer_name=item.get("customer_name"),
        number=item["number"],
        currency=item["currency"],
        lines=tuple(_line_of(line) for line in item["lines"]),
        tier=item.get("tier"),
        tier_discount_percent=Decimal(item["tier_discount_percent"]),
        valid_until=valid_until,
        notes=item.get("notes"),
        status=QuoteStatus(item["status"]),
        sent_at=instant_of(item.get("sent_at")),
        accepted_at=instant_of(item.get("accepted_at")),
        rejected_at=instant_of(item.get("rejected_at")),
        reject_reason=item.get("reject_reason"),
    )


class QuoteRepository(Repository[Quote]):
    aggregate_type = "Quote"

    def key(self, aggregate_id: str) -> Key:
        return keys.quote(aggregate_id)

    def to_item(self, aggregate: Quote) -> Item:
        return quote_item(aggregate)

    def from_item(self, item: Item) -> Quote:
        return quote_from_item(item)

    # -- reads -------------------------------------------------------------------------------------
    def deal_and_sequence(self, deal_id: str, year: int) -> tuple[Deal | None, int]:
        """The deal and the last number taken in `year` (0 before the first), in one BatchGetItem."""
        deal, sequence = queries.get_items([keys.deal(deal_id), keys.quote_sequence(year)])
        return (deal_from_item(deal) if deal else None), int((sequence or {}).get("last", 0))

    def parties(self, deal: Deal) -> tuple[str | None, str | None]:
        """The tier of the deal's reseller (None without one, or when it no longer resells or is suspended) and
        the customer's display name, in one BatchGetItem."""
        wanted = [keys.contact(deal.customer_id)]
        if deal.channel.reseller_id is not None:
            wanted.append(keys.partner(deal.channel.reseller_id))
        found = queries.get_items(wanted)
        customer = found[0]
        reseller = found[1] if len(found) > 1 else None
        tier = None
        if reseller and reseller.get("subtype") == "reseller" and reseller.get("status") == "active":
            tier = reseller.get("tier")
        return tier, (str(customer["display_name"]) if customer else None)

    def last_number(self, year: int) -> int:
        found = queries.get_items([keys.quote_sequence(year)])[0]
        return int((found or {}).get("last", 0))

    def deal(self, deal_id: str) -> Deal | None:
        return DealRepository().get(deal_id)

    def with_deal(self, quote_id: str) -> tuple[Quote | None, Deal | None]:
        """The quote and its deal: the quote, then the deal it names (two GetItems)."""
        quote = self.get(quote_id)
        if quote is None:
            return None, None
        return quote, DealRepository().get(quote.deal_id)

    def of_deal(self, deal_id: str, page_size: int, cursor: str | None) -> tuple[list[Quote], str | None, int]:
        """One page of a deal's quotes, newest first, and how many it has (a counting Query: a handful)."""
        query = queries.IndexQuery("GSI1", keys.deal_quotes(deal_id))
        found = queries.query_page(query, page_size, cursor)
        return [quote_from_item(item) for item in found.items], found.next_cursor, queries.count(query)

    # -- writes ------------------------------------------------------------------------------------
    def create(self, quote: Quote, sequence: int, ctx: RequestContext) -> None:
        """Store a new quote with number `sequence` of its year, moving the year's sequence from
        `sequence - 1` to `sequence` in the same transaction: NumberTaken when another create got there first."""
        year = quote.created_at.year

        def taken(_old: Item | None) -> Exception:
            return NumberTaken(f"quote number {sequence} of {year} was taken")

        with self.saving(quote, ctx) as tx:
            key = keys.quote_sequence(year)
            if sequence == 1:
                condition, values = "attribute_not_exists(#last)", {":next": sequence}
            else:
                condition, values = "#last = :previous", {":next": sequence, ":previous": sequence - 1}
            tx.update(
                key,
                "SET #last = :next",
                condition=condition,
                names={"#last": "last"},
                values=values,
                on_condition_failed=taken,
            )
        quote.pending_events.clear()

    def save(self, quote: Quote, before: Quote | None, ctx: RequestContext) -> None:
        if unchanged(quote, before):
            return
        with self.saving(quote, ctx):
            pass

    def accept(self, quote: Quote, deal: Deal, before_deal: Deal, ctx: RequestContext) -> None:
        """The accepted quote, the deal's claim on its one accepted quote, and the deal with the quote's id and
        total, in one transaction."""

        def already(old: Item | None) -> Exception:
            accepted = str((old or {}).get("quote_id", "another quote"))
            return Conflict(
                f"deal {quote.deal_id} already has an accepted quote ({accepted})",
                "QUOTE_ALREADY_ACCEPTED",
                [FieldIssue("quote_id", accepted)],
            )

        with self.saving(quote, ctx) as tx:
            tx.put(
                {**keys.accepted_quote_claim(quote.deal_id), "type": "AcceptedQuote", "quote_id": quote.id},
                condition="attribute_not_exists(PK)",
                on_condition_failed=already,
            )
            DealRepository().save(deal, before_deal, ctx, joining=tx)
