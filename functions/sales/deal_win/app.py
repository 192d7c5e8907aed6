"""sales.deal.win: POST /sales/deals/{id}/win (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import WIN

lambda_handler = http_handler(WIN)
