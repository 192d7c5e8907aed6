"""What every PDF a customer receives shares (a quote, an invoice): text the font can draw, amounts per currency and
locale, and an A4 page flow of headings, paragraphs, tables and totals.

fpdf2 writes the document and Babel formats the amounts from CLDR data ("€1,234.50", "¥120,000", "KWD 1.250").
Both ship in a layer of their own (layers/pdf, PdfLayer), attached only to the functions that render a PDF, so they
are imported here on first use, never with the module: the kernel layer does not ship them, and anything that
imports this module neither needs that layer nor pays for loading them.

The text is drawn in a PDF core font (Helvetica, WinAnsi/cp1252 encoding), so it stays extractable and searchable
with no font file to ship or subset: it draws Western European text, "€" and "¥". Customer text is never trusted
to fit: a character the font cannot draw becomes its base letter or plain form ("č" -> "c", "Ł" -> "L", "ﬁ" -> "fi")
or else "?" (other scripts, emoji), control characters become spaces and invisible format characters are dropped,
so rendering never fails on what a user typed; long words are cut to the column and long tables and notes run onto
further pages. Every `Document` method cleans the text it is given that way.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from kernel.money import currency_exponent

if TYPE_CHECKING:
    from babel import Locale
    from fpdf import FPDF

# The languages whose amounts a PDF can format: Babel's data for the others is pruned from the layer
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
_TABLE_LINE_HEIGHT = 4.5
_TOTAL_LABEL_WIDTH = 70.0
_TOTAL_VALUE_WIDTH = 50.0
_TOTAL_HEIGHT = 6.0


# -- locales and amounts --------------------------------------------------------------------------------------
def parse_locale(name: str) -> Locale:
    """The Babel locale `name` ("en", "en_US", "es_419") names, checked once before anything is drawn: ValueError
    when it is malformed, unknown or its language is not one of SUPPORTED_LANGUAGES (their data alone ships)."""
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


def format_money(amount_minor: int, currency: str, locale: str | Locale = "en_US") -> str:
    """`amount_minor` minor units of `currency` as `locale` writes them: "€1,234.50" (EUR 123450, en_US),
    "¥120,000" (JPY 120000), "KWD 1.250" (KWD 1250; the space is a no-break space, as CLDR asks).

    `locale` is a name or what `parse_locale` returned, so a document parses it once. The decimals are the
    currency's ISO 4217 exponent, the one the amount is counted in, even where CLDR's usual digits differ (IQD: 3,
    not 0), so no minor unit is ever rounded away or made up. ValueError for a currency without a minor unit or a
    locale outside SUPPORTED_LANGUAGES.
    """
    from babel import Locale
    from babel.numbers import get_currency_symbol

    parsed = locale if isinstance(locale, Locale) else parse_locale(locale)
    exponent = currency_exponent(currency)
    if exponent is None:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency with a minor unit")
    amount = Decimal(amount_minor).scaleb(-exponent)
    pattern = copy.copy(parsed.currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    text: str = pattern.apply(amount, parsed, currency=currency, currency_digits=False)
    return _currency_spacing(text, get_currency_symbol(currency, parsed))


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


# -- text the font can draw -----------------------------------------------------------------------------------
def drawable(text: str | None, *, multiline: bool = False) -> str:
    """`text` with every character the core font can draw, and nothing that could upset the layout: line breaks
    kept only where asked (at most one blank line in a row), other controls as spaces, format characters
    (direction marks, zero-width joiners, soft hyphens) dropped. Cleaning clean text changes nothing."""
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
@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, its width in millimetres (180 fit between the margins) and its alignment."""

    heading: str
    width: float
    align: Literal["LEFT", "RIGHT"] = "LEFT"


class Total(NamedTuple):
    """A row of the totals block, under a table: "Total €1,234.50", in bold when it is the figure that counts."""

    label: str
    value: str
    bold: bool = False


class Document:
    """An A4 document in the core font whose content flows down the page and onto further ones, each footed with
    its title and page number. Its dates come from `created`, not the clock, so the same content gives the same
    bytes."""

    def __init__(self, title: str, *, created: datetime) -> None:
        from fpdf import FPDF

        title = drawable(title)

        class Pages(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font(_FONT, size=8)
                self.cell(0, 5, f"{title} - page {self.page_no()}", align="C")

        pdf = Pages(format="A4")
        pdf.core_fonts_encoding = _ENCODING
        pdf.set_creation_date(created)
        pdf.set_title(title)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(True, margin=_MARGIN + 5)
        pdf.add_page()
        self._pdf: FPDF = pdf

    def heading(self, text: str) -> None:
        """The document's title line, large and bold."""
        self.paragraph(text, size=18, style="B", height=9)

    def stamp(self, text: str, color: tuple[int, int, int]) -> None:
        """A large bold word in `color` the reader cannot miss ("VOID", "PAID")."""
        self._pdf.set_text_color(*color)
        self.paragraph(text, size=20, style="B", height=10)
        self._pdf.set_text_color(0)

    def paragraph(self, text: str, *, size: float = 10, style: Literal["", "B"] = "", height: float = 5.5) -> None:
        """`text` across the page, wrapped (long words cut) and kept to its own line breaks."""
        from fpdf.enums import XPos, YPos

        self._pdf.set_font(_FONT, style=style, size=size)
        self._pdf.multi_cell(
            0, height, drawable(text, multiline=True), align="LEFT", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def space(self, height: float) -> None:
        """`height` millimetres of blank space before what follows."""
        self._pdf.ln(height)

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> None:
        """A table of `rows` (a cell per column, each wrapped in its column) whose headings repeat at the top of
        every page it runs onto."""
        from fpdf.enums import TableBordersLayout, VAlign
        from fpdf.fonts import FontFace

        self._pdf.set_font(_FONT, size=9)
        with self._pdf.table(
            col_widths=tuple(column.width for column in columns),
            text_align=tuple(column.align for column in columns),
            line_height=_TABLE_LINE_HEIGHT,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD"),
            v_align=VAlign.T,
        ) as table:
            headings = table.row()
            for column in columns:
                headings.cell(drawable(column.heading))
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(drawable(cell))

    def totals(self, rows: Iterable[Total]) -> None:
        """Labels and amounts right-aligned under a table, one row each, kept together on one page."""
        from fpdf.enums import XPos, YPos

        rows = tuple(rows)
        if self._pdf.will_page_break(_TOTAL_HEIGHT * len(rows)):
            self._pdf.add_page()
        for label, value, bold in rows:
            self._pdf.set_font(_FONT, style="B" if bold else "", size=10)
            self._pdf.set_x(self._pdf.l_margin + self._pdf.epw - _TOTAL_LABEL_WIDTH - _TOTAL_VALUE_WIDTH)
            self._pdf.cell(_TOTAL_LABEL_WIDTH, _TOTAL_HEIGHT, drawable(label), align="R")
            self._pdf.cell(
                _TOTAL_VALUE_WIDTH, _TOTAL_HEIGHT, drawable(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    def notes(self, text: str | None) -> None:
        """A "Notes" section with `text`, its line breaks kept; nothing when there is nothing to say."""
        notes = drawable(text, multiline=True)
        if notes:
            self.space(4)
            self.paragraph("Notes", style="B")
            self.paragraph(notes, height=5)

    def output(self) -> bytes:
        """The finished PDF file."""
        return bytes(self._pdf.output())
