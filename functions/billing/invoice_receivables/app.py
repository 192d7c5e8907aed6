"""billing.invoice.receivables: GET /billing/stats/receivables (contract in billing.invoice.contracts)."""

from billing.invoice.contracts import RECEIVABLES
from kernel.http.handler import http_handler

lambda_handler = http_handler(RECEIVABLES)
