"""sales.opportunity.remove_variant: DELETE /sales/opportunities/{id}/variants/{variant_id},
contract in sales.opportunity.contracts."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import REMOVE_VARIANT

lambda_handler = http_handler(REMOVE_VARIANT)
