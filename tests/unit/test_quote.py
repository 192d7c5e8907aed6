"""The Quote aggregate: numbers, per-line pricing with the reseller tier, validity and the status machine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.money import MAX_AMOUNT
from sales.opportunity.pricing import NOTES_MAX
from sales.quote.events import EVENTS, QuoteAccepted, QuoteCreated, QuoteRejected, QuoteSent
from sales.quote.model import (
    REASON_MAX,
    SEQUENCE_MAX,
    Quote,
    QuoteLine,
    QuoteStatus,
    number_year,
    quote_number,
)

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)
LATER = NOW + timedelta(hours=2)
DEAL = "019b72b9-2222-7000-8000-000000000002"
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
QUOTE = "019b72bc-4444-7000-8000-000000000004"
NUMBER = "Q-2026-000042"
TIERS = {"authorized": Decimal("0"), "gold": Decimal("8"), "platinum": Decimal("12")}


def line(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "description": "Licence",
        "product_code": None,
        "quantity": 1,
        "unit_price": 10000,
        "discount_percent": "0",
    }
    values.update(overrides)
    return values


def create(**overrides: Any) -> Quote:
    arguments: dict[str, Any] = {
        "deal_id": DEAL,
        "customer_id": CUSTOMER,
        "currency": "USD",
        "lines": [line()],
        "tier": None,
        "tier_percentages": TIERS,
        "number": NUMBER,
        "valid_until": None,
        "notes": None,
        "today": TODAY,
        "now": NOW,
    }
    arguments.update(overrides)
    return Quote.create(**arguments)


def fresh(**overrides: Any) -> Quote:
    """A created quote whose creation event was already saved (cleared)."""
    quote = create(**overrides)
    quote.pending_events.clear()
    return quote


def in_status(status: QuoteStatus) -> Quote:
    quote = fresh()
    if status is not QuoteStatus.DRAFT:
        quote.send(NOW)
    if status is QuoteStatus.ACCEPTED:
        quote.accept(today=TODAY, now=LATER)
    elif status is QuoteStatus.REJECTED:
        quote.reject(reason=None, now=LATER)
    quote.pending_events.clear()
    assert quote.status is status
    return quote


def issues_of(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [issue.field for issue in error.value.details]


# -- numbers --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("year", "sequence", "number"),
    [(2026, 42, "Q-2026-000042"), (2026, 1, "Q-2026-000001"), (2027, SEQUENCE_MAX, "Q-2027-999999")],
)
def test_quote_numbers_have_the_year_and_six_digits(year: int, sequence: int, number: str) -> None:
    assert quote_number(year, sequence) == number
    assert number_year(number) == year


@pytest.mark.parametrize(("year", "sequence"), [(2026, 0), (2026, -1), (2026, SEQUENCE_MAX + 1), (0, 1), (10000, 1)])
def test_a_sequence_or_year_beyond_the_format_is_refused(year: int, sequence: int) -> None:
    with pytest.raises(ValueError, match="quote number"):
        quote_number(year, sequence)


@pytest.mark.parametrize("number", ["Q-26-000042", "Q-2026-42", "Q-2026-0000042", "X-2026-000042", "Q-2026-000000"])
def test_a_malformed_number_has_no_year(number: str) -> None:
    with pytest.raises(ValueError, match="not a quote number"):
        number_year(number)


def test_a_quote_is_not_created_under_a_malformed_number() -> None:
    with pytest.raises(ValueError, match="not a quote number"):
        create(number="2026-42")


# -- pricing --------------------------------------------------------------------------------------------------
def test_the_tier_discount_applies_to_what_the_line_discount_left() -> None:
    quote = create(lines=[line(quantity=2, unit_price=500, discount_percent="10")], tier="gold")
    assert quote.lines == (
        QuoteLine(
            description="Licence",
            product_code=None,
            quantity=2,
            unit_price=500,
            discount_percent=Decimal("10"),
            gross=1000,
            line_discount=100,
            tier_discount=72,  # 8 % of 900, not of 1000
            total=828,
        ),
    )
    assert (quote.subtotal, quote.discount_total, quote.total) == (1000, 172, 828)
    assert (quote.tier, quote.tier_discount_percent, quote.tier_discount_text) == ("gold", Decimal("8"), "8")


def test_platinum_takes_twelve_percent_per_line() -> None:
    quote = create(
        lines=[
            line(description="Seats", product_code="SEAT", quantity=10, unit_price=1000, discount_percent="12.5"),
            line(description="Support", quantity=1, unit_price=5000),
        ],
        tier="platinum",
    )
    seats, support = quote.lines
    assert (seats.gross, seats.line_discount, seats.tier_discount, seats.total) == (10000, 1250, 1050, 7700)
    assert (support.gross, support.line_discount, support.tier_discount, support.total) == (5000, 0, 600, 4400)
    assert seats.discount_percent == Decimal("12.5")
    assert (quote.subtotal, quote.discount_total, quote.total) == (15000, 2900, 12100)
    assert quote.tier_discount_text == "12"


@pytest.mark.parametrize("tier", [None, "authorized"])
def test_without_a_paying_tier_only_the_line_discount_applies(tier: str | None) -> None:
    quote = create(lines=[line(unit_price=999, discount_percent="12.5")], tier=tier)
    (only,) = quote.lines
    assert (only.gross, only.line_discount, only.tier_discount, only.total) == (999, 125, 0, 874)
    assert (quote.tier, quote.tier_discount_percent, quote.tier_discount_text) == (tier, Decimal(0), "0")
    assert (quote.subtotal, quote.discount_total, quote.total) == (999, 125, 874)


@pytest.mark.parametrize(
    ("percent", "gross", "line_percent", "expected_tier_discount"),
    [
        # 1 % of the 50 left after half of 100: 0.5 goes down to the even 0.
        ("1", 100, "50", 0),
        # 1 % of the 150 left after half of 300: 1.5 goes up to the even 2.
        ("1", 300, "50", 2),
        # 12.5 % of 4 is 0.5 -> 0, of 12 is 1.5 -> 2, of 20 is 2.5 -> 2.
        ("12.5", 4, "0", 0),
        ("12.5", 12, "0", 2),
        ("12.5", 20, "0", 2),
    ],
)
def test_tier_ties_round_half_even(percent: str, gross: int, line_percent: str, expected_tier_discount: int) -> None:
    quote = create(
        lines=[line(unit_price=gross, discount_percent=line_percent)],
        tier="gold",
        tier_percentages={**TIERS, "gold": Decimal(percent)},
    )
    (only,) = quote.lines
    assert only.tier_discount == expected_tier_discount
    assert only.total == gross - only.line_discount - expected_tier_discount
    assert quote.tier_discount_text == percent


def test_line_discount_ties_round_half_even_before_the_tier() -> None:
    # 1 % of 250 is 2.5 -> 2 and of 350 is 3.5 -> 4; gold then takes 8 % of 248 (19.84 -> 20) and 346 (27.68 -> 28).
    quote = create(
        lines=[line(unit_price=250, discount_percent="1"), line(unit_price=350, discount_percent="1")], tier="gold"
    )
    assert [(item.line_discount, item.tier_discount, item.total) for item in quote.lines] == [
        (2, 20, 228),
        (4, 28, 318),
    ]
    assert (quote.subtotal, quote.discount_total, quote.total) == (600, 54, 546)


def test_yen_amounts_are_exact_whole_units() -> None:
    # 3 x 333 = 999 yen; 12.5 % is 124.875 -> 125; gold takes 8 % of 874 = 69.92 -> 70.
    quote = create(currency="JPY", lines=[line(quantity=3, unit_price=333, discount_percent="12.5")], tier="gold")
    (only,) = quote.lines
    assert (only.gross, only.line_discount, only.tier_discount, only.total) == (999, 125, 70, 804)
    assert (quote.currency, quote.total) == ("JPY", 804)


def test_dinar_amounts_are_exact_to_the_fils() -> None:
    # 1234.567 KWD; platinum takes 12 % = 148148.04 fils -> 148148.
    quote = create(currency="KWD", lines=[line(unit_price=1_234_567)], tier="platinum")
    (only,) = quote.lines
    assert (only.gross, only.line_discount, only.tier_discount, only.total) == (1_234_567, 0, 148_148, 1_086_419)
    assert (quote.currency, quote.subtotal, quote.discount_total, quote.total) == ("KWD", 1_234_567, 148_148, 1_086_419)


def test_a_deal_without_lines_is_quoted_as_one_line_for_its_value() -> None:
    fallback = {
        "description": "Data platform",
        "product_code": None,
        "quantity": 1,
        "unit_price": 5_000_000,
        "discount_percent": "0",
    }
    quote = create(lines=[fallback], tier="platinum")
    assert quote.lines == (
        QuoteLine(
            description="Data platform",
            product_code=None,
            quantity=1,
            unit_price=5_000_000,
            discount_percent=Decimal(0),
            gross=5_000_000,
            line_discount=0,
            tier_discount=600_000,
            total=4_400_000,
        ),
    )
    assert quote.total == 4_400_000


def test_a_deal_line_snapshot_is_priced_afresh() -> None:
    # A deal keeps its lines with their own totals; the quote reads only what it prices from.
    snapshot = line(description=" Seats ", product_code=" SEAT ", quantity=4, unit_price=2500, discount_percent="10")
    snapshot.update({"discount": 1, "total": 1})
    (only,) = create(lines=[snapshot]).lines
    assert (only.description, only.product_code, only.line_discount, only.total) == ("Seats", "SEAT", 1000, 9000)
    assert only.snapshot() == {
        "description": "Seats",
        "product_code": "SEAT",
        "quantity": 4,
        "unit_price": 2500,
        "discount_percent": "10",
        "gross": 10000,
        "line_discount": 1000,
        "tier_discount": 0,
        "total": 9000,
    }


# -- refusals -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("currency", ["usd", "XAU", "ABC", ""])
def test_a_currency_must_be_an_iso_code_with_a_minor_unit(currency: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        create(currency=currency)
    assert issues_of(error) == ["currency"]


def test_an_unknown_tier_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        create(tier="silver")
    assert issues_of(error) == ["tier"]


@pytest.mark.parametrize("percent", [None, Decimal("100.01"), Decimal("-1"), Decimal("8.125"), Decimal("NaN"), 8.0])
def test_a_tier_without_a_sound_configured_percent_is_a_configuration_fault(percent: object) -> None:
    percentages: dict[str, Any] = {"authorized": Decimal(0), "platinum": Decimal(12)}
    if percent is not None:
        percentages["gold"] = percent
    with pytest.raises(ValueError, match="gold tier"):
        create(tier="gold", tier_percentages=percentages)


@pytest.mark.parametrize("lines", [[], [line()] * 101])
def test_a_quote_holds_one_to_a_hundred_lines(lines: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationFailed) as error:
        create(lines=lines)
    assert issues_of(error) == ["lines"]


def test_every_bad_line_field_is_named_at_once() -> None:
    bad = {"description": "  ", "product_code": "", "quantity": True, "unit_price": 1.5, "discount_percent": "12.345"}
    with pytest.raises(ValidationFailed) as error:
        create(lines=[line(), bad, line(quantity=0, discount_percent="abc"), line(unit_price=-1, discount_percent=5.0)])
    assert issues_of(error) == [
        "lines[1].description",
        "lines[1].product_code",
        "lines[1].quantity",
        "lines[1].unit_price",
        "lines[1].discount_percent",
        "lines[2].quantity",
        "lines[2].discount_percent",
        "lines[3].unit_price",
        "lines[3].discount_percent",
    ]
    assert error.value.code == "VALIDATION_ERROR"
    assert error.value.message.startswith("invalid quote: lines[1].description")


@pytest.mark.parametrize("percent", ["101", "-0.01", "NaN", "Infinity", "1e999999", None])
def test_a_line_percent_must_be_a_decimal_from_0_to_100(percent: object) -> None:
    with pytest.raises(ValidationFailed) as error:
        create(lines=[line(discount_percent=percent)])
    assert issues_of(error) == ["lines[0].discount_percent"]


def test_amounts_above_the_bound_are_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        create(lines=[line(quantity=2, unit_price=MAX_AMOUNT // 2 + 1)])
    assert issues_of(error) == ["lines[0]"]
    with pytest.raises(ValidationFailed) as error:
        create(lines=[line(unit_price=MAX_AMOUNT), line(unit_price=1)])
    assert issues_of(error) == ["lines"]
    assert create(lines=[line(unit_price=MAX_AMOUNT)], tier="gold").total == MAX_AMOUNT * 92 // 100


# -- validity and notes ---------------------------------------------------------------------------------------
def test_a_quote_is_valid_for_thirty_days_by_default() -> None:
    assert create(valid_until=None).valid_until == date(2026, 4, 9)


@pytest.mark.parametrize("valid_until", [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=365)])
def test_a_validity_from_today_to_a_year_ahead_is_kept(valid_until: date) -> None:
    assert create(valid_until=valid_until).valid_until == valid_until


@pytest.mark.parametrize("valid_until", [TODAY - timedelta(days=1), TODAY + timedelta(days=366)])
def test_a_validity_in_the_past_or_beyond_a_year_is_refused(valid_until: date) -> None:
    with pytest.raises(ValidationFailed) as error:
        create(valid_until=valid_until)
    assert issues_of(error) == ["valid_until"]


def test_notes_are_stripped_and_blank_notes_are_none() -> None:
    assert create(notes="  Net 30.  ").notes == "Net 30."
    assert create(notes="   ").notes is None
    assert create(notes="x" * NOTES_MAX).notes == "x" * NOTES_MAX
    with pytest.raises(ValidationFailed) as error:
        create(notes="x" * (NOTES_MAX + 1))
    assert issues_of(error) == ["notes"]


def test_a_new_quote_is_a_draft_under_the_given_id() -> None:
    quote = create(quote_id=QUOTE)
    assert (quote.id, quote.deal_id, quote.customer_id, quote.number) == (QUOTE, DEAL, CUSTOMER, NUMBER)
    assert (quote.status, quote.created_at, quote.updated_at, quote.version) == (QuoteStatus.DRAFT, NOW, NOW, 0)
    assert (quote.sent_at, quote.accepted_at, quote.rejected_at, quote.reject_reason) == (None, None, None, None)
    assert create().id != create().id  # minted when not given


# -- status machine -------------------------------------------------------------------------------------------
def test_a_draft_is_sent_then_accepted() -> None:
    quote = fresh()
    quote.send(NOW)
    assert (quote.status, quote.sent_at, quote.shown_status(TODAY)) == (QuoteStatus.SENT, NOW, "sent")
    quote.accept(today=TODAY, now=LATER)
    assert (quote.status, quote.accepted_at, quote.updated_at) == (QuoteStatus.ACCEPTED, LATER, LATER)
    assert quote.shown_status(TODAY + timedelta(days=400)) == "accepted"


def test_a_sent_quote_is_rejected_with_a_cleaned_reason() -> None:
    quote = in_status(QuoteStatus.SENT)
    quote.reject(reason="  too expensive ", now=LATER)
    assert (quote.status, quote.reject_reason, quote.rejected_at) == (QuoteStatus.REJECTED, "too expensive", LATER)
    blank = in_status(QuoteStatus.SENT)
    blank.reject(reason="  ", now=LATER)
    assert blank.reject_reason is None


def test_a_reject_reason_is_bounded() -> None:
    quote = in_status(QuoteStatus.SENT)
    with pytest.raises(ValidationFailed) as error:
        quote.reject(reason="x" * (REASON_MAX + 1), now=LATER)
    assert issues_of(error) == ["reason"]
    assert quote.status is QuoteStatus.SENT


def _send(quote: Quote) -> None:
    quote.send(LATER)


def _accept(quote: Quote) -> None:
    quote.accept(today=TODAY, now=LATER)


def _reject(quote: Quote) -> None:
    quote.reject(reason="no", now=LATER)


@pytest.mark.parametrize(
    ("status", "action", "needs"),
    [
        (QuoteStatus.DRAFT, _accept, "accept needs sent"),
        (QuoteStatus.DRAFT, _reject, "reject needs sent"),
        (QuoteStatus.SENT, _send, "send needs draft"),
        (QuoteStatus.ACCEPTED, _send, "send needs draft"),
        (QuoteStatus.ACCEPTED, _accept, "accept needs sent"),
        (QuoteStatus.ACCEPTED, _reject, "reject needs sent"),
        (QuoteStatus.REJECTED, _send, "send needs draft"),
        (QuoteStatus.REJECTED, _accept, "accept needs sent"),
        (QuoteStatus.REJECTED, _reject, "reject needs sent"),
    ],
)
def test_every_wrong_transition_is_refused(status: QuoteStatus, action: Callable[[Quote], None], needs: str) -> None:
    quote = in_status(status)
    before = (quote.status, quote.updated_at, quote.sent_at, quote.accepted_at, quote.rejected_at)
    with pytest.raises(Conflict) as error:
        action(quote)
    assert error.value.code == "INVALID_TRANSITION"
    assert error.value.details == [FieldIssue("status", status.value)]
    assert error.value.message == f"quote {NUMBER} is {status.value}; {needs}"
    assert (quote.status, quote.updated_at, quote.sent_at, quote.accepted_at, quote.rejected_at) == before
    assert quote.pending_events == []


def test_a_sent_quote_expires_after_its_last_valid_day() -> None:
    quote = in_status(QuoteStatus.SENT)
    last_day = quote.valid_until
    assert quote.shown_status(last_day) == "sent"
    assert not quote.is_expired(last_day)
    assert quote.shown_status(last_day + timedelta(days=1)) == "expired"
    assert quote.is_expired(last_day + timedelta(days=1))
    # A draft or an answered quote never shows as expired.
    assert fresh().shown_status(last_day + timedelta(days=1)) == "draft"


def test_a_quote_is_accepted_on_its_last_valid_day() -> None:
    quote = in_status(QuoteStatus.SENT)
    quote.accept(today=quote.valid_until, now=LATER)
    assert quote.status is QuoteStatus.ACCEPTED


def test_an_expired_quote_cannot_be_accepted() -> None:
    quote = in_status(QuoteStatus.SENT)
    with pytest.raises(Conflict) as error:
        quote.accept(today=quote.valid_until + timedelta(days=1), now=LATER)
    assert error.value.code == "QUOTE_EXPIRED"
    assert error.value.details == [FieldIssue("valid_until", "2026-04-09")]
    assert (quote.status, quote.accepted_at, quote.pending_events) == (QuoteStatus.SENT, None, [])


def test_an_expired_quote_may_still_be_rejected() -> None:
    quote = in_status(QuoteStatus.SENT)
    quote.reject(reason="too late", now=datetime(2026, 5, 1, tzinfo=UTC))
    assert (quote.status, quote.reject_reason) == (QuoteStatus.REJECTED, "too late")


def test_a_wrong_transition_names_the_expired_status() -> None:
    quote = in_status(QuoteStatus.SENT)
    with pytest.raises(Conflict) as error:
        quote.send(datetime(2026, 5, 1, tzinfo=UTC))
    assert (error.value.code, error.value.details) == ("INVALID_TRANSITION", [FieldIssue("status", "expired")])
    assert error.value.message == f"quote {NUMBER} is expired; send needs draft"


# -- events ---------------------------------------------------------------------------------------------------
def test_each_step_records_its_event() -> None:
    quote = create(quote_id=QUOTE, lines=[line(unit_price=1000)], tier="gold", valid_until=date(2026, 3, 31))
    quote.send(NOW)
    quote.accept(today=TODAY, now=LATER)
    rejected = fresh(quote_id=QUOTE, number="Q-2026-000043")
    rejected.send(NOW)
    rejected.reject(reason=None, now=LATER)
    assert [recorded.event for recorded in quote.pending_events] == [
        QuoteCreated(quote_id=QUOTE, deal_id=DEAL, number=NUMBER, currency="USD", total=920, valid_until="2026-03-31"),
        QuoteSent(quote_id=QUOTE, deal_id=DEAL, number=NUMBER),
        QuoteAccepted(quote_id=QUOTE, deal_id=DEAL, number=NUMBER, currency="USD", total=920),
    ]
    assert [recorded.event for recorded in rejected.pending_events] == [
        QuoteSent(quote_id=QUOTE, deal_id=DEAL, number="Q-2026-000043"),
        QuoteRejected(quote_id=QUOTE, deal_id=DEAL, number="Q-2026-000043", reason=None),
    ]
    assert {recorded.aggregate_id for recorded in [*quote.pending_events, *rejected.pending_events]} == {QUOTE}


def test_recorded_events_match_their_published_schemas() -> None:
    accepted = create()
    accepted.send(NOW)
    accepted.accept(today=TODAY, now=LATER)
    rejected = fresh()
    rejected.send(NOW)
    rejected.reject(reason="budget", now=LATER)
    recorded = [*accepted.pending_events, *rejected.pending_events]
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == ["quote.accepted", "quote.created", "quote.rejected", "quote.sent"]
    assert {spec.source for spec in EVENTS} == {"sales"}
    for event in recorded:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-03-10T11:30:00.000Z",
            "actor": CUSTOMER,
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
    assert sorted({event.event_type for event in recorded}) == sorted(schemas)
