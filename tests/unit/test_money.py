"""Money: integer minor units + an ISO 4217 code with a minor unit; never floats, never mixed currencies."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kernel.errors import ValidationFailed
from kernel.money import MAX_AMOUNT, Money, currency_exponent, is_currency


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3), ("CHF", 2)],
)
def test_active_currencies_carry_their_iso_4217_exponent(code: str, exponent: int) -> None:
    assert is_currency(code)
    assert currency_exponent(code) == exponent
    assert Money(100, code).exponent == exponent


@pytest.mark.parametrize(
    "code",
    [
        "usd",  # lowercase is not an ISO 4217 code
        "Usd",
        "eur",
        "XYZ",  # unknown
        "ABC",
        "XAU",  # gold: no minor unit, not money a deal can be priced in
        "XAG",
        "XXX",  # "no currency"
        "XTS",  # testing code
        "XDR",
        "",
        "US",
        "USDX",
        "123",
        " USD",
    ],
)
def test_codes_that_are_not_priceable_currencies_are_rejected(code: str) -> None:
    assert not is_currency(code)
    with pytest.raises(ValidationFailed) as caught:
        Money(100, code)
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["currency"]


@pytest.mark.parametrize("code", ["XAU", "XXX", "XYZ", "usd"])
def test_currency_exponent_is_none_for_codes_without_minor_unit_or_unknown(code: str) -> None:
    assert currency_exponent(code) is None


@pytest.mark.parametrize("amount", [True, False, 1.0, 500.5, 0.1, "100", Decimal("100"), None, [100]])
def test_amount_must_be_a_true_integer(amount: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Money(amount, "USD")  # type: ignore[arg-type]
    assert caught.value.code == "VALIDATION_ERROR"


def test_amount_is_bounded_by_max_amount_both_ways() -> None:
    assert Money(MAX_AMOUNT, "USD").amount == MAX_AMOUNT
    assert Money(-MAX_AMOUNT, "USD").amount == -MAX_AMOUNT
    with pytest.raises(ValidationFailed):
        Money(MAX_AMOUNT + 1, "USD")
    with pytest.raises(ValidationFailed):
        Money(-MAX_AMOUNT - 1, "USD")


def test_max_amount_stays_inside_json_safe_integers() -> None:
    assert MAX_AMOUNT <= 2**53


def test_zero_and_negative_amounts_are_money_positivity_is_a_deal_rule() -> None:
    assert Money(0, "USD").amount == 0
    assert Money(-5, "USD").amount == -5


def test_add_same_currency() -> None:
    total = Money(150, "EUR") + Money(250, "EUR")
    assert total == Money(400, "EUR")


@pytest.mark.parametrize(("left", "right"), [("USD", "EUR"), ("JPY", "USD"), ("KWD", "BHD")])
def test_never_adds_different_currencies(left: str, right: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Money(100, left) + Money(100, right)
    assert caught.value.code == "VALIDATION_ERROR"
    assert left in caught.value.message and right in caught.value.message


def test_a_sum_beyond_the_bound_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        Money(MAX_AMOUNT, "USD") + Money(1, "USD")


def test_money_is_an_immutable_value() -> None:
    money = Money(100, "USD")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = 200  # type: ignore[misc]
    assert money == Money(100, "USD")
    assert money != Money(100, "EUR")
    assert money != Money(101, "USD")
    assert len({Money(100, "USD"), Money(100, "USD"), Money(100, "EUR")}) == 2


@pytest.mark.parametrize(
    ("amount", "code", "text"),
    [
        (50000000, "USD", "500000.00 USD"),
        (100, "USD", "1.00 USD"),
        (5, "USD", "0.05 USD"),
        (0, "USD", "0.00 USD"),
        (-5, "USD", "-0.05 USD"),
        (-150, "EUR", "-1.50 EUR"),
        (1234, "JPY", "1234 JPY"),
        (0, "JPY", "0 JPY"),
        (-7, "JPY", "-7 JPY"),
        (1234, "KWD", "1.234 KWD"),
        (5, "KWD", "0.005 KWD"),
        (1000, "BHD", "1.000 BHD"),
        (MAX_AMOUNT, "USD", "10000000000000.00 USD"),
        (MAX_AMOUNT - 1, "USD", "9999999999999.99 USD"),  # exact: no float rounding
        (MAX_AMOUNT - 1, "KWD", "999999999999.999 KWD"),
    ],
)
def test_display_is_exact_for_every_exponent(amount: int, code: str, text: str) -> None:
    assert Money(amount, code).display() == text
