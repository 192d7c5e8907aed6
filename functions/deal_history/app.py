"""sales.deal.history: GET /sales/deals/{id}/history (contract in sales.contracts.deals)."""

from sales.contracts.deals import HISTORY
from sales.runtime.http import http_handler

lambda_handler = http_handler(HISTORY)
