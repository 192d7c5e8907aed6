"""sales.campaign.update: PATCH /sales/campaigns/{id} (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import UPDATE

lambda_handler = http_handler(UPDATE)
