"""sales.deal.list_by_stage: GET /sales/deals/stage/{stage} (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import LIST_BY_STAGE

lambda_handler = http_handler(LIST_BY_STAGE)
