"""sales.partner.create: POST /sales/partners (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import CREATE

lambda_handler = http_handler(CREATE)
