"""The Quote aggregate: a priced offer made from a deal, with its number, validity and answer.

A quote copies the deal's lines (or, for a deal without lines, one line for the deal's value) and prices each
one: the line's own discount first, then the reseller tier discount on what is left, each rounded half-even to
a whole minor unit. Amounts are integer minor units of the quote's currency, so the sums are exact whatever the
exponent (JPY 0, USD 2, KWD 3).

Status runs draft -> sent -> accepted or rejected. A sent quote past its `valid_until` shows as expired: it can
no longer be accepted, but may still be rejected. Expiry is never stored, since it follows from the date alone.

Only one quote of a deal may ever be accepted. That spans quotes, so it is not this aggregate's rule: the store
saves an accepted quote together with a claim item for its deal, and the transaction fails when the claim is
already held.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeGuard

from kernel.aggregate import AggregateRoot
from kernel.clock import business_date
from kernel.clock import today as today_of
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from kernel.money import MAX_AMOUNT, is_currency
from sales.opportunity.pricing import clean_notes, line_discount, percent_text
from sales.quote.events import QuoteAccepted, QuoteCreated, QuoteRejected, QuoteSent

TIERS = ("authorized", "gold", "platinum")
SEQUENCE_MAX = 999_999
VALIDITY_DEFAULT_DAYS = 30
VALIDITY_MAX_DAYS = 365
REASON_MAX = 500
LINES_MAX = 100
DESCRIPTION_MAX = 500
PRODUCT_CODE_MAX = 64
QUANTITY_MAX = 1_000_000
PERCENT_MAX = Decimal(100)
_HUNDREDTH = Decimal("0.01")
_NUMBER = re.compile(r"Q-(\d{4})-(\d{6})")


# -- numbers --------------------------------------------------------------------------------------------------
def quote_number(year: int, sequence: int) -> str:
    """The quote number for the `sequence`-th quote of `year`: "Q-2026-000042".

    The store allocates the sequence; one beyond the six digits would break the format's fixed width, so it is
    refused (ValueError: a numbering fault, not a fault of the request).
    """
    if not _whole(year) or not 1 <= year <= 9999:
        raise ValueError(f"a quote number's year must be 1-9999, not {year!r}")
    if not _whole(sequence) or not 1 <= sequence <= SEQUENCE_MAX:
        raise ValueError(f"a quote number's sequence must be 1-{SEQUENCE_MAX}, not {sequence!r}")
    return f"Q-{year:04d}-{sequence:06d}"


def number_year(number: str) -> int:
    """The year a quote number was allocated in ("Q-2026-000042" -> 2026); ValueError when malformed."""
    return _parse_number(number)[0]


def _parse_number(number: str) -> tuple[int, int]:
    match = _NUMBER.fullmatch(number)
    if match is None or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise ValueError(f"{number!r} is not a quote number (Q-<year>-<6 digits>)")
    return int(match.group(1)), int(match.group(2))


# -- lines ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteLine:
    """One priced line, its figures kept as computed when the quote was made: later rule changes never reprice
    a quote the customer has seen."""

    description: str
    product_code: str | None
    quantity: int
    unit_price: int
    discount_percent: Decimal
    gross: int
    line_discount: int
    tier_discount: int
    total: int

    @classmethod
    def price(
        cls,
        *,
        description: str,
        product_code: str | None,
        quantity: int,
        unit_price: int,
        discount_percent: Decimal,
        tier_percent: Decimal,
    ) -> QuoteLine:
        """The line priced: its own discount on the gross, then the tier discount on what is left."""
        gross = quantity * unit_price
        own = line_discount(gross, discount_percent)
        tier = line_discount(gross - own, tier_percent)
        return cls(
            description=description,
            product_code=product_code,
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount_percent,
            gross=gross,
            line_discount=own,
            tier_discount=tier,
            total=gross - own - tier,
        )

    def snapshot(self) -> dict[str, Any]:
        """The line as plain JSON values, the percent as exact text."""
        return {
            "description": self.description,
            "product_code": self.product_code,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "discount_percent": percent_text(self.discount_percent),
            "gross": self.gross,
            "line_discount": self.line_discount,
            "tier_discount": self.tier_discount,
            "total": self.total,
        }


# -- the aggregate --------------------------------------------------------------------------------------------
class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


EXPIRED = "expired"


@dataclass(kw_only=True)
class Quote(AggregateRoot):
    deal_id: str
    customer_id: str
    number: str
    currency: str
    lines: tuple[QuoteLine, ...]
    tier: str | None
    tier_discount_percent: Decimal
    valid_until: date
    # The customer's name when the quote was made: the document shows whom it was made out to.
    customer_name: str | None = None
    notes: str | None = None
    status: QuoteStatus = QuoteStatus.DRAFT
    sent_at: datetime | None = None
    accepted_at: datetime | None = None
    rejected_at: datetime | None = None
    reject_reason: str | None = None

    @property
    def subtotal(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount_total(self) -> int:
        return sum(line.line_discount + line.tier_discount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount_total

    @property
    def tier_discount_text(self) -> str:
        """The tier percent as shown: "8", "12.5", "0"."""
        return percent_text(self.tier_discount_percent)

    def is_expired(self, today: date) -> bool:
        # Only an offer the customer holds can lapse: a draft was never offered, an answer is final.
        return self.status is QuoteStatus.SENT and today > self.valid_until

    def shown_status(self, today: date) -> str:
        """The status as users see it: "expired" for a sent quote past its validity, else the stored one."""
        return EXPIRED if self.is_expired(today) else self.status.value

    # -- factory --------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        *,
        deal_id: str,
        customer_id: str,
        currency: str,
        lines: Sequence[Mapping[str, Any]],
        tier: str | None,
        tier_percentages: Mapping[str, Decimal],
        number: str,
        valid_until: date | None,
        notes: str | None,
        today: date,
        now: datetime,
        quote_id: str | None = None,
        customer_name: str | None = None,
    ) -> Quote:
        """A draft quote priced from the deal's lines, or ValidationFailed naming every bad field at once.

        `lines` are the deal's line snapshots (keys beyond the priced ones, such as their stored totals, are
        ignored: the quote prices afresh). `tier` is the channel reseller's tier, None without one; its percent
        comes from `tier_percentages`, configuration rather than input, so a missing or malformed entry is a
        ValueError. `number` was allocated by the store.
        """
        _parse_number(number)
        issues: list[FieldIssue] = []
        if not is_currency(currency):
            issues.append(FieldIssue("currency", "must be an ISO 4217 code with a minor unit, e.g. USD, JPY, KWD"))
        tier_percent = Decimal(0)
        if tier is not None:
            if tier in TIERS:
                tier_percent = _tier_percent(tier, tier_percentages)
            else:
                issues.append(FieldIssue("tier", f"must be {', '.join(TIERS[:-1])} or {TIERS[-1]}"))
        if not 1 <= len(lines) <= LINES_MAX:
            issues.append(FieldIssue("lines", f"must hold 1-{LINES_MAX} lines"))
        priced = [_line(line, f"lines[{index}]", tier_percent, issues) for index, line in enumerate(lines)]
        until = _valid_until(valid_until, today, issues)
        cleaned_notes = clean_notes(notes, issues)
        if issues:
            raise ValidationFailed(_summary(issues), issues)
        quote_lines = tuple(line for line in priced if line is not None)
        quote = cls(
            id=quote_id or new_id(),
            deal_id=deal_id,
            customer_id=customer_id,
            customer_name=customer_name,
            number=number,
            currency=currency,
            lines=quote_lines,
            tier=tier,
            tier_discount_percent=tier_percent,
            valid_until=until,
            notes=cleaned_notes,
            created_at=now,
            updated_at=now,
        )
        # Each line is bounded, but a hundred of them may not be: the sum is what gets stored and summed again.
        if quote.subtotal > MAX_AMOUNT:
            issue = FieldIssue("lines", f"the subtotal must not exceed {MAX_AMOUNT} minor units")
            raise ValidationFailed(_summary([issue]), [issue])
        quote.record(
            QuoteCreated(
                quote_id=quote.id,
                deal_id=quote.deal_id,
                number=quote.number,
                currency=quote.currency,
                total=quote.total,
                valid_until=quote.valid_until.isoformat(),
            )
        )
        return quote

    # -- commands -------------------------------------------------------------------------------
    def send(self, now: datetime) -> None:
        self._require("send", QuoteStatus.DRAFT, today_of(now))
        self.status = QuoteStatus.SENT
        self.sent_at = now
        self.touch(now)
        self.record(QuoteSent(quote_id=self.id, deal_id=self.deal_id, number=self.number))

    def accept(self, *, today: date, now: datetime) -> None:
        self._require("accept", QuoteStatus.SENT, today)
        if self.is_expired(today):
            raise Conflict(
                f"quote {self.number} expired after {self.valid_until.isoformat()}; it can no longer be accepted",
                "QUOTE_EXPIRED",
                [FieldIssue("valid_until", self.valid_until.isoformat())],
            )
        self.status = QuoteStatus.ACCEPTED
        self.accepted_at = now
        self.touch(now)
        self.record(
            QuoteAccepted(
                quote_id=self.id, deal_id=self.deal_id, number=self.number, currency=self.currency, total=self.total
            )
        )

    def reject(self, *, reason: str | None, now: datetime) -> None:
        """The customer said no; an expired quote may still be rejected, so the answer is on record."""
        self._require("reject", QuoteStatus.SENT, today_of(now))
        cleaned = _reason(reason)
        self.status = QuoteStatus.REJECTED
        self.reject_reason = cleaned
        self.rejected_at = now
        self.touch(now)
        self.record(QuoteRejected(quote_id=self.id, deal_id=self.deal_id, number=self.number, reason=cleaned))

    # -- internals ------------------------------------------------------------------------------
    def _require(self, action: str, allowed: QuoteStatus, today: date) -> None:
        if self.status is not allowed:
            shown = self.shown_status(today)
            raise Conflict(
                f"quote {self.number} is {shown}; {action} needs {allowed.value}",
                "INVALID_TRANSITION",
                [FieldIssue("status", shown)],
            )


# -- checks ---------------------------------------------------------------------------------------------------
def _summary(issues: list[FieldIssue]) -> str:
    return "invalid quote: " + "; ".join(f"{issue.field} {issue.message}" for issue in issues)


def _whole(value: object) -> TypeGuard[int]:
    # bool is an int to Python, and a float is never an amount: both are refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _percent(value: object) -> Decimal | None:
    """The percent in canonical form (Decimal("12.5"), Decimal("10")), or None when it is not a decimal from 0
    to 100 with at most two places. Text is how a deal keeps it; a float is refused, as it may not be the number
    that was written."""
    if _whole(value):
        value = Decimal(value)
    elif isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return None
    # The range is checked before the quantize: quantizing a huge exponent would itself fail.
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or not 0 <= value <= PERCENT_MAX
        or value != value.quantize(_HUNDREDTH)
    ):
        return None
    return Decimal(percent_text(value))


def _tier_percent(tier: str, percentages: Mapping[str, Decimal]) -> Decimal:
    percent = _percent(percentages.get(tier))
    if percent is None:
        raise ValueError(f"the {tier} tier needs a discount percent from 0 to 100 with at most 2 decimal places")
    return percent


def _text(value: object, where: str, most: int, issues: list[FieldIssue]) -> str:
    cleaned = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(cleaned) <= most:
        issues.append(FieldIssue(where, f"must be 1-{most} characters"))
    return cleaned


def _line(line: Mapping[str, Any], where: str, tier_percent: Decimal, issues: list[FieldIssue]) -> QuoteLine | None:
    """The priced line, or None with its issues added."""
    found = len(issues)
    description = _text(line.get("description"), f"{where}.description", DESCRIPTION_MAX, issues)
    raw_code = line.get("product_code")
    product_code = None if raw_code is None else _text(raw_code, f"{where}.product_code", PRODUCT_CODE_MAX, issues)
    quantity: object = line.get("quantity")
    if not (_whole(quantity) and 0 < quantity <= QUANTITY_MAX):
        issues.append(FieldIssue(f"{where}.quantity", f"must be a whole number from 1 to {QUANTITY_MAX}"))
    unit_price: object = line.get("unit_price")
    if not (_whole(unit_price) and 0 <= unit_price <= MAX_AMOUNT):
        issues.append(FieldIssue(f"{where}.unit_price", f"must be whole minor units from 0 to {MAX_AMOUNT}"))
    percent = _percent(line.get("discount_percent"))
    if percent is None:
        issues.append(
            FieldIssue(f"{where}.discount_percent", "must be a decimal from 0 to 100 with at most 2 decimal places")
        )
    # The isinstance checks repeat what `_whole` found, for the type checker.
    if percent is None or len(issues) > found or not isinstance(quantity, int) or not isinstance(unit_price, int):
        return None
    if quantity * unit_price > MAX_AMOUNT:
        issues.append(FieldIssue(where, f"quantity x unit_price must not exceed {MAX_AMOUNT} minor units"))
        return None
    return QuoteLine.price(
        description=description,
        product_code=product_code,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=percent,
        tier_percent=tier_percent,
    )


def _valid_until(valid_until: date | None, today: date, issues: list[FieldIssue]) -> date:
    until = today + timedelta(days=VALIDITY_DEFAULT_DAYS) if valid_until is None else valid_until
    if until < today:
        issues.append(FieldIssue("valid_until", "must not be before today"))
    elif until > today + timedelta(days=VALIDITY_MAX_DAYS):
        issues.append(FieldIssue("valid_until", f"must be at most {VALIDITY_MAX_DAYS} days after today"))
    else:
        try:
            business_date(until, "valid_until")
        except ValidationFailed as error:
            issues.extend(error.details)
    return until


def _reason(reason: str | None) -> str | None:
    cleaned = (reason or "").strip()
    if len(cleaned) > REASON_MAX:
        message = f"must be at most {REASON_MAX} characters"
        raise ValidationFailed(f"reason {message}", [FieldIssue("reason", message)])
    return cleaned or None
