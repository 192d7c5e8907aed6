"""sales.activity.opportunity_timeline: GET /sales/opportunities/{id}/activities."""

from kernel.http.handler import http_handler
from sales.activity.contracts import OPPORTUNITY_TIMELINE

lambda_handler = http_handler(OPPORTUNITY_TIMELINE)
