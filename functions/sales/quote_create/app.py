"""sales.quote.create: POST /sales/deals/{id}/quotes (contract in sales.quote.contracts)."""

from kernel.http.handler import http_handler
from sales.quote.contracts import CREATE

lambda_handler = http_handler(CREATE)
