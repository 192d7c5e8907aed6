"""sales.deal.delete: DELETE /sales/deals/{id} (contract in sales.contracts.deals)."""

from sales.contracts.deals import DELETE
from sales.runtime.http import http_handler

lambda_handler = http_handler(DELETE)
