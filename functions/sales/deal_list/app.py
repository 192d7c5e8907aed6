"""sales.deal.list: GET /sales/deals (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import LIST

lambda_handler = http_handler(LIST)
