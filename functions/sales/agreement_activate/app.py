"""sales.agreement.activate: POST /sales/distribution-agreements/{id}/activate (contract in
sales.agreement.contracts)."""

from kernel.http.handler import http_handler
from sales.agreement.contracts import ACTIVATE

lambda_handler = http_handler(ACTIVATE)
