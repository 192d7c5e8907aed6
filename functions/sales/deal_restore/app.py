"""sales.deal.restore: POST /sales/deals/{id}/restore (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import RESTORE

lambda_handler = http_handler(RESTORE)
