"""sales.deal.update_value: PUT /sales/deals/{id}/value (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import UPDATE_VALUE

lambda_handler = http_handler(UPDATE_VALUE)
