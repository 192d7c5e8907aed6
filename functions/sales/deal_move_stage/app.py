"""sales.deal.move_stage: PUT /sales/deals/{id}/stage (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import MOVE_STAGE

lambda_handler = http_handler(MOVE_STAGE)
