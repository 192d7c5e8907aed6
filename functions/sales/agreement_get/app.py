"""sales.agreement.get: GET /sales/distribution-agreements/{id} (contract in sales.agreement.contracts)."""

from kernel.http.handler import http_handler
from sales.agreement.contracts import GET

lambda_handler = http_handler(GET)
