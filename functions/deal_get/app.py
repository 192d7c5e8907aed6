"""sales.deal.get: GET /sales/deals/{id} (contract in sales.contracts.deals)."""

from sales.contracts.deals import GET
from sales.runtime.http import http_handler

lambda_handler = http_handler(GET)
