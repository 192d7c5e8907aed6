"""sales.partner.reinstate: POST /sales/partners/{id}/reinstate (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import REINSTATE

lambda_handler = http_handler(REINSTATE)
