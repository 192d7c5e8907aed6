"""sales.deal.move_stage: PUT /sales/deals/{id}/stage (contract in sales.contracts.deals)."""

from sales.contracts.deals import MOVE_STAGE
from sales.runtime.http import http_handler

lambda_handler = http_handler(MOVE_STAGE)
