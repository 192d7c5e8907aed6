"""sales.quote.get: GET /sales/quotes/{id} (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import GET

lambda_handler = http_handler(GET)
