"""billing.invoice.get: GET /billing/invoices/{id} (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import GET
from kernel.http.handler import http_handler

lambda_handler = http_handler(GET)
