"""sales.lead.create: POST /sales/leads (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import CREATE

lambda_handler = http_handler(CREATE)
