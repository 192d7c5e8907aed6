"""sales.deal.partner_list: GET /sales/partners/{id}/deals (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import PARTNER_LIST

lambda_handler = http_handler(PARTNER_LIST)
