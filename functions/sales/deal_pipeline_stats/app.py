"""sales.deal.pipeline_stats: GET /sales/deals/stats/pipeline (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import PIPELINE_STATS

lambda_handler = http_handler(PIPELINE_STATS)
