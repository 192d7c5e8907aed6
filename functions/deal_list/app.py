"""sales.deal.list: GET /sales/deals. List live deals, newest first, with filters and pagination."""

from sales.contracts.deals import LIST
from sales.runtime.http import http_handler

lambda_handler = http_handler(LIST)
