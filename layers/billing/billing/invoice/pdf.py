"""An invoice as the PDF the customer receives: its number, customer, dates, status, items and what is still owed.

The text, amounts and page flow are the kernel's (kernel.pdf): core-font text that never fails on what a user
typed, amounts from CLDR data ("€1,234.50", "¥120,000", "KWD 1.250"), tables that run onto further pages. Its PDF
libraries ship in a layer of their own (layers/pdf, PdfLayer) and are imported on first use, never with this
module, so the invoice's other code needs no such layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing.invoice.model import InvoiceStatus
from kernel.pdf import Column, Document, Total, drawable, format_money, parse_locale

if TYPE_CHECKING:
    from datetime import datetime

    from billing.invoice.model import Invoice

# Widths in millimetres: 180 fit between the margins.
_COLUMNS = (Column("Description", 140.0), Column("Amount", 40.0, "RIGHT"))
_STATUS = {
    InvoiceStatus.ISSUED: "Issued",
    InvoiceStatus.PARTIALLY_PAID: "Partially paid",
    InvoiceStatus.PAID: "Paid",
    InvoiceStatus.OVERDUE: "Overdue",
    InvoiceStatus.VOID: "Void",
}
# A settled or cancelled invoice says so in large letters above everything else: nobody pays it by mistake.
_STAMPS = {InvoiceStatus.VOID: ("VOID", (200, 0, 0)), InvoiceStatus.PAID: ("PAID", (0, 128, 0))}


def render_invoice(invoice: Invoice, locale: str = "en") -> bytes:
    """The invoice as a PDF document (A4): number, customer, dates, status, one table row per item, the total,
    what was paid, the balance due and the notes.

    Amounts are formatted for `locale` (ValueError when not supported, before anything is drawn); labels are
    English and dates ISO 8601. A void invoice is stamped VOID and shows its reason and no balance due, as nothing
    is owed on it; a paid one is stamped PAID. The same invoice gives the same bytes: the document's dates come
    from the invoice, not the clock.
    """
    babel_locale = parse_locale(locale)
    currency = invoice.currency

    def money(amount_minor: int) -> str:
        return format_money(amount_minor, currency, babel_locale)

    title = f"Invoice {drawable(invoice.invoice_number)}"
    document = Document(title, created=invoice.issued_at)
    document.heading(title)
    stamp = _STAMPS.get(invoice.status)
    if stamp is not None:
        document.stamp(*stamp)
    document.space(2)
    # Billed by name when the won deal gave one; the customer's id otherwise, so the document still says whom.
    document.paragraph(f"Customer: {drawable(invoice.customer_name or invoice.customer_id)}")
    document.paragraph(f"Issued {_day(invoice.issued_at)}")
    document.paragraph(f"Due {invoice.due_date.isoformat()}")
    document.paragraph(f"Status: {_status(invoice)}")
    if invoice.status is InvoiceStatus.VOID and invoice.void_reason:
        document.paragraph(f"Void reason: {drawable(invoice.void_reason)}")
    document.paragraph(f"Currency: {drawable(currency)}")
    document.space(4)

    document.table(_COLUMNS, ((item.description, money(item.amount)) for item in invoice.items))
    document.space(3)

    balance = 0 if invoice.status is InvoiceStatus.VOID else invoice.balance_due
    document.totals(
        (
            Total("Total", money(invoice.total), bold=True),
            Total("Amount paid", money(invoice.amount_paid)),
            Total("Balance due", money(balance), bold=True),
        )
    )

    document.notes(invoice.notes)
    return document.output()


def _status(invoice: Invoice) -> str:
    """The status in words, with the day it was settled or cancelled when the invoice knows it."""
    label = _STATUS[invoice.status]
    if invoice.status is InvoiceStatus.PAID and invoice.paid_at is not None:
        return f"{label} on {_day(invoice.paid_at)}"
    if invoice.status is InvoiceStatus.VOID and invoice.voided_at is not None:
        return f"{label} since {_day(invoice.voided_at)}"
    return label


def _day(moment: datetime) -> str:
    return moment.date().isoformat()
