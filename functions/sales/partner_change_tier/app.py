"""sales.partner.change_tier: PUT /sales/partners/{id}/tier (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import CHANGE_TIER

lambda_handler = http_handler(CHANGE_TIER)
