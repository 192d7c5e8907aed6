"""sales.deal.list: GET /sales/deals (contract in sales.contracts.deals)."""

from sales.contracts.deals import LIST
from sales.runtime.http import http_handler

lambda_handler = http_handler(LIST)
