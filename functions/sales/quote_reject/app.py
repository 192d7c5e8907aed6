"""sales.quote.reject: POST /sales/quotes/{id}/reject (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import REJECT

lambda_handler = http_handler(REJECT)
