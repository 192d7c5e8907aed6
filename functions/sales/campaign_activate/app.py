"""sales.campaign.activate: POST /sales/campaigns/{id}/activate (contract in sales.campaign.contracts)."""

from kernel.http.handler import http_handler
from sales.campaign.contracts import ACTIVATE

lambda_handler = http_handler(ACTIVATE)
