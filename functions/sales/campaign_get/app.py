"""sales.campaign.get: GET /sales/campaigns/{id} (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import GET

lambda_handler = http_handler(GET)
