"""sales.quote.accept: POST /sales/quotes/{id}/accept (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import ACCEPT

lambda_handler = http_handler(ACCEPT)
