"""Variants of an offer and what they cost: lines, totals, and the side-by-side comparison.

Amounts are integer minor units of the variant's currency, so every sum is exact whatever the currency's
exponent (JPY 0, USD 2, KWD 3); the exponent only decides which codes are accepted. A line's discount is the
one place a fraction appears: it is computed exactly in Decimal and rounded half-even to a whole minor unit,
so no float error creeps in and ties do not all drift the same way across many lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, Inexact, localcontext
from typing import Any, TypeGuard

from kernel.errors import FieldIssue, ValidationFailed
from kernel.money import MAX_AMOUNT, is_currency

NAME_MAX = 200
DESCRIPTION_MAX = 500
PRODUCT_CODE_MAX = 64
NOTES_MAX = 2000
LINES_MAX = 100
QUANTITY_MAX = 1_000_000
PERCENT_MAX = Decimal(100)
_HUNDREDTH = Decimal("0.01")
_WHOLE = Decimal(1)
# The largest gross (QUANTITY_MAX x MAX_AMOUNT) times 100.00 has 26 digits: 40 keep every step exact.
_PRECISION = 40


def line_discount(gross: int, percent: Decimal) -> int:
    """gross x percent / 100, rounded half-even to whole minor units."""
    with localcontext() as context:
        context.prec = _PRECISION
        # A step that had to round here would be a bug, not a rounding rule: make it fail loudly.
        context.traps[Inexact] = True
        exact = Decimal(gross) * percent / 100
    return int(exact.quantize(_WHOLE, rounding=ROUND_HALF_EVEN))


def percent_text(percent: Decimal) -> str:
    """The shortest plain text of a percent with at most two decimals: "12.5", "10", "0" (never "1E+1")."""
    text = f"{abs(percent.quantize(_HUNDREDTH)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One priced line of a variant. Built as given; `Variant.build` checks and cleans it."""

    description: str
    quantity: int
    unit_price: int
    discount_percent: Decimal = Decimal(0)
    product_code: str | None = None

    @property
    def key(self) -> str:
        """What matches this line with its counterpart in another variant: the product, else the wording."""
        return self.product_code if self.product_code is not None else self.description

    @property
    def gross(self) -> int:
        return self.quantity * self.unit_price

    @property
    def discount(self) -> int:
        return line_discount(self.gross, self.discount_percent)

    @property
    def total(self) -> int:
        return self.gross - self.discount

    def snapshot(self) -> dict[str, Any]:
        """The line as a deal keeps it: plain JSON values, the percent as exact text."""
        return {
            "description": self.description,
            "product_code": self.product_code,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "discount_percent": percent_text(self.discount_percent),
            "discount": self.discount,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: int
    discount_total: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    """One way of pricing the offer, in one currency. Immutable: replacing a variant builds a new one."""

    id: str
    name: str
    currency: str
    lines: tuple[Line, ...]
    notes: str | None = None

    @classmethod
    def build(
        cls, *, variant_id: str, name: str, currency: str, lines: Sequence[Line], notes: str | None = None
    ) -> Variant:
        """A checked variant, or ValidationFailed naming every bad field at once (`lines[2].quantity`)."""
        issues: list[FieldIssue] = []
        cleaned_name = _text(name, "name", NAME_MAX, issues)
        if not is_currency(currency):
            issues.append(FieldIssue("currency", "must be an ISO 4217 code with a minor unit, e.g. USD, JPY, KWD"))
        if not 1 <= len(lines) <= LINES_MAX:
            issues.append(FieldIssue("lines", f"must hold 1-{LINES_MAX} lines"))
        cleaned_lines = tuple(_clean_line(line, f"lines[{index}]", issues) for index, line in enumerate(lines))
        cleaned_notes = clean_notes(notes, issues)
        if issues:
            raise ValidationFailed(_summary(issues), issues)
        variant = cls(id=variant_id, name=cleaned_name, currency=currency, lines=cleaned_lines, notes=cleaned_notes)
        if variant.subtotal > MAX_AMOUNT:
            issue = FieldIssue("lines", f"the subtotal must not exceed {MAX_AMOUNT} minor units")
            raise ValidationFailed(_summary([issue]), [issue])
        return variant

    def totals(self) -> Totals:
        subtotal = sum(line.gross for line in self.lines)
        discount_total = sum(line.discount for line in self.lines)
        return Totals(subtotal=subtotal, discount_total=discount_total, total=subtotal - discount_total)

    @property
    def subtotal(self) -> int:
        return self.totals().subtotal

    @property
    def discount_total(self) -> int:
        return self.totals().discount_total

    @property
    def total(self) -> int:
        return self.totals().total

    def line_snapshots(self) -> list[dict[str, Any]]:
        return [line.snapshot() for line in self.lines]


# -- comparison ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class VariantSummary:
    id: str
    name: str
    currency: str
    subtotal: int
    discount_total: int
    total: int
    line_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LineOffer:
    """What one variant offers for a compared line."""

    quantity: int
    unit_price: int
    discount_percent: Decimal
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LineComparison:
    """One line across the variants: variant id -> its offer, None where the variant lacks the line."""

    key: str
    per_variant: dict[str, LineOffer | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    variants: tuple[VariantSummary, ...]
    lines: tuple[LineComparison, ...]
    cheapest_by_currency: dict[str, str]


def compare(variants: Sequence[Variant]) -> Comparison:
    """The variants side by side: their totals, their lines matched by key in first-seen order, and the
    cheapest variant of each currency (totals in different currencies are never compared; ties go to the
    earlier variant).

    A key repeated within a variant gives one row per occurrence: the second "X" of one variant is matched
    with the second "X" of another, so no line is hidden or summed away.
    """
    summaries: list[VariantSummary] = []
    rows: dict[tuple[str, int], dict[str, LineOffer]] = {}
    cheapest: dict[str, VariantSummary] = {}
    for variant in variants:
        totals = variant.totals()
        summary = VariantSummary(
            id=variant.id,
            name=variant.name,
            currency=variant.currency,
            subtotal=totals.subtotal,
            discount_total=totals.discount_total,
            total=totals.total,
            line_count=len(variant.lines),
        )
        summaries.append(summary)
        best = cheapest.get(variant.currency)
        if best is None or summary.total < best.total:
            cheapest[variant.currency] = summary
        occurrences: Counter[str] = Counter()
        for line in variant.lines:
            slot = (line.key, occurrences[line.key])
            occurrences[line.key] += 1
            rows.setdefault(slot, {})[variant.id] = LineOffer(
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                total=line.total,
            )
    lines = tuple(
        LineComparison(key=key, per_variant={variant.id: offers.get(variant.id) for variant in variants})
        for (key, _), offers in rows.items()
    )
    return Comparison(
        variants=tuple(summaries),
        lines=lines,
        cheapest_by_currency={currency: summary.id for currency, summary in cheapest.items()},
    )


# -- checks ---------------------------------------------------------------------------------------------------
def _summary(issues: list[FieldIssue]) -> str:
    return "invalid variant: " + "; ".join(f"{issue.field} {issue.message}" for issue in issues)


def _text(value: str, where: str, most: int, issues: list[FieldIssue]) -> str:
    cleaned = value.strip()
    if not 1 <= len(cleaned) <= most:
        issues.append(FieldIssue(where, f"must be 1-{most} characters"))
    return cleaned


def clean_notes(notes: str | None, issues: list[FieldIssue]) -> str | None:
    """Free-text notes stripped, None when blank; too long is noted in `issues` (a quote's notes too)."""
    if notes is None:
        return None
    cleaned = notes.strip()
    if len(cleaned) > NOTES_MAX:
        issues.append(FieldIssue("notes", f"must be at most {NOTES_MAX} characters"))
    return cleaned or None


def _whole(value: object) -> TypeGuard[int]:
    # bool is an int to Python, and a float is never an amount: both are refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_line(line: Line, where: str, issues: list[FieldIssue]) -> Line:
    description = _text(line.description, f"{where}.description", DESCRIPTION_MAX, issues)
    product_code = None
    if line.product_code is not None:
        product_code = _text(line.product_code, f"{where}.product_code", PRODUCT_CODE_MAX, issues)
    quantity_ok = _whole(line.quantity) and 0 < line.quantity <= QUANTITY_MAX
    if not quantity_ok:
        issues.append(FieldIssue(f"{where}.quantity", f"must be a whole number from 1 to {QUANTITY_MAX}"))
    price_ok = _whole(line.unit_price) and 0 <= line.unit_price <= MAX_AMOUNT
    if not price_ok:
        issues.append(FieldIssue(f"{where}.unit_price", f"must be whole minor units from 0 to {MAX_AMOUNT}"))
    percent = _percent(line.discount_percent, f"{where}.discount_percent", issues)
    if quantity_ok and price_ok and line.gross > MAX_AMOUNT:
        issues.append(FieldIssue(where, f"quantity x unit_price must not exceed {MAX_AMOUNT} minor units"))
    return Line(
        description=description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=percent,
        product_code=product_code,
    )


def _percent(value: object, where: str, issues: list[FieldIssue]) -> Decimal:
    """The percent in canonical form (Decimal("12.5"), Decimal("10")), so equal percents compare and store
    alike; a float is refused, since it may not be the number the caller wrote."""
    if _whole(value):
        value = Decimal(value)
    # The range is checked before the quantize: quantizing a huge exponent would itself fail.
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or not 0 <= value <= PERCENT_MAX
        or value != value.quantize(_HUNDREDTH)
    ):
        issues.append(FieldIssue(where, "must be a decimal from 0 to 100 with at most 2 decimal places"))
        return Decimal(0)
    return Decimal(percent_text(value))
