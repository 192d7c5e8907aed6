"""sales.opportunity.decline: POST /sales/opportunities/{id}/decline (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import DECLINE

lambda_handler = http_handler(DECLINE)
