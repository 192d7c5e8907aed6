"""sales.lead.list: GET /sales/leads (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import LIST

lambda_handler = http_handler(LIST)
