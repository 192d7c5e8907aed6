"""billing.invoice.list: GET /billing/invoices (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import LIST
from kernel.http.handler import http_handler

lambda_handler = http_handler(LIST)
