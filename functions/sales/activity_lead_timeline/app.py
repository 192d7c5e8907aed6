"""sales.activity.lead_timeline: GET /sales/leads/{id}/activities (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import LEAD_TIMELINE

lambda_handler = http_handler(LEAD_TIMELINE)
