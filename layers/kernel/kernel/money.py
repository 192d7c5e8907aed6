"""Money: integer minor units and an ISO 4217 code. Never floats, never a sum across currencies."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kernel.errors import FieldIssue, ValidationFailed

# 10^15 minor units (10 trillion dollars) bounds every amount, so sums of many deals stay far
# inside DynamoDB's 38 significant digits and JSON consumers' 2^53 safe integers.
MAX_AMOUNT = 10**15


@cache
def currency_exponent(code: str) -> int | None:
    """The minor-unit exponent of an active ISO 4217 currency (JPY 0, USD 2, KWD 3), None if unknown.

    Codes without a minor unit (XAU, XXX...) are not money a deal can be priced in.
    """
    # Imported with the first currency checked, not with the module: loading the ISO table is a noticeable part
    # of a cold start, and reads that only show stored money never need it.
    import iso4217

    try:
        currency = iso4217.Currency(code)
    except ValueError:
        return None
    exponent = currency.exponent
    return exponent if isinstance(exponent, int) else None


def is_currency(code: str) -> bool:
    return code.isupper() and currency_exponent(code) is not None


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not is_currency(self.currency):
            raise ValidationFailed(
                f"{self.currency!r} is not an ISO 4217 currency code",
                [FieldIssue("currency", "must be an ISO 4217 code with a minor unit, e.g. USD, JPY, KWD")],
            )
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValidationFailed("amount must be an integer number of minor units")
        if abs(self.amount) > MAX_AMOUNT:
            raise ValidationFailed(f"amount must not exceed {MAX_AMOUNT} minor units")

    @property
    def exponent(self) -> int:
        exponent = currency_exponent(self.currency)
        assert exponent is not None  # guaranteed by __post_init__
        return exponent

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValidationFailed(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def display(self) -> str:
        """Human text such as '500000.00 USD', exact for every exponent."""
        sign = "-" if self.amount < 0 else ""
        units, minor = divmod(abs(self.amount), 10**self.exponent)
        fraction = f".{minor:0{self.exponent}d}" if self.exponent else ""
        return f"{sign}{units}{fraction} {self.currency}"
