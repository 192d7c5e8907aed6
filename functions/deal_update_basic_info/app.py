"""sales.deal.update_basic_info: PUT /sales/deals/{id}/basic-info. Change a deal's name, expected close date, source, tags or assignee."""

from sales.contracts.deals import UPDATE_BASIC_INFO
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE_BASIC_INFO)
