"""sales.deal.restore: POST /sales/deals/{id}/restore (contract in sales.contracts.deals)."""

from sales.contracts.deals import RESTORE
from sales.runtime.http import http_handler

lambda_handler = http_handler(RESTORE)
