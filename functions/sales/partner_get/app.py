"""sales.partner.get: GET /sales/partners/{id} (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import GET

lambda_handler = http_handler(GET)
