"""sales.lead.reopen: POST /sales/leads/{id}/reopen (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import REOPEN

lambda_handler = http_handler(REOPEN)
