"""sales.deal.won_stats: GET /sales/deals/stats/won (contract in sales.contracts.deals)."""

from sales.contracts.deals import WON_STATS
from sales.runtime.http import http_handler

lambda_handler = http_handler(WON_STATS)
