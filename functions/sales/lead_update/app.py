"""sales.lead.update: PATCH /sales/leads/{id} (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import UPDATE

lambda_handler = http_handler(UPDATE)
