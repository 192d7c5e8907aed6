"""billing.invoice.void: POST /billing/invoices/{id}/void (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import VOID
from kernel.http.handler import http_handler

lambda_handler = http_handler(VOID)
