"""sales.deal.get: GET /sales/deals/{id} (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import GET

lambda_handler = http_handler(GET)
