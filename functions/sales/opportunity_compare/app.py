"""sales.opportunity.compare: GET /sales/opportunities/{id}/compare (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import COMPARE

lambda_handler = http_handler(COMPARE)
