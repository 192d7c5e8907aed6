"""sales.deal.history: GET /sales/deals/{id}/history (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import HISTORY

lambda_handler = http_handler(HISTORY)
