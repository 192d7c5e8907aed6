"""billing.invoice.issue: POST /billing/invoices (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import ISSUE
from kernel.http.handler import http_handler

lambda_handler = http_handler(ISSUE)
