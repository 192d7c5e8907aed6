"""sales.lead.qualify: POST /sales/leads/{id}/qualify (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import QUALIFY

lambda_handler = http_handler(QUALIFY)
