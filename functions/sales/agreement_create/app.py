"""sales.agreement.create: POST /sales/distribution-agreements (contract in sales.agreement.contracts)."""

from kernel.http.handler import http_handler
from sales.agreement.contracts import CREATE

lambda_handler = http_handler(CREATE)
