"""sales.lead.convert: POST /sales/leads/{id}/convert (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import CONVERT

lambda_handler = http_handler(CONVERT)
