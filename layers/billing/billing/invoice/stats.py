"""Receivable counters: what one invoice adds to the receivables, so the stats are sums, never scans.

A command stores `receivable_deltas(receivables(before), receivables(after))` in the same transaction as the
invoice, which keeps every currency's totals exact whatever the command did (issue, pay, void, mark overdue).
Names carry only the currency, so the counter items stay small however many invoices there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from billing.invoice.model import Invoice, InvoiceStatus


def receivable_keys(currency: str) -> tuple[str, str, str]:
    """outstanding (balance of unpaid invoices), overdue (balance of overdue ones), count (unpaid invoices)."""
    return f"{currency}#outstanding", f"{currency}#overdue", f"{currency}#count"


def receivables(invoice: Invoice | None) -> Counter[str]:
    """What one invoice is owed: nothing once paid or void, else its balance, under overdue too when it is."""
    if invoice is None or not invoice.status.is_unpaid:
        return Counter()
    outstanding_key, overdue_key, count_key = receivable_keys(invoice.currency)
    counters = Counter({outstanding_key: invoice.balance_due, count_key: 1})
    if invoice.status is InvoiceStatus.OVERDUE:
        counters[overdue_key] = invoice.balance_due
    return counters


def receivable_deltas(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """after - before, non-zero differences only (in name order), so an unchanged stat costs no write."""
    changes = {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}
    return {key: change for key, change in sorted(changes.items()) if change}


# -- reading the counters back ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CurrencyReceivables:
    currency: str
    outstanding: int
    overdue: int
    invoice_count: int


def receivable_rows(counters: Counter[str]) -> list[CurrencyReceivables]:
    """The receivables per currency, currencies in order; a currency with no unpaid invoice left is no row."""
    rows = []
    for currency in sorted({name.split("#")[0] for name in counters}):
        outstanding_key, overdue_key, count_key = receivable_keys(currency)
        if counters[count_key]:
            rows.append(
                CurrencyReceivables(currency, counters[outstanding_key], counters[overdue_key], counters[count_key])
            )
    return rows
