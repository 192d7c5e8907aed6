"""billing.payment.list: GET /billing/invoices/{id}/payments (contract in billing.payment.contracts)."""

from billing.payment.contracts import LIST
from kernel.http.handler import http_handler

lambda_handler = http_handler(LIST)
