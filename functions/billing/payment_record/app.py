"""billing.payment.record: POST /billing/payments (contract in billing.payment.contracts)."""

from billing.payment.contracts import RECORD
from kernel.http.handler import http_handler

lambda_handler = http_handler(RECORD)
