"""sales.opportunity.update: PATCH /sales/opportunities/{id} (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import UPDATE

lambda_handler = http_handler(UPDATE)
