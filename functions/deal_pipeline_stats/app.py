"""sales.deal.pipeline_stats: GET /sales/deals/stats/pipeline (contract in sales.contracts.deals)."""

from sales.contracts.deals import PIPELINE_STATS
from sales.runtime.http import http_handler

lambda_handler = http_handler(PIPELINE_STATS)
