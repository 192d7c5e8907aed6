"""sales.deal.win: POST /sales/deals/{id}/win (contract in sales.contracts.deals)."""

from sales.contracts.deals import WIN
from sales.runtime.http import http_handler

lambda_handler = http_handler(WIN)
