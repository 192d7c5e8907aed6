"""sales.deal.win: POST /sales/deals/{id}/win. Mark a deal as won."""

from sales.contracts.deals import WIN
from sales.runtime.http import http_handler

lambda_handler = http_handler(WIN)
