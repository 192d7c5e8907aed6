"""billing.invoice.pdf: GET /billing/invoices/{id}/pdf (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import PDF
from kernel.http.handler import http_handler

lambda_handler = http_handler(PDF)
