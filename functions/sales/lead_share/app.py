"""sales.lead.share: POST /sales/leads/{id}/share (contract in sales.lead.contracts)."""

from kernel.http.handler import http_handler
from sales.lead.contracts import SHARE

lambda_handler = http_handler(SHARE)
