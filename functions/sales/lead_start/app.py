"""sales.lead.start: POST /sales/leads/{id}/start (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import START

lambda_handler = http_handler(START)
