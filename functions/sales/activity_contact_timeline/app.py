"""sales.activity.contact_timeline: GET /sales/contacts/{id}/activities (contract in sales.activity.contracts)."""

from kernel.http.handler import http_handler
from sales.activity.contracts import CONTACT_TIMELINE

lambda_handler = http_handler(CONTACT_TIMELINE)
