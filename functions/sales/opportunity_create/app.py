"""sales.opportunity.create: POST /sales/opportunities (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import CREATE

lambda_handler = http_handler(CREATE)
