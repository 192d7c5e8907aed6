"""sales.campaign.create: POST /sales/campaigns (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import CREATE

lambda_handler = http_handler(CREATE)
