"""sales.lead.disqualify: POST /sales/leads/{id}/disqualify (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import DISQUALIFY

lambda_handler = http_handler(DISQUALIFY)
