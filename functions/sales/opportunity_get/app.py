"""sales.opportunity.get: GET /sales/opportunities/{id} (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import GET

lambda_handler = http_handler(GET)
