"""sales.partner.convert_to_distributor: POST /sales/partners/{id}/convert-to-distributor (contract in
sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import CONVERT

lambda_handler = http_handler(CONVERT)
