"""sales.partner.list: GET /sales/partners (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import LIST

lambda_handler = http_handler(LIST)
