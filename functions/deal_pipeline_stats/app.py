"""sales.deal.pipeline_stats: GET /sales/deals/stats/pipeline. Count live deals per stage, and open value per stage per currency."""

from sales.contracts.deals import PIPELINE_STATS
from sales.runtime.http import http_handler

lambda_handler = http_handler(PIPELINE_STATS)
