"""sales.deal.get: GET /sales/deals/{id}. Read one live deal."""

from sales.contracts.deals import GET
from sales.runtime.http import http_handler

lambda_handler = http_handler(GET)
