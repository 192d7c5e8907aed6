"""The quote PDF: amounts per currency and locale, and a document whose text holds the whole quote."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from sales.quote.model import Quote
from sales.quote.pdf import SUPPORTED_LANGUAGES, format_money, render_quote

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)
NUMBER = "Q-2026-000042"
TIERS = {"authorized": Decimal("0"), "gold": Decimal("8"), "platinum": Decimal("12.5")}
NBSP = "\u00a0"


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
        "deal_id": "019b72b9-2222-7000-8000-000000000002",
        "customer_id": "019b72b7-0636-79b5-b8fe-28b439ec801d",
        "currency": "EUR",
        "lines": [line()],
        "tier": None,
        "tier_percentages": TIERS,
        "number": NUMBER,
        "valid_until": date(2026, 4, 9),
        "notes": None,
        "today": TODAY,
        "now": NOW,
    }
    arguments.update(overrides)
    return Quote.create(**arguments)


def pages_of(document: bytes) -> list[str]:
    """The text of each page. pypdf reads a no-break space back as a plain one."""
    return [page.extract_text().replace(NBSP, " ") for page in PdfReader(io.BytesIO(document)).pages]


def shown(text: str) -> str:
    return text.replace(NBSP, " ")


# -- amounts --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (123450, "EUR", "€1,234.50"),
        (120000, "JPY", "¥120,000"),
        # CLDR keeps a letter symbol apart from the digits with a no-break space.
        (1250, "KWD", f"KWD{NBSP}1.250"),
        (5, "USD", "$0.05"),
        (-123450, "EUR", "-€1,234.50"),
        (0, "JPY", "¥0"),
        # ISO 4217 counts IQD in thousandths where CLDR shows whole dinars: no fils is rounded away.
        (1250, "IQD", f"IQD{NBSP}1.250"),
    ],
)
def test_format_money_uses_the_currency_exponent_and_symbol(amount: int, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_US", "€1,234.50"), ("de_DE", f"1.234,50{NBSP}€"), ("en_GB", "€1,234.50"), ("nl_NL", f"€{NBSP}1.234,50")],
)
def test_format_money_follows_the_locale(locale: str, expected: str) -> None:
    assert format_money(123450, "EUR", locale) == expected


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_supported_language_formats_money(language: str) -> None:
    assert "1" in format_money(1250, "KWD", language)


@pytest.mark.parametrize("locale", ["sv_SE", "xx", "", "en_US;drop"])
def test_an_unsupported_locale_is_refused(locale: str) -> None:
    with pytest.raises(ValueError, match="locale"):
        format_money(100, "EUR", locale)


@pytest.mark.parametrize("currency", ["XXX", "ABC", "eur"])
def test_a_currency_without_a_minor_unit_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="currency"):
        format_money(100, currency)


# -- the document ---------------------------------------------------------------------------------------------
def test_the_pdf_holds_the_number_customer_lines_and_total() -> None:
    quote = create(
        lines=[
            line(description="Annual licence", product_code="LIC-1", quantity=3, unit_price=41150),
            line(description="Onboarding workshop", unit_price=100000, discount_percent="12.5"),
        ],
        tier="gold",
        notes="Prices exclude VAT.",
    )
    document = render_quote(quote, "Acme Industries GmbH")

    assert document.startswith(b"%PDF-")
    text = "\n".join(pages_of(document))
    for expected in (
        f"Quote {NUMBER}",
        "Acme Industries GmbH",
        "Issued 2026-03-10",
        "Valid until 2026-04-09",
        "Annual licence",
        "LIC-1",
        "Onboarding workshop",
        "12.5%",
        f"Subtotal {shown(format_money(quote.subtotal, 'EUR'))}",
        "Tier discount (Gold, 8%)",
        f"Total {shown(format_money(quote.total, 'EUR'))}",
        "Prices exclude VAT.",
    ):
        assert expected in text, expected
    assert "Total €1,940.74" in text  # 1,234.50 + 1,000.00, less 125.00, less 8 % of the 2,109.50 left


@pytest.mark.parametrize(
    ("currency", "unit_price", "total"),
    [("EUR", 123450, "€1,234.50"), ("JPY", 120000, "¥120,000"), ("KWD", 1250, "KWD 1.250")],
)
def test_the_total_is_shown_in_the_quote_currency(currency: str, unit_price: int, total: str) -> None:
    text = "\n".join(pages_of(render_quote(create(currency=currency, lines=[line(unit_price=unit_price)]), "Ada")))
    assert f"Total {total}" in text


def test_amounts_follow_the_locale() -> None:
    text = "\n".join(pages_of(render_quote(create(lines=[line(unit_price=123450)]), "Ada", locale="de_DE")))
    assert "Total 1.234,50 €" in text


def test_a_hundred_lines_run_onto_further_pages() -> None:
    lines = [line(description=f"Widget-{index:03d} spare part", quantity=index + 1) for index in range(100)]
    pages = pages_of(render_quote(create(lines=lines), "Ada"))

    assert len(pages) > 1
    text = "\n".join(pages)
    assert all(f"Widget-{index:03d} spare part" in text for index in range(100))
    assert all("Description" in page for page in pages[:-1])  # the headings repeat on every page of the table


def test_characters_the_font_lacks_are_replaced_not_fatal() -> None:
    text = "\n".join(pages_of(render_quote(create(), "Zoë Dvořák-Łukasz ﬁrm 山田 ☃")))
    # The font's letters stay, others keep their base letter or plain form, the rest become "?".
    assert "Zoë Dvorák-Lukasz firm ?? ?" in text


def test_hostile_text_never_breaks_the_document() -> None:
    unbroken = "X" * 500
    hostile = [
        "<script>alert('x')</script>",
        "Emoji 😀🎉 and flags 🇩🇪",
        "عرض السعر للعميل",  # Arabic, right to left
        "Control\x00\x07\x1b[31m chars\u200f\u202e\ufeff and a\tTab",
        "Lone surrogate \ud800 and private use \ue000",
        "Line\nbreaks\r\nin a description",
        unbroken,
    ]
    quote = create(
        lines=[line(description=description, product_code="\x00<b>" + "Y" * 60) for description in hostile],
        notes=("Notes with\n\n\n\n\nblank lines " + "Z" * 1500 + " 😀 ")[:2000],
    )
    document = render_quote(quote, "مرحبا 😀 <img src=x onerror=alert(1)>\x00\n" + "W" * 200)

    assert document.startswith(b"%PDF-")
    text = "\n".join(pages_of(document))
    assert "<script>alert('x')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    # The unbroken word is cut to the column, not lost.
    assert "".join(character for character in text if character == "X") == unbroken


def test_the_same_quote_gives_the_same_bytes() -> None:
    quote = create(lines=[line(), line(description="Support", unit_price=5000)], tier="platinum")
    assert render_quote(quote, "Ada") == render_quote(quote, "Ada")


def test_an_unsupported_locale_is_refused_before_rendering() -> None:
    with pytest.raises(ValueError, match="locale"):
        render_quote(create(), "Ada", locale="sv_SE")


def test_the_pdf_libraries_are_imported_on_first_use_not_with_the_module() -> None:
    # They ship in the PDF function's layer only: anything else importing the module must not need them.
    probe = (
        "import sys; import sales.quote.pdf as p; "
        "assert not {'fpdf', 'babel'} & set(sys.modules), sorted({'fpdf', 'babel'} & set(sys.modules)); "
        "p.format_money(100, 'EUR'); assert 'babel' in sys.modules and 'fpdf' not in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", probe], check=True, env=env, timeout=60)
