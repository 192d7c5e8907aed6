"""sales.deal.list_by_stage: GET /sales/deals/stage/{stage} (contract in sales.contracts.deals)."""

from sales.contracts.deals import LIST_BY_STAGE
from sales.runtime.http import http_handler

lambda_handler = http_handler(LIST_BY_STAGE)
