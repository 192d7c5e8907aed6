"""sales.activity.deal_timeline: GET /sales/deals/{id}/activities (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import DEAL_TIMELINE

lambda_handler = http_handler(DEAL_TIMELINE)
