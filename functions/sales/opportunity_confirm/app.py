"""sales.opportunity.confirm: POST /sales/opportunities/{id}/confirm (contract in sales.opportunity.contracts)."""

from kernel.http.handler import http_handler
from sales.opportunity.contracts import CONFIRM

lambda_handler = http_handler(CONFIRM)
