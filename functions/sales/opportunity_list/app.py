"""sales.opportunity.list: GET /sales/opportunities (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import LIST

lambda_handler = http_handler(LIST)
