"""sales.opportunity.add_variant: POST /sales/opportunities/{id}/variants,
contract in sales.opportunity.contracts."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import ADD_VARIANT

lambda_handler = http_handler(ADD_VARIANT)
