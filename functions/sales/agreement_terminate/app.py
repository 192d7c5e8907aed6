"""sales.agreement.terminate: POST /sales/distribution-agreements/{id}/terminate (contract in
sales.agreement.contracts)."""

from kernel.http.handler import http_handler
from sales.agreement.contracts import TERMINATE

lambda_handler = http_handler(TERMINATE)
