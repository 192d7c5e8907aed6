"""sales.campaign.stats: GET /sales/campaigns/{id}/stats (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import STATS

lambda_handler = http_handler(STATS)
