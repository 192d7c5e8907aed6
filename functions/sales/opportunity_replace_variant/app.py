"""sales.opportunity.replace_variant: PUT /sales/opportunities/{id}/variants/{variant_id},
contract in sales.opportunity.contracts."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import REPLACE_VARIANT

lambda_handler = http_handler(REPLACE_VARIANT)
