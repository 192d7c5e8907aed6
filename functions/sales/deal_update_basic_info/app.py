"""sales.deal.update_basic_info: PUT /sales/deals/{id}/basic-info (contract in sales.deal.contracts)."""

from kernel.http.handler import http_handler
from sales.deal.contracts import UPDATE_BASIC_INFO

lambda_handler = http_handler(UPDATE_BASIC_INFO)
