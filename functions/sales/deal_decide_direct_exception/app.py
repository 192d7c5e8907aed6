"""sales.deal.decide_direct_exception: POST /sales/deals/{id}/direct-exception (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import DIRECT_EXCEPTION

lambda_handler = http_handler(DIRECT_EXCEPTION)
