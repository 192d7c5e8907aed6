"""sales.deal.move_stage: PUT /sales/deals/{id}/stage. Move a deal to another stage; probability follows the stage. closed_won/closed_lost win/lose it."""

from sales.contracts.deals import MOVE_STAGE
from sales.runtime.http import http_handler

lambda_handler = http_handler(MOVE_STAGE)
