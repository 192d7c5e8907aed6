"""A quote as the PDF the customer receives: its number, customer, lines and totals, amounts per currency and locale.

fpdf2 writes the document and Babel formats the amounts from CLDR data ("€1,234.50", "¥120,000", "KWD 1.250").
Both ship in a layer of their own (layers/pdf, PdfLayer), attached only to the quote PDF function, so they are
imported here on first use, never with the module: anything else that imports this module neither needs the layer
nor pays for loading them.

The text is drawn in a PDF core font (Helvetica, WinAnsi/cp1252 encoding), so it stays extractable and searchable
with no font file to ship or subset: it draws Western European text, "€" and "¥". Customer text is never trusted
to fit: a character the font cannot draw becomes its base letter or plain form ("č" -> "c", "Ł" -> "L", "ﬁ" -> "fi")
or else "?" (other scripts, emoji), control characters become spaces and invisible format characters are dropped,
so rendering never fails on what a user typed; long words are cut to the column and long tables and notes run onto
further pages.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from kernel.money import currency_exponent

if TYPE_CHECKING:
    from babel import Locale

    from sales.quote.model import Quote

# The languages whose amounts the PDF can format: Babel's data for the others is pruned from the layer
# (layers/Makefile, PDF_LOCALE_LANGUAGES: keep both lists in step). Each is written in the core font's script.
SUPPORTED_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja")

_FONT = "Helvetica"
_ENCODING = "cp1252"  # the core fonts' WinAnsiEncoding
_NBSP = "\u00a0"
# CLDR's narrow and figure no-break spaces (French grouping, for one) are not in cp1252: a plain no-break space
# keeps the number in one piece.
_NO_BREAK_SPACES = frozenset("\u202f\u2007\u2060")
# Letters with a stroke have no decomposition to fall back on ("Łukasz" would lose its initial), and hyphens and
# the minus sign outside cp1252 have a plain hyphen-minus.
_PLAIN = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "\u0131": "i"}
_PLAIN |= dict.fromkeys("\u2010\u2011\u2012\u2043\u2212", "-")
_BLANK_LINES = re.compile(r"\n{3,}")
# A CLDR locale identifier as the API takes one: a language, then maybe a region ("en", "en_US", "es_419").
# Babel alone is lenient ("en_US;drop" parses as "en"), so anything else is refused before it is asked.
_LOCALE = re.compile(r"[a-z]{2,3}(?:_(?:[A-Z]{2}|[0-9]{3}))?")

# Layout, in millimetres (A4: 210 wide, so 180 between the margins).
_MARGIN = 15.0
_COLUMNS = (
    ("Description", 60.0, "LEFT"),
    ("Product code", 24.0, "LEFT"),
    ("Qty", 18.0, "RIGHT"),
    ("Unit price", 28.0, "RIGHT"),
    ("Discount", 16.0, "RIGHT"),
    ("Amount", 34.0, "RIGHT"),
)
_LINE_HEIGHT = 4.5
_TOTAL_LABEL_WIDTH = 70.0
_TOTAL_VALUE_WIDTH = 50.0


# -- amounts --------------------------------------------------------------------------------------------------
def format_money(amount_minor: int, currency: str, locale: str = "en_US") -> str:
    """`amount_minor` minor units of `currency` as `locale` writes them: "€1,234.50" (EUR 123450, en_US),
    "¥120,000" (JPY 120000), "KWD 1.250" (KWD 1250; the space is a no-break space, as CLDR asks).

    The decimals are the currency's ISO 4217 exponent, the one the amount is counted in, even where CLDR's
    usual digits differ (IQD: 3, not 0), so no minor unit is ever rounded away or made up. ValueError for a
    currency without a minor unit or a locale outside SUPPORTED_LANGUAGES.
    """
    return _money(amount_minor, currency, _locale(locale))


def _money(amount_minor: int, currency: str, locale: Locale) -> str:
    from babel.numbers import get_currency_symbol

    exponent = currency_exponent(currency)
    if exponent is None:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency with a minor unit")
    amount = Decimal(amount_minor).scaleb(-exponent)
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    text: str = pattern.apply(amount, locale, currency=currency, currency_digits=False)
    return _currency_spacing(text, get_currency_symbol(currency, locale))


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a symbol that ends in a letter where it meets the digits
    ("KWD", not "€" or "US$") is kept apart from them by a no-break space, "KWD 1.250" rather than "KWD1.250"."""
    start = text.find(symbol)
    if not symbol or start < 0:
        return text
    end = start + len(symbol)
    if end < len(text) and text[end].isdigit() and not _symbolic(symbol[-1]):
        return text[:end] + _NBSP + text[end:]
    if start > 0 and text[start - 1].isdigit() and not _symbolic(symbol[0]):
        return text[:start] + _NBSP + text[start:]
    return text


def _symbolic(char: str) -> bool:
    return unicodedata.category(char)[0] in "SZ"


def _percent(percent: Decimal, locale: Locale) -> str:
    """A discount percent as `locale` writes one, with its decimals when it has any: "12.5%", "12,5 %"."""
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (0, 2)
    text: str = pattern.apply(percent / 100, locale)
    return text


def _quantity(quantity: int, locale: Locale) -> str:
    from babel.numbers import format_decimal

    return format_decimal(quantity, locale=locale)


def _locale(name: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    if not isinstance(name, str) or not _LOCALE.fullmatch(name):
        raise ValueError(f"{name!r} is not a supported locale: expected a language and region such as en_US")
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"{name!r} is not a supported locale") from None
    if locale.language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"{name!r} is not a supported locale: its language must be one of {SUPPORTED_LANGUAGES}")
    return locale


