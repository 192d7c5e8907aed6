"""The quote operations: make a quote from a deal, read and list them, send, accept, reject, and the PDF."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.quote import use_cases as use
from sales.quote import views as m

_OWNERS = ("@sales-pipeline",)
_ID = {"id": "quote_id"}
NOT_FOUND = ErrorCase("QUOTE_NOT_FOUND", 404, "no quote has this id")
DEAL_NOT_FOUND = ErrorCase("DEAL_NOT_FOUND", 404, "no live deal has this id")
DEAL_NOT_OPEN = ErrorCase("DEAL_NOT_OPEN", 409, "the deal is won or lost; details name its status")
INVALID_TRANSITION = ErrorCase(
    "INVALID_TRANSITION", 409, "the quote's status does not allow it; details name the status shown"
)
_STATUSES = (
    "Status runs draft -> sent -> accepted or rejected; a sent quote past valid_until reads as expired and can no "
    "longer be accepted (it may still be rejected)."
)

CREATE = Contract(
    key="sales.quote.create",
    version="1.0.0",
    kind="command",
    description="Make a draft quote from an open deal: its lines (or one line of its name and value), priced.",
    goal="Turn a deal into a numbered, priced offer the customer can accept.",
    context=(
        "Numbers are Q-<year>-<6 digits>, gapless and unique per calendar year however many quotes are made at "
        "once. The reseller tier discount of the deal's channel (authorized 0 %, gold 8 %, platinum 12 %, "
        "configurable) applies per line after the line's own discount, each rounded half-even. valid_until "
        "defaults to 30 days ahead. " + _STATUSES
    ),
    http=Http("POST", "/sales/deals/{id}/quotes", 201, {"id": "deal_id"}),
    use_case=use.create_quote,
    input=m.CreateQuoteInput,
    output=m.QuoteView,
    owners=_OWNERS,
    tags=("quote",),
    emits=(Emits("quote.created", "1.0.0", "the quote is stored under its number"),),
    errors=(DEAL_NOT_FOUND, DEAL_NOT_OPEN),
    scenarios=(
        Scenario(
            "quote-a-deal",
            ("An open deal of 500,000.00 USD without lines",),
            ("A rep makes a quote",),
            ("201, a draft Q-<year>-<n> with one line of the deal's name and value, total 50000000",),
        ),
        Scenario(
            "gold-reseller-discount",
            ("A deal registered by a gold reseller",),
            ("A rep makes a quote",),
            ("Each line's total is 8 % below what its own discount leaves; tier_discount_percent 8",),
        ),
        Scenario(
            "racing-creates",
            ("No quote this year",),
            ("50 quotes are made at once",),
            ("Their numbers are 1 to 50 of the year, each once",),
        ),
    ),
    examples=(
        Example(
            "quote-a-deal",
            {"deal_id": "{deal.id}", "notes": "Prices include installation"},
            {"status": "draft", "currency": "USD", "total": 50000000, "tier": None, "tier_discount_percent": "0"},
            201,
            setup=("deal",),
        ),
        Example(
            "quote-a-won-deal",
            {"deal_id": "{won_deal.id}"},
            None,
            409,
            setup=("won_deal",),
            error_code="DEAL_NOT_OPEN",
        ),
    ),
)

GET = Contract(
    key="sales.quote.get",
    version="1.0.0",
    kind="query",
    description="Read one quote, its status as shown today (expired for a sent quote past valid_until).",
    goal="Show a quote and its figures.",
    context="ETag carries the version. " + _STATUSES,
    http=Http("GET", "/sales/quotes/{id}", 200, _ID),
    use_case=use.get_quote,
    input=m.QuoteRef,
    output=m.QuoteView,
    owners=_OWNERS,
    tags=("quote",),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-quote", ("A draft quote",), ("Read it",), ("Its number, lines and totals",)),),
    examples=(
        Example("get", {"quote_id": "{quote.id}"}, {"id": "{quote.id}", "status": "draft"}, setup=("quote",)),
        Example(
            "get-unknown",
            {"quote_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="QUOTE_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="sales.quote.list",
    version="1.0.0",
    kind="query",
    description="A deal's quotes, newest first.",
    goal="See every offer made on a deal and which was accepted.",
    context="One index partition per deal (a deal has a handful of quotes).",
    http=Http("GET", "/sales/deals/{id}/quotes", 200, {"id": "deal_id"}),
    use_case=use.list_deal_quotes,
    input=m.DealQuotesQuery,
    output=m.QuoteView,
    paginated=True,
    owners=_OWNERS,
    tags=("quote",),
    errors=(DEAL_NOT_FOUND,),
    scenarios=(Scenario("deal-quotes", ("A deal with two quotes",), ("List them",), ("Both, newest first",)),),
    examples=(
        Example(
            "list",
            {"deal_id": "{quote.deal_id}"},
            {"__items__": [{"id": "{quote.id}"}], "__pagination__": {"total": 1}},
            setup=("quote",),
        ),
    ),
)


def _answer(
    verb: str, description: str, goal: str, event: str, extra: tuple[ErrorCase, ...], example: Example
) -> Contract:
    return Contract(
        key=f"sales.quote.{verb}",
        version="1.0.0",
        kind="command",
        description=description,
        goal=goal,
        context=_STATUSES,
        http=Http("POST", f"/sales/quotes/{{id}}/{verb}", 200, _ID),
        use_case=getattr(use, f"{verb}_quote"),
        input=m.RejectQuoteInput if verb == "reject" else m.QuoteRef,
        output=m.QuoteView,
        owners=_OWNERS,
        tags=("quote",),
        emits=(Emits(event, "1.0.0", f"the quote is {verb.rstrip('e')}ed"),),
        errors=(NOT_FOUND, INVALID_TRANSITION, *extra),
        scenarios=(
            Scenario(
                f"{verb}-out-of-turn",
                ("A quote whose status does not allow it",),
                (f"A rep asks to {verb} it",),
                ("409 INVALID_TRANSITION naming the status shown",),
            ),
        ),
        examples=(example,),
    )


SEND = _answer(
    "send",
    "Send a draft quote to the customer; its content is fixed from here.",
    "Offer the priced quote to the customer.",
    "quote.sent",
    (),
    Example("send", {"quote_id": "{quote.id}"}, {"status": "sent"}, setup=("quote",)),
)
ACCEPT = _answer(
    "accept",
    "Record the customer's acceptance of a sent quote: the deal takes the quote's id and total as its value.",
    "Close the offer: the deal is now worth what the customer accepted.",
    "quote.accepted",
    (
        ErrorCase("QUOTE_EXPIRED", 409, "the quote is past valid_until"),
        ErrorCase("QUOTE_ALREADY_ACCEPTED", 409, "another quote of the deal was accepted; details name it"),
        DEAL_NOT_OPEN,
    ),
    Example("accept", {"quote_id": "{sent_quote.id}"}, {"status": "accepted"}, setup=("sent_quote",)),
)
REJECT = _answer(
    "reject",
    "Record the customer's rejection of a sent quote, with the reason if given.",
    "Keep the customer's no on record.",
    "quote.rejected",
    (),
    Example(
        "reject",
        {"quote_id": "{sent_quote.id}", "reason": "Over budget"},
        {"status": "rejected", "reject_reason": "Over budget"},
        setup=("sent_quote",),
    ),
)

PDF = Contract(
    key="sales.quote.pdf",
    version="1.0.0",
    kind="query",
    description="The quote as a PDF: number, customer, lines, discounts, totals in the currency's format, validity.",
    goal="Send the customer a document they can read and sign.",
    context=(
        "application/pdf through API Gateway (a binary media type: send Accept: application/pdf). Rendered with "
        "fpdf2, amounts with Babel, in a layer attached to this function alone."
    ),
    http=Http("GET", "/sales/quotes/{id}/pdf", 200, _ID),
    use_case=use.quote_pdf,
    input=m.QuoteRef,
    owners=_OWNERS,
    tags=("quote",),
    errors=(NOT_FOUND,),
    layers=("pdf",),
    produces="application/pdf",
    scenarios=(Scenario("pdf", ("A quote",), ("Ask for its PDF",), ("A PDF whose text has the number and total",)),),
    examples=(
        Example(
            "pdf-unknown",
            {"quote_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="QUOTE_NOT_FOUND",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (CREATE, GET, LIST, SEND, ACCEPT, REJECT, PDF)
