"""sales.deal.delete: DELETE /sales/deals/{id} (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import DELETE

lambda_handler = http_handler(DELETE)
