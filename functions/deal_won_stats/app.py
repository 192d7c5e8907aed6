"""sales.deal.won_stats: GET /sales/deals/stats/won. Count and revenue of won deals, per currency; a single total only when one currency."""

from sales.contracts.deals import WON_STATS
from sales.runtime.http import http_handler

lambda_handler = http_handler(WON_STATS)
