"""The Opportunity aggregate and its pricing: variants, exact totals, the lifecycle, the comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import Conflict, NotFound, ValidationFailed
from kernel.money import MAX_AMOUNT, Money
from sales.opportunity.events import EVENTS
from sales.opportunity.model import VARIANTS_MAX, Opportunity, OpportunityStatus
from sales.opportunity.pricing import (
    LINES_MAX,
    QUANTITY_MAX,
    Line,
    LineOffer,
    Totals,
    Variant,
    compare,
    line_discount,
    percent_text,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
OWNER = "019b72b6-e679-7635-a86d-ac29a7923f3d"
OTHER_OWNER = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
LEAD = "019b72b8-1111-7000-8000-000000000001"
DEAL = "019b72b9-2222-7000-8000-000000000002"
UNKNOWN = "019b72ba-3333-7000-8000-000000000003"


def line(**overrides: Any) -> Line:
    values: dict[str, Any] = {"description": "Licence", "quantity": 1, "unit_price": 10000}
    values.update(overrides)
    return Line(**values)


def fresh(**overrides: Any) -> Opportunity:
    """A created opportunity whose creation event was already saved (cleared)."""
    arguments: dict[str, Any] = {"customer_id": CUSTOMER, "name": "Data platform", "owner_id": OWNER, "now": NOW}
    arguments.update(overrides)
    opportunity = Opportunity.create(**arguments)
    opportunity.pending_events.clear()
    return opportunity


def add(opportunity: Opportunity, name: str = "Basic", currency: str = "USD", **overrides: Any) -> Variant:
    lines = overrides.pop("lines", [line()])
    return opportunity.add_variant(name=name, currency=currency, lines=lines, now=LATER, **overrides)


def build(*lines: Line, currency: str = "USD", name: str = "Basic", variant_id: str = "v1") -> Variant:
    return Variant.build(variant_id=variant_id, name=name, currency=currency, lines=list(lines))


def in_status(status: OpportunityStatus) -> Opportunity:
    opportunity = fresh()
    if status is OpportunityStatus.EXPLORING:
        return opportunity
    variant = add(opportunity)
    if status is OpportunityStatus.VALIDATED:
        opportunity.validate(variant.id, now=LATER)
    elif status is OpportunityStatus.CONFIRMED:
        opportunity.validate(variant.id, now=LATER)
        opportunity.confirm(DEAL, now=LATER)
    elif status is OpportunityStatus.DECLINED:
        opportunity.decline("budget cut", now=LATER)
    opportunity.pending_events.clear()
    assert opportunity.status is status
    return opportunity


def fields(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {issue.field for issue in error.value.details}


def event_types(opportunity: Opportunity) -> list[str]:
    return [event.event_type for event in opportunity.pending_events]


# -- line arithmetic --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("gross", "percent", "discount"),
    [
        (999, "12.5", 125),  # 124.875: not a tie, nearest is 125
        (25, "10", 2),  # 2.5: a tie, to the even 2
        (35, "10", 4),  # 3.5: a tie, to the even 4
        (1, "50", 0),  # 0.5 -> 0
        (3, "50", 2),  # 1.5 -> 2
        (150, "33.33", 50),  # 49.995 -> 50
        (10, "0.05", 0),  # 0.005 -> 0
        (1000, "100", 1000),
        (1000, "0", 0),
        (0, "100", 0),
    ],
)
def test_line_discount_rounds_half_even(gross: int, percent: str, discount: int) -> None:
    assert line_discount(gross, Decimal(percent)) == discount


def reference_discount(gross: int, hundredths: int) -> int:
    """gross x hundredths / 10000 rounded half-even, in integers only."""
    quotient, remainder = divmod(gross * hundredths, 10000)
    if 2 * remainder > 10000 or (2 * remainder == 10000 and quotient % 2 == 1):
        quotient += 1
    return quotient


@given(
    gross=st.integers(min_value=0, max_value=QUANTITY_MAX * MAX_AMOUNT),
    hundredths=st.integers(min_value=0, max_value=10000),
)
def test_line_discount_is_exact_for_every_amount(gross: int, hundredths: int) -> None:
    percent = Decimal(hundredths).scaleb(-2)
    assert line_discount(gross, percent) == reference_discount(gross, hundredths)


def test_a_line_totals_its_gross_less_its_rounded_discount() -> None:
    priced = line(quantity=3, unit_price=333, discount_percent=Decimal("12.5"))
    assert (priced.gross, priced.discount, priced.total) == (999, 125, 874)


def test_variant_totals_sum_the_rounded_lines() -> None:
    variant = build(
        line(description="Seats", quantity=3, unit_price=333, discount_percent=Decimal("12.5")),
        line(description="Support", quantity=5, unit_price=5, discount_percent=Decimal("10")),  # 2.5 -> 2
        line(description="Training", quantity=7, unit_price=5, discount_percent=Decimal("10")),  # 3.5 -> 4
    )
    assert variant.totals() == Totals(subtotal=1059, discount_total=131, total=928)
    assert (variant.subtotal, variant.discount_total, variant.total) == (1059, 131, 928)


def test_jpy_amounts_have_no_minor_digits_and_stay_exact() -> None:
    variant = build(
        line(description="Seats", quantity=3, unit_price=1999, discount_percent=Decimal("15")),  # 899.55 -> 900
        line(description="Stickers", quantity=7, unit_price=1, discount_percent=Decimal("50")),  # 3.5 -> 4
        currency="JPY",
    )
    assert variant.totals() == Totals(subtotal=6004, discount_total=904, total=5100)
    assert Money(variant.total, "JPY").display() == "5100 JPY"


def test_kwd_amounts_keep_three_decimals_exactly() -> None:
    variant = build(
        line(description="Seats", quantity=3, unit_price=1_234_567, discount_percent=Decimal("7.5")),
        currency="KWD",
    )
    # 3,703.701 KWD at 7.5 % is 277.777575 KWD: 277.778 after rounding to the fils.
    assert variant.totals() == Totals(subtotal=3_703_701, discount_total=277_778, total=3_425_923)
    assert Money(variant.total, "KWD").display() == "3425.923 KWD"


def test_many_small_kwd_lines_sum_without_float_drift() -> None:
    # Ten lines of 0.100 KWD: as floats 0.1 summed ten times is 0.9999999999999999.
    variant = build(*[line(description=f"Item {n}", unit_price=100) for n in range(10)], currency="KWD")
    assert variant.total == 1000
    assert Money(variant.total, "KWD").display() == "1.000 KWD"


@pytest.mark.parametrize(
    ("percent", "text"),
    [("12.5", "12.5"), ("12.50", "12.5"), ("10", "10"), ("10.00", "10"), ("100", "100"), ("0", "0"), ("0.05", "0.05")],
)
def test_percent_text_is_short_and_plain(percent: str, text: str) -> None:
    assert percent_text(Decimal(percent)) == text


# -- variant input ----------------------------------------------------------------------------------------------
def test_build_strips_text_and_canonicalises_the_percent() -> None:
    variant = Variant.build(
        variant_id="v1",
        name="  Premium  ",
        currency="EUR",
        lines=[line(description="  Seats ", product_code=" SKU-1 ", discount_percent=Decimal("12.50"))],
        notes="   ",
    )
    assert variant.name == "Premium"
    assert variant.notes is None
    assert variant.lines[0].description == "Seats"
    assert variant.lines[0].product_code == "SKU-1"
    assert variant.lines[0].discount_percent == Decimal("12.5")
    assert str(variant.lines[0].discount_percent) == "12.5"


def test_a_whole_number_percent_is_accepted() -> None:
    variant = build(line(discount_percent=10))
    assert variant.lines[0].discount_percent == Decimal(10)
    assert variant.total == 9000


@pytest.mark.parametrize("quantity", [0, -1, QUANTITY_MAX + 1, True, 1.0, 2.5, "3"])
def test_bad_quantities_are_refused(quantity: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(quantity=quantity))
    assert fields(error) == {"lines[0].quantity"}


def test_the_largest_quantity_is_accepted() -> None:
    assert build(line(quantity=QUANTITY_MAX, unit_price=1)).total == QUANTITY_MAX


@pytest.mark.parametrize("unit_price", [-1, MAX_AMOUNT + 1, 9.99, False, Decimal("100")])
def test_bad_unit_prices_are_refused(unit_price: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(unit_price=unit_price))
    assert fields(error) == {"lines[0].unit_price"}


def test_a_free_line_is_accepted() -> None:
    assert build(line(unit_price=0)).total == 0


@pytest.mark.parametrize(
    "percent",
    [
        Decimal("101"),
        Decimal("100.001"),
        Decimal("12.345"),
        Decimal("-1"),
        Decimal("-0.01"),
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("1E+30"),
        12.5,
        101,
        "12.5",
        None,
    ],
)
def test_bad_discount_percents_are_refused(percent: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(discount_percent=percent))
    assert fields(error) == {"lines[0].discount_percent"}


@pytest.mark.parametrize("percent", ["0", "100", "100.00", "99.99", "0.01"])
def test_discount_percents_from_0_to_100_with_two_decimals_are_accepted(percent: str) -> None:
    build(line(discount_percent=Decimal(percent)))


def test_every_bad_field_is_named_with_its_line_index() -> None:
    with pytest.raises(ValidationFailed) as error:
        Variant.build(
            variant_id="v1",
            name=" ",
            currency="usd",
            lines=[
                line(),
                line(description=""),
                line(quantity=0, product_code="", discount_percent=Decimal("100.5")),
            ],
            notes="x" * 2001,
        )
    assert fields(error) == {
        "name",
        "currency",
        "lines[1].description",
        "lines[2].quantity",
        "lines[2].product_code",
        "lines[2].discount_percent",
        "notes",
    }
    assert error.value.code == "VALIDATION_ERROR"


@pytest.mark.parametrize("currency", ["usd", "US", "ABC", "XAU", "XXX", ""])
def test_currencies_must_be_iso_4217_with_a_minor_unit(currency: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(), currency=currency)
    assert fields(error) == {"currency"}


def test_names_and_descriptions_have_bounds() -> None:
    build(line(description="d" * 500, product_code="p" * 64), name="n" * 200)
    with pytest.raises(ValidationFailed) as error:
        build(line(description="d" * 501, product_code="p" * 65), name="n" * 201)
    assert fields(error) == {"name", "lines[0].description", "lines[0].product_code"}


@pytest.mark.parametrize("count", [0, LINES_MAX + 1])
def test_a_variant_has_1_to_100_lines(count: int) -> None:
    with pytest.raises(ValidationFailed) as error:
        build(*[line() for _ in range(count)])
    assert fields(error) == {"lines"}
    assert len(build(*[line() for _ in range(LINES_MAX)]).lines) == LINES_MAX


def test_a_line_above_the_largest_amount_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(quantity=2, unit_price=MAX_AMOUNT))
    assert fields(error) == {"lines[0]"}


def test_a_subtotal_above_the_largest_amount_is_refused() -> None:
    with pytest.raises(ValidationFailed) as error:
        build(line(unit_price=MAX_AMOUNT), line(unit_price=1))
    assert fields(error) == {"lines"}
    assert build(line(unit_price=MAX_AMOUNT - 1), line(unit_price=1)).total == MAX_AMOUNT


# -- creation and update ----------------------------------------------------------------------------------------
def test_create_starts_exploring_and_records_the_fact() -> None:
    opportunity = Opportunity.create(
        customer_id=CUSTOMER, name="  Data platform  ", owner_id=OWNER, lead_id=LEAD, now=NOW
    )
    assert opportunity.status is OpportunityStatus.EXPLORING
    assert opportunity.name == "Data platform"
    assert opportunity.variants == []
    assert (opportunity.created_at, opportunity.updated_at) == (NOW, NOW)
    assert [event.data for event in opportunity.pending_events] == [
        {
            "opportunity_id": opportunity.id,
            "customer_id": CUSTOMER,
            "name": "Data platform",
            "owner_id": OWNER,
            "lead_id": LEAD,
            "partner_id": None,
        }
    ]
    assert event_types(opportunity) == ["opportunity.created"]


@pytest.mark.parametrize("name", ["", "   ", "n" * 201])
def test_create_refuses_a_bad_name(name: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        fresh(name=name)
    assert fields(error) == {"name"}


def test_update_changes_name_and_owner_without_an_event() -> None:
    opportunity = fresh()
    opportunity.update(now=LATER, name=" Lakehouse ", owner_id=OTHER_OWNER)
    assert (opportunity.name, opportunity.owner_id, opportunity.updated_at) == ("Lakehouse", OTHER_OWNER, LATER)
    assert opportunity.pending_events == []


def test_an_unchanged_update_stores_nothing() -> None:
    opportunity = fresh()
    opportunity.update(now=LATER, name="Data platform")
    assert opportunity.updated_at == NOW


def test_a_refused_update_changes_nothing() -> None:
    opportunity = fresh()
    with pytest.raises(ValidationFailed):
        opportunity.update(now=LATER, owner_id=OTHER_OWNER, name="")
    assert (opportunity.owner_id, opportunity.updated_at) == (OWNER, NOW)


# -- variants -----------------------------------------------------------------------------------------------------
def test_the_first_variant_moves_exploring_to_solutioning() -> None:
    opportunity = fresh()
    variant = add(opportunity)
    assert opportunity.status is OpportunityStatus.SOLUTIONING
    assert opportunity.variants == [variant]
    assert opportunity.updated_at == LATER
    assert opportunity.pending_events == []
    add(opportunity, name="Premium")
    assert opportunity.status is OpportunityStatus.SOLUTIONING
    assert len({variant.id for variant in opportunity.variants}) == 2


def test_an_eleventh_variant_is_refused() -> None:
    opportunity = fresh()
    for number in range(VARIANTS_MAX):
        add(opportunity, name=f"Option {number}")
    with pytest.raises(Conflict) as error:
        add(opportunity, name="One too many")
    assert error.value.code == "VARIANT_LIMIT"
    assert len(opportunity.variants) == VARIANTS_MAX


def test_a_refused_variant_leaves_the_opportunity_exploring() -> None:
    opportunity = fresh()
    with pytest.raises(ValidationFailed):
        add(opportunity, lines=[line(quantity=0)])
    assert opportunity.status is OpportunityStatus.EXPLORING
    assert opportunity.variants == []


def test_a_given_variant_id_must_be_new() -> None:
    opportunity = fresh()
    add(opportunity, variant_id="v1")
    with pytest.raises(Conflict) as error:
        add(opportunity, variant_id="v1")
    assert error.value.code == "VARIANT_EXISTS"


def test_replace_keeps_the_id_and_the_place() -> None:
    opportunity = fresh()
    first, second = add(opportunity, name="Basic"), add(opportunity, name="Premium")
    replaced = opportunity.replace_variant(
        first.id, name="Basic v2", currency="JPY", lines=[line(unit_price=500, quantity=2)], notes="cheaper", now=LATER
    )
    assert opportunity.variants == [replaced, second]
    assert (replaced.id, replaced.name, replaced.currency, replaced.total, replaced.notes) == (
        first.id,
        "Basic v2",
        "JPY",
        1000,
        "cheaper",
    )


def test_a_refused_replacement_keeps_the_old_variant() -> None:
    opportunity = fresh()
    variant = add(opportunity)
    with pytest.raises(ValidationFailed):
        opportunity.replace_variant(variant.id, name="", currency="USD", lines=[line()], now=LATER)
    assert opportunity.variants == [variant]


def test_removing_the_last_variant_goes_back_to_exploring() -> None:
    opportunity = fresh()
    first, second = add(opportunity), add(opportunity, name="Premium")
    opportunity.remove_variant(first.id, now=LATER)
    assert (opportunity.variants, opportunity.status) == ([second], OpportunityStatus.SOLUTIONING)
    opportunity.remove_variant(second.id, now=LATER)
    assert (opportunity.variants, opportunity.status) == ([], OpportunityStatus.EXPLORING)


def test_unknown_variants_are_not_found() -> None:
    opportunity = fresh()
    add(opportunity)
    for attempt in (
        lambda: opportunity.replace_variant(UNKNOWN, name="x", currency="USD", lines=[line()], now=LATER),
        lambda: opportunity.remove_variant(UNKNOWN, now=LATER),
        lambda: opportunity.validate(UNKNOWN, now=LATER),
    ):
        with pytest.raises(NotFound) as error:
            attempt()
        assert error.value.code == "VARIANT_NOT_FOUND"
    assert opportunity.status is OpportunityStatus.SOLUTIONING


@pytest.mark.parametrize(
    "status", [OpportunityStatus.VALIDATED, OpportunityStatus.CONFIRMED, OpportunityStatus.DECLINED]
)
def test_variants_are_frozen_once_validated_or_closed(status: OpportunityStatus) -> None:
    opportunity = in_status(status)
    variant = opportunity.variants[0]
    for attempt in (
        lambda: add(opportunity),
        lambda: opportunity.replace_variant(variant.id, name="x", currency="USD", lines=[line()], now=LATER),
        lambda: opportunity.remove_variant(variant.id, now=LATER),
    ):
        with pytest.raises(Conflict) as error:
            attempt()
        assert error.value.code == "INVALID_TRANSITION"
        assert f"is {status.value};" in error.value.message
    assert opportunity.variants == [variant]


# -- lifecycle ----------------------------------------------------------------------------------------------------
def test_validate_records_the_chosen_variant() -> None:
    opportunity = fresh()
    add(opportunity)
    chosen = add(
        opportunity,
        name="Premium",
        currency="EUR",
        lines=[line(quantity=3, unit_price=333, discount_percent=Decimal("12.5"))],
    )
    opportunity.validate(chosen.id, now=LATER)
    assert opportunity.status is OpportunityStatus.VALIDATED
    assert opportunity.validated_variant_id == chosen.id
    assert opportunity.validated_variant == chosen
    assert opportunity.validated_at == LATER
    assert [(event.event_type, event.data) for event in opportunity.pending_events] == [
        (
            "opportunity.validated",
            {"opportunity_id": opportunity.id, "variant_id": chosen.id, "currency": "EUR", "total": 874},
        )
    ]


def test_confirm_records_the_deal_and_deal_terms_snapshot_the_variant() -> None:
    opportunity = fresh()
    chosen = add(
        opportunity,
        currency="KWD",
        lines=[
            line(
                description="Seats",
                product_code="SEAT",
                quantity=3,
                unit_price=1_234_567,
                discount_percent=Decimal("7.5"),
            ),
            line(description="Onboarding", quantity=1, unit_price=250_000),
        ],
    )
    opportunity.validate(chosen.id, now=LATER)
    opportunity.pending_events.clear()
    opportunity.confirm(DEAL, now=LATER)
    assert opportunity.status is OpportunityStatus.CONFIRMED
    assert (opportunity.deal_id, opportunity.confirmed_at) == (DEAL, LATER)
    assert [(event.event_type, event.data) for event in opportunity.pending_events] == [
        (
            "opportunity.confirmed",
            {
                "opportunity_id": opportunity.id,
                "variant_id": chosen.id,
                "deal_id": DEAL,
                "currency": "KWD",
                "total": 3_675_923,
            },
        )
    ]
    total, currency, lines = opportunity.deal_terms()
    assert total == Money(3_675_923, "KWD")
    assert currency == "KWD"
    assert lines == [
        {
            "description": "Seats",
            "product_code": "SEAT",
            "quantity": 3,
            "unit_price": 1_234_567,
            "discount_percent": "7.5",
            "discount": 277_778,
            "total": 3_425_923,
        },
        {
            "description": "Onboarding",
            "product_code": None,
            "quantity": 1,
            "unit_price": 250_000,
            "discount_percent": "0",
            "discount": 0,
            "total": 250_000,
        },
    ]


def test_deal_terms_are_known_once_validated() -> None:
    opportunity = in_status(OpportunityStatus.VALIDATED)
    assert opportunity.deal_terms()[0] == Money(10000, "USD")


@pytest.mark.parametrize(
    "status", [OpportunityStatus.EXPLORING, OpportunityStatus.SOLUTIONING, OpportunityStatus.VALIDATED]
)
def test_any_open_opportunity_can_be_declined(status: OpportunityStatus) -> None:
    opportunity = in_status(status)
    opportunity.decline("  went with a competitor ", now=LATER)
    assert opportunity.status is OpportunityStatus.DECLINED
    assert (opportunity.decline_reason, opportunity.declined_at) == ("went with a competitor", LATER)
    assert [(event.event_type, event.data) for event in opportunity.pending_events] == [
        ("opportunity.declined", {"opportunity_id": opportunity.id, "reason": "went with a competitor"})
    ]


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
def test_a_decline_needs_a_reason(reason: str) -> None:
    opportunity = fresh()
    with pytest.raises(ValidationFailed) as error:
        opportunity.decline(reason, now=LATER)
    assert fields(error) == {"reason"}
    assert opportunity.status is OpportunityStatus.EXPLORING


S = OpportunityStatus
WRONG_STATUS: list[tuple[S, str, str]] = [
    (S.EXPLORING, "validate", "validate needs solutioning"),
    (S.VALIDATED, "validate", "validate needs solutioning"),
    (S.CONFIRMED, "validate", "validate needs solutioning"),
    (S.DECLINED, "validate", "validate needs solutioning"),
    (S.EXPLORING, "confirm", "confirm needs validated"),
    (S.SOLUTIONING, "confirm", "confirm needs validated"),
    (S.CONFIRMED, "confirm", "confirm needs validated"),
    (S.DECLINED, "confirm", "confirm needs validated"),
    (S.CONFIRMED, "decline", "decline needs exploring, solutioning or validated"),
    (S.DECLINED, "decline", "decline needs exploring, solutioning or validated"),
    (S.CONFIRMED, "update", "update needs exploring, solutioning or validated"),
    (S.DECLINED, "update", "update needs exploring, solutioning or validated"),
    (S.VALIDATED, "add_variant", "add_variant needs exploring or solutioning"),
    (S.CONFIRMED, "add_variant", "add_variant needs exploring or solutioning"),
    (S.DECLINED, "add_variant", "add_variant needs exploring or solutioning"),
    (S.EXPLORING, "deal_terms", "deal_terms needs validated or confirmed"),
    (S.SOLUTIONING, "deal_terms", "deal_terms needs validated or confirmed"),
    (S.DECLINED, "deal_terms", "deal_terms needs validated or confirmed"),
]


def attempt(opportunity: Opportunity, action: str) -> None:
    variant_id = opportunity.variants[0].id if opportunity.variants else UNKNOWN
    if action == "validate":
        opportunity.validate(variant_id, now=LATER)
    elif action == "confirm":
        opportunity.confirm(DEAL, now=LATER)
    elif action == "decline":
        opportunity.decline("too late", now=LATER)
    elif action == "update":
        opportunity.update(now=LATER, name="Renamed")
    elif action == "add_variant":
        add(opportunity)
    else:
        opportunity.deal_terms()


@pytest.mark.parametrize(("status", "action", "needs"), WRONG_STATUS)
def test_wrong_status_transitions_are_refused(status: OpportunityStatus, action: str, needs: str) -> None:
    opportunity = in_status(status)
    before = (opportunity.status, opportunity.updated_at, list(opportunity.variants))
    with pytest.raises(Conflict) as error:
        attempt(opportunity, action)
    assert error.value.code == "INVALID_TRANSITION"
    assert error.value.message == f"opportunity {opportunity.id} is {status.value}; {needs}"
    assert (opportunity.status, opportunity.updated_at, list(opportunity.variants)) == before
    assert opportunity.pending_events == []


def test_recorded_events_match_their_published_schemas() -> None:
    opportunity = Opportunity.create(customer_id=CUSTOMER, name="Data platform", owner_id=OWNER, now=NOW)
    variant = add(opportunity)
    opportunity.validate(variant.id, now=LATER)
    opportunity.confirm(DEAL, now=LATER)
    declined = fresh()
    declined.decline("no budget", now=LATER)
    recorded = [*opportunity.pending_events, *declined.pending_events]
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == sorted(
        ["opportunity.created", "opportunity.validated", "opportunity.confirmed", "opportunity.declined"]
    )
    assert {spec.source for spec in EVENTS} == {"sales"}
    for event in recorded:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-01-15T11:30:00.000Z",
            "actor": OWNER,
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
    assert sorted({event.event_type for event in recorded}) == sorted(schemas)


# -- comparison -------------------------------------------------------------------------------------------------
def test_compare_matches_lines_by_product_code_then_description() -> None:
    basic = build(
        line(description="Seats", product_code="SEAT", quantity=10, unit_price=1000),
        line(description="Support", quantity=1, unit_price=5000),
        variant_id="basic",
        name="Basic",
    )
    premium = build(
        line(
            description="Seats (annual)",
            product_code="SEAT",
            quantity=20,
            unit_price=900,
            discount_percent=Decimal("5"),
        ),
        line(description="Training", quantity=2, unit_price=3000),
        variant_id="premium",
        name="Premium",
    )
    comparison = compare([basic, premium])
    assert [row.key for row in comparison.lines] == ["SEAT", "Support", "Training"]
    seats, support, training = comparison.lines
    assert seats.per_variant == {
        "basic": LineOffer(quantity=10, unit_price=1000, discount_percent=Decimal(0), total=10000),
        "premium": LineOffer(quantity=20, unit_price=900, discount_percent=Decimal(5), total=17100),
    }
    assert support.per_variant == {
        "basic": LineOffer(quantity=1, unit_price=5000, discount_percent=Decimal(0), total=5000),
        "premium": None,
    }
    assert training.per_variant == {
        "basic": None,
        "premium": LineOffer(quantity=2, unit_price=3000, discount_percent=Decimal(0), total=6000),
    }
    assert [
        (summary.id, summary.subtotal, summary.discount_total, summary.total, summary.line_count)
        for summary in comparison.variants
    ] == [("basic", 15000, 0, 15000, 2), ("premium", 24000, 900, 23100, 2)]
    assert comparison.cheapest_by_currency == {"USD": "basic"}


def test_compare_finds_the_cheapest_variant_per_currency() -> None:
    usd_high = build(line(unit_price=12000), variant_id="usd-high", currency="USD")
    jpy = build(line(unit_price=1_500_000), variant_id="jpy", currency="JPY")
    usd_low = build(line(unit_price=11000, discount_percent=Decimal("10")), variant_id="usd-low", currency="USD")
    kwd = build(line(unit_price=3_000), variant_id="kwd", currency="KWD")
    usd_tie = build(line(unit_price=9900), variant_id="usd-tie", currency="USD")
    comparison = compare([usd_high, jpy, usd_low, kwd, usd_tie])
    # usd-low totals 9900 as usd-tie does: the earlier one wins. A JPY total is never weighed against USD.
    assert comparison.cheapest_by_currency == {"USD": "usd-low", "JPY": "jpy", "KWD": "kwd"}
    assert [(summary.id, summary.currency, summary.total) for summary in comparison.variants] == [
        ("usd-high", "USD", 12000),
        ("jpy", "JPY", 1_500_000),
        ("usd-low", "USD", 9900),
        ("kwd", "KWD", 3000),
        ("usd-tie", "USD", 9900),
    ]


def test_compare_keeps_a_repeated_key_as_separate_rows() -> None:
    first = build(line(product_code="X", unit_price=1), line(product_code="X", unit_price=2), variant_id="a")
    second = build(line(product_code="X", unit_price=3), variant_id="b")
    rows = compare([first, second]).lines
    assert [row.key for row in rows] == ["X", "X"]
    assert rows[0].per_variant["b"] == LineOffer(quantity=1, unit_price=3, discount_percent=Decimal(0), total=3)
    assert rows[1].per_variant["b"] is None


def test_compare_of_nothing_is_empty() -> None:
    comparison = compare([])
    assert (comparison.variants, comparison.lines, comparison.cheapest_by_currency) == ((), (), {})


def test_an_opportunity_compares_its_own_variants() -> None:
    opportunity = fresh()
    cheap, dear = add(opportunity, lines=[line(unit_price=100)]), add(opportunity, lines=[line(unit_price=200)])
    comparison = opportunity.comparison()
    assert [summary.id for summary in comparison.variants] == [cheap.id, dear.id]
    assert comparison.cheapest_by_currency == {"USD": cheap.id}
