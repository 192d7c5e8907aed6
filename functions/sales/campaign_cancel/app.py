"""sales.campaign.cancel: POST /sales/campaigns/{id}/cancel (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import CANCEL

lambda_handler = http_handler(CANCEL)
