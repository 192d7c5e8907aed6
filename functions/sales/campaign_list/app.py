"""sales.campaign.list: GET /sales/campaigns (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import LIST

lambda_handler = http_handler(LIST)
