"""billing.payment.get: GET /billing/payments/{id} (contract in billing.payment.contracts)."""

from billing.payment.contracts import GET
from kernel.http.handler import http_handler

lambda_handler = http_handler(GET)
