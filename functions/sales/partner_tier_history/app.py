"""sales.partner.tier_history: GET /sales/partners/{id}/tier-history (contract in sales.partner.contracts)."""

from kernel.http.handler import http_handler
from sales.partner.contracts import TIER_HISTORY

lambda_handler = http_handler(TIER_HISTORY)
