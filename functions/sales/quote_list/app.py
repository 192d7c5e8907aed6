"""sales.quote.list: GET /sales/deals/{id}/quotes (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import LIST

lambda_handler = http_handler(LIST)
