"""sales.quote.send: POST /sales/quotes/{id}/send (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import SEND

lambda_handler = http_handler(SEND)
