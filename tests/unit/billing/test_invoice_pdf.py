"""The invoice PDF: a document whose text holds the whole invoice, amounts per currency and locale, its status
stamped where it matters, and no user text that can break it."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from billing.invoice.model import ITEMS_MAX, Invoice, InvoiceItem
from billing.invoice.pdf import render_invoice
from billing.job.model import Job

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=2)
TODAY = date(2026, 3, 10)
DUE = date(2026, 4, 9)
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
NUMBER = "INV-2026-000042"
NBSP = "\u00a0"


def issue(*, currency: str = "EUR", **overrides: Any) -> Invoice:
    job = Job.open_from_won(
        deal_id="019b72b9-2222-7000-8000-000000000002",
        customer_id=CUSTOMER,
        bridge=None,
        name="Office network",
        value=100000,
        currency=currency,
        lines=None,
        now=NOW,
        job_id="019b72c0-5555-7000-8000-000000000005",
    )
    job.complete(NOW)
    arguments: dict[str, Any] = {
        "job": job,
        "due_date": DUE,
        "items": [{"description": "Service", "amount": 100000}],
        "notes": None,
        "number": NUMBER,
        "today": TODAY,
        "now": NOW,
        "invoice_id": "019b72c1-6666-7000-8000-000000000006",
    }
    arguments.update(overrides)
    return Invoice.issue(**arguments)


def text_of(document: bytes) -> str:
    return "\n".join(pages_of(document))


def pages_of(document: bytes) -> list[str]:
    """The text of each page. pypdf reads a no-break space back as a plain one."""
    return [page.extract_text().replace(NBSP, " ") for page in PdfReader(io.BytesIO(document)).pages]


def test_the_pdf_holds_the_number_customer_dates_items_and_totals() -> None:
    invoice = issue(
        items=[{"description": "Network survey", "amount": 23450}, {"description": "Cabling", "amount": 100000}],
        notes="Payable by bank transfer.\nThank you.",
    )
    invoice.record_payment(20000, now=LATER)
    document = render_invoice(invoice)

    assert document.startswith(b"%PDF-")
    text = text_of(document)
    for expected in (
        f"Invoice {NUMBER}",
        f"Customer: {CUSTOMER}",
        "Issued 2026-03-10",
        "Due 2026-04-09",
        "Status: Partially paid",
        "Network survey €234.50",
        "Cabling €1,000.00",
        "Total €1,234.50",
        "Amount paid €200.00",
        "Balance due €1,034.50",
        "Payable by bank transfer.\nThank you.",
    ):
        assert expected in text, expected
    assert "VOID" not in text and "PAID" not in text


@pytest.mark.parametrize(
    ("currency", "amount", "shown"),
    [("EUR", 123450, "€1,234.50"), ("JPY", 120000, "¥120,000"), ("KWD", 1250, "KWD 1.250")],
)
def test_amounts_are_shown_in_the_invoice_currency(currency: str, amount: int, shown: str) -> None:
    invoice = issue(currency=currency, items=[{"description": "Service", "amount": amount}])
    text = text_of(render_invoice(invoice))
    assert f"Total {shown}" in text
    assert f"Balance due {shown}" in text


def test_amounts_follow_the_locale() -> None:
    text = text_of(render_invoice(issue(items=[{"description": "Service", "amount": 123450}]), "de_DE"))
    assert "Total 1.234,50 €" in text


def test_a_void_invoice_is_stamped_void_with_its_reason_and_nothing_due() -> None:
    invoice = issue()
    invoice.void("Billed to the wrong customer", now=LATER)
    text = text_of(render_invoice(invoice))

    assert text.splitlines()[1] == "VOID"  # right under the title, before anything else
    assert "Status: Void since 2026-03-12" in text
    assert "Void reason: Billed to the wrong customer" in text
    assert "Total €1,000.00" in text
    assert "Balance due €0.00" in text


def test_a_paid_invoice_is_stamped_paid() -> None:
    invoice = issue()
    invoice.record_payment(100000, now=LATER)
    text = text_of(render_invoice(invoice))

    assert text.splitlines()[1] == "PAID"
    assert "Status: Paid on 2026-03-12" in text
    assert "Amount paid €1,000.00" in text
    assert "Balance due €0.00" in text


def test_a_hundred_items_run_onto_further_pages() -> None:
    items = [{"description": f"Widget-{index:03d} spare part", "amount": index + 1} for index in range(ITEMS_MAX)]
    pages = pages_of(render_invoice(issue(items=items)))

    assert len(pages) > 1
    text = "\n".join(pages)
    assert all(f"Widget-{index:03d} spare part" in text for index in range(ITEMS_MAX))
    assert all("Description" in page for page in pages[:-1])  # the headings repeat on every page of the table
    assert all(f"Invoice {NUMBER} - page {number}" in page for number, page in enumerate(pages, start=1))
    assert "Total €50.50" in pages[-1]  # 1 + 2 + ... + 100 cents


def test_hostile_text_never_breaks_the_document() -> None:
    unbroken = "X" * 500
    hostile = [
        "<script>alert('x')</script>",
        "Emoji 😀🎉 and flags 🇩🇪",
        "فاتورة للعميل",  # Arabic, right to left
        "山田 Zoë Dvořák-Łukasz ﬁrm",
        "Control\x00\x07\x1b[31m chars\u200f\u202e\ufeff and a\tTab",
        "Lone surrogate \ud800 and private use \ue000",
        "Line\nbreaks\r\nin a description",
        unbroken,
    ]
    invoice = dataclasses.replace(
        issue(),
        invoice_number="INV\x00😀-" + "N" * 300,
        customer_id="مرحبا <img src=x onerror=alert(1)>\x00\n",
        items=tuple(InvoiceItem(description, 100) for description in hostile),
        notes=("Notes with\n\n\n\n\nblank lines " + "Z" * 1500 + " 😀 ")[:2000],
    )
    document = render_invoice(invoice)

    assert document.startswith(b"%PDF-")
    text = text_of(document)
    assert "<script>alert('x')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "?? Zoë Dvorák-Lukasz firm" in text  # base letters and plain forms kept, the rest "?"
    # The unbroken word is cut to the column, not lost.
    assert "".join(character for character in text if character == "X") == unbroken
    assert "Total €8.00" in text


def test_the_same_invoice_gives_the_same_bytes() -> None:
    invoice = issue(items=[{"description": "Service", "amount": 100000}, {"description": "Support", "amount": 5000}])
    assert render_invoice(invoice) == render_invoice(invoice)


@pytest.mark.parametrize("locale", ["sv_SE", "xx", "", "en_US;drop"])
def test_an_unsupported_locale_is_refused_before_rendering(locale: str) -> None:
    with pytest.raises(ValueError, match="locale"):
        render_invoice(issue(), locale)


def test_the_pdf_libraries_are_imported_on_first_use_not_with_the_module() -> None:
    # They ship in the PDF functions' layer only: the kernel and billing layers must import without them.
    probe = (
        "import sys; import kernel.pdf, billing.invoice.pdf; "
        "assert not {'fpdf', 'babel'} & set(sys.modules), sorted({'fpdf', 'babel'} & set(sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", probe], check=True, env=env, timeout=60)
