"""sales.deal.create: POST /sales/deals. Create a deal for a customer; it starts in stage lead at 10 %."""

from sales.contracts.deals import CREATE
from sales.runtime.http import http_handler

lambda_handler = http_handler(CREATE)
