"""sales.deal.create: POST /sales/deals (contract in sales.contracts.deals)."""

from sales.contracts.deals import CREATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(CREATE)