# -- text the font can draw -----------------------------------------------------------------------------------
def _drawable(text: str | None, *, multiline: bool = False) -> str:
    """`text` with every character the core font can draw, and nothing that could upset the layout: line breaks
    kept only where asked (at most one blank line in a row), other controls as spaces, format characters
    (direction marks, zero-width joiners, soft hyphens) dropped."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return _BLANK_LINES.sub("\n\n", "\n".join(_line_text(part) for part in text.split("\n"))).strip()
    return _line_text(text).strip()


def _line_text(text: str) -> str:
    return "".join(_glyph(char) for char in text)


@cache
def _glyph(char: str) -> str:
    if char in _NO_BREAK_SPACES:
        return _NBSP
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category in ("Cc", "Zl", "Zp") or (category == "Zs" and char != _NBSP):
        return " "
    if category in ("Cs", "Co", "Cn"):
        return "?"
    if _encodable(char):
        return char
    if char in _PLAIN:
        return _PLAIN[char]
    # A letter with marks the font lacks keeps its base letter; compatibility forms their plain one (fullwidth
    # "￥" -> "¥", "ﬁ" -> "fi"). The marks themselves are dropped.
    decomposed = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if not unicodedata.combining(part) and unicodedata.category(part)[0] != "C" and _encodable(part)
    )
    return decomposed or "?"


def _encodable(char: str) -> bool:
    try:
        char.encode(_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


# -- the document ---------------------------------------------------------------------------------------------
def render_quote(quote: Quote, customer_name: str, *, locale: str = "en_US") -> bytes:
    """The quote as a PDF document (A4): number, customer, dates, one table row per line, the totals and notes.

    Amounts are formatted for `locale` (ValueError when not supported); labels are English and dates ISO 8601.
    A line's amount is its quantity times its unit price, so the column adds up to the subtotal; the line and tier
    discounts are taken off below it. The same quote gives the same bytes: the document's dates come from the
    quote, not the clock.
    """
    babel_locale = _locale(locale)
    from fpdf import FPDF
    from fpdf.enums import TableBordersLayout, VAlign, XPos, YPos
    from fpdf.fonts import FontFace

    currency = quote.currency
    number = _drawable(quote.number)

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, size=8)
            self.cell(0, 5, f"Quote {number} - page {self.page_no()}", align="C")

    pdf = Document(format="A4")
    pdf.core_fonts_encoding = _ENCODING
    pdf.set_creation_date(quote.created_at)
    pdf.set_title(f"Quote {number}")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN + 5)
    pdf.add_page()

    def paragraph(text: str, *, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font(_FONT, style=style, size=size)
        pdf.multi_cell(0, height, text, align="LEFT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    paragraph(f"Quote {number}", size=18, style="B", height=9)
    pdf.ln(2)
    paragraph(f"Customer: {_drawable(customer_name)}")
    paragraph(f"Issued {_iso(quote.created_at.date())}")
    paragraph(f"Valid until {_iso(quote.valid_until)}")
    paragraph(f"Currency: {_drawable(currency)}")
    pdf.ln(4)

    pdf.set_font(_FONT, size=9)
    with pdf.table(
        col_widths=tuple(width for _, width, _ in _COLUMNS),
        text_align=tuple(align for _, _, align in _COLUMNS),
        line_height=_LINE_HEIGHT,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD"),
        v_align=VAlign.T,
    ) as table:
        headings = table.row()
        for heading, _, _ in _COLUMNS:
            headings.cell(heading)
        for line in quote.lines:
            row = table.row()
            row.cell(_drawable(line.description))
            row.cell(_drawable(line.product_code))
            row.cell(_drawable(_quantity(line.quantity, babel_locale)))
            row.cell(_drawable(_money(line.unit_price, currency, babel_locale)))
            row.cell(_drawable(_percent(line.discount_percent, babel_locale)))
            row.cell(_drawable(_money(line.gross, currency, babel_locale)))
    pdf.ln(3)

    line_discounts = sum(line.line_discount for line in quote.lines)
    tier_discounts = sum(line.tier_discount for line in quote.lines)
    totals = [("Subtotal", _money(quote.subtotal, currency, babel_locale), "")]
    totals.append(("Line discounts", _discount(line_discounts, currency, babel_locale), ""))
    if quote.tier_discount_percent > 0:
        tier = _drawable(quote.tier or "tier").capitalize()
        label = f"Tier discount ({tier}, {_percent(quote.tier_discount_percent, babel_locale)})"
        totals.append((label, _discount(tier_discounts, currency, babel_locale), ""))
    totals.append(("Total", _money(quote.total, currency, babel_locale), "B"))
    for label, value, style in totals:
        pdf.set_font(_FONT, style=style, size=10)
        pdf.set_x(pdf.l_margin + pdf.epw - _TOTAL_LABEL_WIDTH - _TOTAL_VALUE_WIDTH)
        pdf.cell(_TOTAL_LABEL_WIDTH, 6, _drawable(label), align="R")
        pdf.cell(_TOTAL_VALUE_WIDTH, 6, _drawable(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    notes = _drawable(quote.notes, multiline=True)
    if notes:
        pdf.ln(4)
        paragraph("Notes", style="B")
        paragraph(notes, height=5)
    return bytes(pdf.output())


def _discount(amount_minor: int, currency: str, locale: Locale) -> str:
    """A discount as the amount it takes off: "-€12.00", or "€0.00" when there is none (never "-€0.00")."""
    return _money(-amount_minor if amount_minor else 0, currency, locale)


def _iso(day: date) -> str:
    return day.isoformat()
