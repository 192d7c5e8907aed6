"""A quote as the PDF the customer receives: its number, customer, lines and totals, amounts per currency and locale.

The text, amounts and page flow are the kernel's (kernel.pdf): core-font text that never fails on what a user
typed, amounts from CLDR data ("€1,234.50", "¥120,000", "KWD 1.250"), tables that run onto further pages. Its PDF
libraries ship in a layer of their own (layers/pdf, PdfLayer), attached only to the quote PDF function, and are
imported on first use, never with this module.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from kernel.pdf import SUPPORTED_LANGUAGES, Column, Document, Total, drawable, format_money, parse_locale

if TYPE_CHECKING:
    from collections.abc import Callable

    from babel import Locale

    from sales.quote.model import Quote

__all__ = ["SUPPORTED_LANGUAGES", "format_money", "render_quote"]

# Widths in millimetres: 180 fit between the margins.
_COLUMNS = (
    Column("Description", 60.0),
    Column("Product code", 24.0),
    Column("Qty", 18.0, "RIGHT"),
    Column("Unit price", 28.0, "RIGHT"),
    Column("Discount", 16.0, "RIGHT"),
    Column("Amount", 34.0, "RIGHT"),
)


def render_quote(quote: Quote, customer_name: str, *, locale: str = "en_US") -> bytes:
    """The quote as a PDF document (A4): number, customer, dates, one table row per line, the totals and notes.

    Amounts are formatted for `locale` (ValueError when not supported); labels are English and dates ISO 8601.
    A line's amount is its quantity times its unit price, so the column adds up to the subtotal; the line and tier
    discounts are taken off below it. The same quote gives the same bytes: the document's dates come from the
    quote, not the clock.
    """
    babel_locale = parse_locale(locale)
    currency = quote.currency

    def money(amount_minor: int) -> str:
        return format_money(amount_minor, currency, babel_locale)

    title = f"Quote {drawable(quote.number)}"
    document = Document(title, created=quote.created_at)
    document.heading(title)
    document.space(2)
    document.paragraph(f"Customer: {drawable(customer_name)}")
    document.paragraph(f"Issued {_iso(quote.created_at.date())}")
    document.paragraph(f"Valid until {_iso(quote.valid_until)}")
    document.paragraph(f"Currency: {drawable(currency)}")
    document.space(4)

    document.table(
        _COLUMNS,
        (
            (
                line.description,
                line.product_code or "",
                _quantity(line.quantity, babel_locale),
                money(line.unit_price),
                _percent(line.discount_percent, babel_locale),
                money(line.gross),
            )
            for line in quote.lines
        ),
    )
    document.space(3)

    line_discounts = sum(line.line_discount for line in quote.lines)
    tier_discounts = sum(line.tier_discount for line in quote.lines)
    totals = [Total("Subtotal", money(quote.subtotal)), Total("Line discounts", _discount(line_discounts, money))]
    if quote.tier_discount_percent > 0:
        tier = drawable(quote.tier or "tier").capitalize()
        label = f"Tier discount ({tier}, {_percent(quote.tier_discount_percent, babel_locale)})"
        totals.append(Total(label, _discount(tier_discounts, money)))
    totals.append(Total("Total", money(quote.total), bold=True))
    document.totals(totals)

    document.notes(quote.notes)
    return document.output()


def _discount(amount_minor: int, money: Callable[[int], str]) -> str:
    """A discount as the amount it takes off: "-€12.00", or "€0.00" when there is none (never "-€0.00")."""
    return money(-amount_minor if amount_minor else 0)


def _percent(percent: Decimal, locale: Locale) -> str:
    """A discount percent as `locale` writes one, with its decimals when it has any: "12.5%", "12,5 %"."""
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (0, 2)
    text: str = pattern.apply(percent / 100, locale)
    return text


def _quantity(quantity: int, locale: Locale) -> str:
    from babel.numbers import format_decimal

    return format_decimal(quantity, locale=locale)


def _iso(day: date) -> str:
    return day.isoformat()
