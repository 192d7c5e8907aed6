"""sales.deal.won_stats: GET /sales/deals/stats/won (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import WON_STATS

lambda_handler = http_handler(WON_STATS)
