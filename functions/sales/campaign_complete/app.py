"""sales.campaign.complete: POST /sales/campaigns/{id}/complete (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import COMPLETE

lambda_handler = http_handler(COMPLETE)
