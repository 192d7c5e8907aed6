"""sales.deal.restore: POST /sales/deals/{id}/restore. Bring a soft-deleted deal back into gets, lists and stats."""

from sales.contracts.deals import RESTORE
from sales.runtime.http import http_handler

lambda_handler = http_handler(RESTORE)
