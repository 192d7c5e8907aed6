"""sales.deal.lose: POST /sales/deals/{id}/lose (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import LOSE

lambda_handler = http_handler(LOSE)
