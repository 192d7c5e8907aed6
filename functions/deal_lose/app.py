"""sales.deal.lose: POST /sales/deals/{id}/lose (contract in sales.contracts.deals)."""

from sales.contracts.deals import LOSE
from sales.runtime.http import http_handler

lambda_handler = http_handler(LOSE)
