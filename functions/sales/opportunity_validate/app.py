"""sales.opportunity.validate: POST /sales/opportunities/{id}/validate (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import VALIDATE

lambda_handler = http_handler(VALIDATE)
