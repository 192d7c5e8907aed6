"""sales.deal.update_basic_info: PUT /sales/deals/{id}/basic-info (contract in sales.contracts.deals)."""

from sales.contracts.deals import UPDATE_BASIC_INFO
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE_BASIC_INFO)
