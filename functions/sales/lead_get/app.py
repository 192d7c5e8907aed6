"""sales.lead.get: GET /sales/leads/{id} (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import GET

lambda_handler = http_handler(GET)
