"""sales.deal.lose: POST /sales/deals/{id}/lose. Mark a deal as lost, optionally with the reason."""

from sales.contracts.deals import LOSE
from sales.runtime.http import http_handler

lambda_handler = http_handler(LOSE)
