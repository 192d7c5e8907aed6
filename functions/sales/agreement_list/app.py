"""sales.agreement.list: GET /sales/partners/{id}/agreements (contract in sales.agreement.contracts)."""

from kernel.http.handler import http_handler
from sales.agreement.contracts import LIST

lambda_handler = http_handler(LIST)
