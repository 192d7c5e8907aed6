"""sales.deal.update_value: PUT /sales/deals/{id}/value. Change the value (minor units) and currency of an open deal."""

from sales.contracts.deals import UPDATE_VALUE
from sales.runtime.http import http_handler

lambda_handler = http_handler(UPDATE_VALUE)
