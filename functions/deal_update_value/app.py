"""sales.deal.update_value: PUT /sales/deals/{id}/value (contract in sales.contracts.deals)."""

from sales.contracts.deals import UPDATE_VALUE
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE_VALUE)
