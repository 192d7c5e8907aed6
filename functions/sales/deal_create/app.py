"""sales.deal.create: POST /sales/deals (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import CREATE

lambda_handler = http_handler(CREATE)
