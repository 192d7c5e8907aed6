"""sales.deal.register: POST /sales/partners/{id}/deals (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import REGISTER

lambda_handler = http_handler(REGISTER)
