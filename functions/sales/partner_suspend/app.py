"""sales.partner.suspend: POST /sales/partners/{id}/suspend (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import SUSPEND

lambda_handler = http_handler(SUSPEND)
